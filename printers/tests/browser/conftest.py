from boards.tests.browser.conftest import chromium_browser  # noqa: F401 (the shared Chromium fixture)
