"""Across every operation of the API schema that an environment token opens, a personal API key of someone
without the matching role is a 403 naming the role, and one of someone with it gets past the check (an
answer that is not 401 or 403). The operations and their token come from the schema itself, so a new
protected operation is covered without touching this test."""

import io

import pytest
from drf_spectacular.generators import SchemaGenerator

from assets.tests.conftest import png_bytes

pytestmark = pytest.mark.django_db

ROLE_OF_SCHEME = {
    "uploadToken": "contributors",
    "moderatorToken": "moderators",
    "printerAdminToken": "operators",
    "printerControlToken": "operators",
}


def _token_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            schemes = {name for requirement in operation.get("security", []) for name in requirement}
            tokens = schemes & set(ROLE_OF_SCHEME)
            if not tokens or {} in operation.get("security", []):
                continue  # public, or a token is optional (it only shows more)
            assert "personalApiKey" in schemes, f"{method.upper()} {path} takes a token but no personal key"
            roles = {ROLE_OF_SCHEME[name] for name in tokens}
            yield pytest.param(method, path, roles, id=f"{method.upper()} {path}")


def _call(client, method, path, headers):
    if method in ("post", "put", "patch"):
        return getattr(client, method)(path, {}, content_type="application/json", **headers)
    return getattr(client, method)(path, **headers)


@pytest.fixture
def asset_id(client, settings, person):
    carla = person("setup-contributor", "contributors")
    picture = io.BytesIO(png_bytes())
    picture.name = "board.png"
    response = client.post("/api/board-assets/", {"file": picture}, **carla.bearer)
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.mark.parametrize(("method", "path", "roles"), list(_token_operations()))
def test_the_role_opens_it_and_no_other_role_does(client, person, asset_id, method, path, roles):
    concrete = path.replace("{asset_id}", asset_id).replace("{slug}", "demo").replace("{action}", "restart")
    others = sorted({"contributors", "moderators", "operators"} - roles)
    outsider = person("outsider", *others)
    holder = person("holder", *sorted(roles))

    refused = _call(client, method, concrete, outsider.bearer)
    opened = _call(client, method, concrete, holder.bearer)

    assert refused.status_code == 403, refused.content
    assert any(role in refused.json()["detail"] for role in roles)
    assert opened.status_code not in (401, 403), opened.content
