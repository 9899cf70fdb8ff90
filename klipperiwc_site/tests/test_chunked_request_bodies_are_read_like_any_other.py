"""A body sent with Transfer-Encoding: chunked (no Content-Length) is read, and limited, like any other: real daphne."""

import http.client
import io
import json
import os
import socket
from urllib.parse import urlsplit

import pytest
from PIL import Image
from urllib3 import encode_multipart_formdata

from assets.tests.conftest import UPLOAD_TOKEN

pytestmark = pytest.mark.slow

MAX_UPLOAD = 1024 * 1024


@pytest.fixture
def server(start_daphne, asset_site_env, tmp_path):
    return start_daphne(asset_site_env(BOARD_ASSET_MAX_BYTES=str(MAX_UPLOAD))), tmp_path / "assets"


def chunks(body: bytes, size: int = 16 * 1024):
    for start in range(0, len(body), size):
        yield body[start : start + size]


def send_chunked(url: str, method: str, path: str, body: bytes, headers: dict) -> tuple[int, dict]:
    """One request whose body goes out in chunks: http.client sends no Content-Length for a generator."""
    parts = urlsplit(url)
    assert parts.hostname is not None, url
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(method, path, body=chunks(body), headers=headers, encode_chunked=True)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def png(width=64, height=48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 200, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def multipart(content: bytes, **fields) -> tuple[bytes, str]:
    return encode_multipart_formdata({**fields, "file": ("board.png", content, "image/png")})


def test_a_chunked_upload_of_a_png_is_stored(server):
    url, folder = server
    content = png()
    body, content_type = multipart(content, title="chunked", visibility="public")

    status, answer = send_chunked(
        url,
        "POST",
        "/api/board-assets/",
        body,
        {"Content-Type": content_type, "X-Board-Assets-Key": UPLOAD_TOKEN, "Transfer-Encoding": "chunked"},
    )

    assert status == 201, answer
    assert answer["title"] == "chunked"
    assert answer["size"] == len(content)
    assert (folder / f"{answer['id']}.png").read_bytes() == content


def test_a_chunked_upload_over_the_limit_is_413_and_leaves_nothing(server):
    url, folder = server
    body, content_type = multipart(os.urandom(2 * MAX_UPLOAD))

    status, answer = send_chunked(
        url, "POST", "/api/board-assets/", body, {"Content-Type": content_type, "X-Board-Assets-Key": UPLOAD_TOKEN}
    )

    assert status == 413, answer
    assert f"{MAX_UPLOAD} bytes" in answer["detail"]
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_chunked_json_body_is_parsed_and_limited(server):
    url, _folder = server
    status, answer = send_chunked(
        url, "POST", "/api/boards/validate", json.dumps({"id": "x"}).encode(), {"Content-Type": "application/json"}
    )
    assert status == 200, answer
    assert answer["valid"] is False
    assert answer["errors"]  # the definition was read: its problems are listed, not "no body"

    oversized = json.dumps({"notes": ["x" * 3_000_000]}).encode()  # over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
    status, answer = send_chunked(url, "POST", "/api/boards/validate", oversized, {"Content-Type": "application/json"})
    assert status == 413, answer
    assert "bytes" in answer["detail"]


def raw_request(url: str, head: str, body_parts) -> tuple[int, dict]:
    """Send ``head`` and then as much of ``body_parts`` as the server reads; the answer it gives meanwhile."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(head.encode("ascii"))
        try:
            for part in body_parts:
                sock.sendall(part)
        except OSError:
            pass  # the server answered and closed before the body ended
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, json.loads(response.read())


def test_a_chunked_body_larger_than_any_view_takes_is_refused_before_it_ends(server):
    url, _folder = server
    head = "POST /api/boards/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    head += "Transfer-Encoding: chunked\r\n\r\n"
    chunk = b"x" * 64 * 1024
    # 4 MB and no last chunk: a server that read the whole body first would wait for ever.
    body = (b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(64))

    status, answer = raw_request(url, head, body)

    assert status == 413, answer
    assert "bytes, the most any request here may send" in answer["detail"]


def test_a_declared_length_larger_than_any_view_takes_is_refused_unread(server):
    url, _folder = server
    head = "POST /api/board-assets/ HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
    head += f"X-Board-Assets-Key: {UPLOAD_TOKEN}\r\nContent-Length: {10 * 1024**3}\r\n\r\n"

    status, answer = raw_request(url, head, [])

    assert status == 413, answer
    assert "bytes, the most any request here may send" in answer["detail"]
