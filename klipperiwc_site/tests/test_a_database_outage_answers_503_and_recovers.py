"""While PostgreSQL cannot be reached, the API, pages, uploads and /ws/status answer 503 (4503); then they recover.

A real daphne reaches a database of the test's own through a TCP proxy the
test cuts (every connection dropped, new ones closed at once) and restores,
without restarting anything.
"""

import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from urllib3 import encode_multipart_formdata
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from assets.tests.conftest import MODERATOR_TOKEN, UPLOAD_TOKEN, png_bytes

pytestmark = [pytest.mark.slow, pytest.mark.requires_postgres]


def request(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, body bytes), for error answers too."""
    try:
        prepared = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
        with urllib.request.urlopen(prepared, timeout=20) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def upload(url: str, color) -> tuple:
    body, content_type = encode_multipart_formdata({"file": ("board.png", png_bytes(color=color), "image/png")})
    headers = {"Content-Type": content_type, "X-Board-Assets-Key": UPLOAD_TOKEN}
    return request(f"{url}/api/board-assets/", data=body, headers=headers)


def stored_files(folder) -> list[str]:
    return sorted(str(path) for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def asset_rows(database_url: str) -> int:
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as conn:
        row = conn.execute("SELECT count(*) FROM board_assets").fetchone()
        assert row is not None
        return row[0]


@pytest.fixture
def site(postgres_database, tcp_proxy, project_env, manage, start_daphne, tmp_path):
    server = urlsplit(postgres_database)
    proxy = tcp_proxy(server.hostname, server.port or 5432)
    userinfo = server.netloc.rpartition("@")[0]
    through_proxy = urlunsplit(server._replace(netloc=f"{userinfo}@127.0.0.1:{proxy.port}"))
    storage = tmp_path / "board-assets"
    env = project_env(
        # Static files from the finders, as the browser tests do: production
        # would want collectstatic output (the answers are the same either way).
        APP_ENV="development",
        DATABASE_URL=through_proxy,
        BOARD_ASSET_UPLOAD_TOKEN=UPLOAD_TOKEN,
        BOARD_ASSET_MODERATION_TOKEN=MODERATOR_TOKEN,
        BOARD_ASSET_LOCAL_PATH=str(storage),
        LOG_FILE=str(tmp_path / "app.log"),
    )
    migrated = manage("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr
    return start_daphne(env), proxy, storage


PAGES = ("/api/status", "/api/printers/", "/", "/boards", "/accounts/sign-in")


def test_requests_answer_503_and_store_nothing_while_the_database_is_cut_off(site, postgres_database):
    url, proxy, storage = site
    # Not /api/status: it would keep the printer's row for a few seconds
    # (status/selectors.py), and answer the printer's live status from that
    # copy, without storing it, until then.
    for path in ("/api/printers/", "/"):
        assert request(url + path)[0] == 200, path
    assert upload(url, (10, 20, 30))[0] == 201
    files_before = stored_files(storage)

    proxy.cut()
    for path in ("/api/status", "/api/printers/"):
        status, headers, body = request(url + path)
        assert status == 503, (path, body)
        assert headers["Content-Type"] == "application/json"
        assert "database is unavailable" in json.loads(body)["detail"]
        assert int(headers["Retry-After"]) > 0
    status, headers, body = upload(url, (40, 50, 60))
    assert status == 503, body
    assert "database is unavailable" in json.loads(body)["detail"]
    assert headers["Retry-After"]
    assert stored_files(storage) == files_before
    for page in ("/", "/boards"):  # (the sign-in form itself needs no database: it answers 200)
        status, headers, body = request(url + page)
        assert status == 503, page
        assert headers["Content-Type"].startswith("text/html")
        assert headers["Retry-After"]
        assert b"Temporarily unavailable" in body
        assert b'<link rel="stylesheet" href="/static/css/site.css' in body  # the site's own look, no CDN
    # A personal API key cannot be looked up: 503, neither a 403 nor a 500.
    status, _, body = request(
        url + "/api/printers/demo/actions/restart",
        method="POST",
        headers={"Authorization": "Bearer kiwc_0123456789ab_not-checked-while-the-database-is-away"},
    )
    assert status == 503, body
    status, _, body = request(url + "/healthz")
    assert status == 503
    assert json.loads(body)["database"] == "unavailable"
    assert asset_rows(postgres_database) == 1  # the proxy is cut, the server itself answers
    with connect(url.replace("http", "ws") + "/ws/status", open_timeout=10) as websocket:
        message = json.loads(websocket.recv(timeout=10))
        with pytest.raises(ConnectionClosed) as closed:
            websocket.recv(timeout=10)
    assert message["type"] == "error"
    assert "database is unavailable" in message["detail"]
    assert closed.value.rcvd.code == 4503

    proxy.restore()
    # No restart: the next requests reconnect.
    for path in (*PAGES, "/healthz"):
        status, _, body = request(url + path)
        assert status == 200, (path, body)
    assert upload(url, (40, 50, 60))[0] == 201
    assert asset_rows(postgres_database) == 2
    with connect(url.replace("http", "ws") + "/ws/status", open_timeout=10) as websocket:
        assert json.loads(websocket.recv(timeout=10))["type"] == "status"


def test_an_admin_sign_in_answers_503_while_the_database_is_cut_off(site):
    url, proxy, _ = site
    cookies = urllib.request.HTTPCookieProcessor()
    opener = urllib.request.build_opener(cookies)
    with opener.open(f"{url}/admin/login/", timeout=20) as response:
        assert response.status == 200
    token = next(cookie.value for cookie in cookies.cookiejar if cookie.name == "csrftoken")

    proxy.cut()
    form = f"csrfmiddlewaretoken={token}&username=admin&password=secret&next=/admin/".encode()
    sign_in = urllib.request.Request(f"{url}/admin/login/", data=form, headers={"Referer": f"{url}/admin/login/"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(sign_in, timeout=20)
    assert refused.value.code == 503
    assert b"Temporarily unavailable" in refused.value.read()

    proxy.restore()
    with opener.open(sign_in, timeout=20) as response:  # answered again: no such user
        assert response.status == 200
        assert b"Please enter the correct username and password" in response.read()
