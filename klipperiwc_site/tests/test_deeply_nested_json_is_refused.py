"""JSON nested deeper than json_limits allows: a 400 from the API, close 4400 on /ws/status, never RecursionError."""

import json

import pytest
from channels.testing import WebsocketCommunicator

from klipperiwc_site.asgi import application
from klipperiwc_site.json_limits import JSON_MAX_DEPTH, JsonTooDeep, json_depth_check

LIMIT_TEXT = f"at most {JSON_MAX_DEPTH} levels"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/boards/validate", "/api/boards/klipper.cfg"])
@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_the_api_answers_400_naming_the_limit(client, url, depth):
    response = client.post(url, nested(depth), content_type="application/json")

    assert response.status_code == 400, response.content
    assert LIMIT_TEXT in response.json()["detail"]


@pytest.mark.django_db
def test_nesting_inside_an_object_counts_too(client):
    body = '{"a":' * (JSON_MAX_DEPTH + 1) + "1" + "}" * (JSON_MAX_DEPTH + 1)
    response = client.post("/api/boards/validate", body, content_type="application/json")
    assert response.status_code == 400
    assert LIMIT_TEXT in response.json()["detail"]


@pytest.mark.django_db
def test_nesting_up_to_the_limit_and_brackets_in_strings_are_parsed_as_before(client):
    at_limit = client.post("/api/boards/validate", nested(JSON_MAX_DEPTH), content_type="application/json")
    assert at_limit.status_code == 200  # parsed; the definition is just not valid
    assert at_limit.json()["valid"] is False

    brackets_in_a_string = json.dumps({"id": "[" * 5000 + '\\"{' * 100})
    response = client.post("/api/boards/validate", brackets_in_a_string, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["valid"] is False


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        (nested(JSON_MAX_DEPTH), False),
        (nested(JSON_MAX_DEPTH + 1), True),
        ("[" * (JSON_MAX_DEPTH + 1), True),  # unbalanced: still refused before the parser recurses
        (json.dumps(["[" * 1000, {"k": "{" * 1000}]), False),
        # An escaped backslash does not hide the quote after it: the brackets count.
        ('["\\\\", ' + "[" * JSON_MAX_DEPTH + "]" * JSON_MAX_DEPTH + "]", True),
        ('["\\"[[[[", 1]', False),
        ("", False),
        ("not json at all {{{", False),
    ],
)
def test_the_depth_check_counts_only_brackets_outside_strings(text, deep):
    if deep:
        with pytest.raises(JsonTooDeep):
            json_depth_check(text)
    else:
        json_depth_check(text)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.asyncio
async def test_the_websocket_closes_4400_naming_the_limit():
    client = WebsocketCommunicator(application, "/ws/status")
    connected, _ = await client.connect()
    assert connected  # no snapshot stored yet: only the demo printer's connection arrives before our message
    assert (await client.receive_json_from(timeout=5))["type"] == "connection"
    await client.send_to(text_data=nested(1_000))

    error = await client.receive_json_from(timeout=5)
    assert error["type"] == "error"
    assert LIMIT_TEXT in error["detail"]
    assert await client.receive_output(timeout=5) == {"type": "websocket.close", "code": 4400}
