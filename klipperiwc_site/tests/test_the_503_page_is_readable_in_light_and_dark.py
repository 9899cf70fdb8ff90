"""The "Temporarily unavailable" page, rendered by Chromium in light and dark mode: its text has enough contrast.

Served by a real daphne whose PostgreSQL connection goes through a TCP proxy
the test cuts; the page needs nothing from another origin.
"""

from urllib.parse import urlsplit, urlunsplit

import pytest

from boards.tests.browser.conftest import chromium_browser  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.requires_postgres]

# WCAG 2 contrast of the text's colour against the page's background colour.
CONTRAST = """
() => {
  const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = (value) => {
    const [r, g, b] = rgb(value).map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const page = getComputedStyle(document.body).backgroundColor;
  const header = getComputedStyle(document.querySelector(".site-header")).backgroundColor;
  return {
    heading: ratio(getComputedStyle(document.querySelector(".unavailable h1")).color, page),
    text: ratio(getComputedStyle(document.querySelector(".unavailable p")).color, page),
    brand: ratio(getComputedStyle(document.querySelector(".site-header .brand")).color, header),
    nav: ratio(getComputedStyle(document.querySelector(".site-header nav a")).color, header),
    page,
    pageLuminance: luminance(page),
  };
}
"""


@pytest.fixture
def cut_off_site(postgres_database, tcp_proxy, project_env, manage, start_daphne, tmp_path):
    server = urlsplit(postgres_database)
    proxy = tcp_proxy(server.hostname, server.port or 5432)
    userinfo = server.netloc.rpartition("@")[0]
    env = project_env(
        APP_ENV="development",  # static files from static/, no collectstatic run
        DATABASE_URL=urlunsplit(server._replace(netloc=f"{userinfo}@127.0.0.1:{proxy.port}")),
        LOG_FILE=str(tmp_path / "app.log"),
    )
    assert manage("migrate", "--noinput", env=env).returncode == 0
    url = start_daphne(env)
    proxy.cut()
    return url


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_text_of_the_503_page_has_enough_contrast(cut_off_site, chromium_browser, scheme):  # noqa: F811
    context = chromium_browser.new_context(color_scheme=scheme)
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(cut_off_site + "/")
    assert response.status == 503
    assert page.locator("h1").inner_text() == "Temporarily unavailable"
    contrast = page.evaluate(CONTRAST)
    context.close()
    for part in ("heading", "text", "brand", "nav"):
        assert contrast[part] >= 4.5, (scheme, part, contrast)
    dark_background = contrast["pageLuminance"] < 0.2
    assert dark_background == (scheme == "dark"), contrast
    assert all(url.startswith(cut_off_site) for url in requested), requested
