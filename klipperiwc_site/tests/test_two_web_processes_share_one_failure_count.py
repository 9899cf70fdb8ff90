"""Two real daphne processes on one Redis count failed tokens together: wrong tokens sent to
both in turn lock the address after AUTH_FAILURE_LIMIT in all, a burst of 300 afterwards is
answered 429 with Retry-After by both, and so is the right token."""

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from assets.tests.conftest import MODERATOR_TOKEN

pytestmark = pytest.mark.slow

LIMIT = 10
PENDING = "/api/board-assets/moderation/pending"


def moderator_get(base: str, token: str) -> tuple[int, str | None, str]:
    request = urllib.request.Request(base + PENDING, headers={"X-Board-Assets-Moderator": token})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.headers.get("Retry-After"), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After"), error.read().decode()


def test_the_failure_count_is_shared_through_redis(project_env, tmp_path, redis_server, start_daphne):
    # No migrate: every answer here comes from the token check, before any table is read.
    env = project_env(
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        REDIS_URL=redis_server.url,
        BOARD_ASSET_MODERATION_TOKEN=MODERATOR_TOKEN,
        AUTH_FAILURE_LIMIT=str(LIMIT),
        AUTH_LOCKOUT_SECONDS="900",
    )
    with ThreadPoolExecutor(max_workers=2) as pool:  # both start at once: half the wait
        first, second = pool.map(start_daphne, [env, env])

    turns = [moderator_get((first, second)[number % 2], f"wrong-{number}")[0] for number in range(LIMIT + 2)]
    assert turns == [403] * (LIMIT - 1) + [429] * 3

    with ThreadPoolExecutor(max_workers=16) as pool:
        burst = list(pool.map(lambda number: moderator_get((first, second)[number % 2], f"w{number}"), range(300)))
    assert {status for status, _, _ in burst} == {429}
    assert all(retry_after is not None and 1 <= int(retry_after) <= 900 for _, retry_after, _ in burst)
    assert "locked out" in burst[0][2]

    assert moderator_get(first, MODERATOR_TOKEN)[0] == 429
    assert moderator_get(second, MODERATOR_TOKEN)[0] == 429
