"""Browser tests of the site's own pages: the fixtures of boards/tests/browser (a
real daphne per test, Debian's Chromium through Playwright)."""

from boards.tests.browser.conftest import chromium_browser, chromium_page, server  # noqa: F401
