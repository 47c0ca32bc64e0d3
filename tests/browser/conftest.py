"""Playwright for Python driving Debian's Chromium (never a downloaded browser): one browser per module, a fresh
context (cookies, storage) per test, and every console message and page error collected for the assertions."""

import os
import shutil
from dataclasses import dataclass, field

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; Django's ORM (factories, assertions) refuses
# to run under a running loop unless told the caller knows it is synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 800}


class Chromium:
    """Launched on first use, so a missing Chromium fails the test that needs it (it is never skipped)."""

    def __init__(self):
        self._playwright = None
        self._browser = None

    @property
    def browser(self):
        if self._browser is None:
            executable = shutil.which("chromium")
            if executable is None:
                pytest.fail(
                    "Chromium is not installed (no `chromium` on PATH). The browser tests drive Debian's Chromium "
                    "through Playwright: install it with `apt-get install chromium`; never `playwright install`."
                )
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS, headless=True
            )
        return self._browser

    def close(self):
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()


@pytest.fixture(scope="module")
def chromium():
    chromium = Chromium()
    yield chromium
    chromium.close()


@dataclass
class Tab:
    """A page and what the browser said while it was used."""

    page: object
    console: list[tuple[str, str, str]] = field(default_factory=list)  # (type, text, source url)
    page_errors: list[str] = field(default_factory=list)
    failed_responses: list[tuple[int, str]] = field(default_factory=list)

    @property
    def csp_violations(self) -> list[str]:
        return [text for _, text, _ in self.console if "Content Security Policy" in text or "Refused to" in text]

    def assert_clean(self) -> None:
        """No CSP violation, no JavaScript error, no console error, no failed request."""
        assert self.csp_violations == []
        assert self.page_errors == []
        # Chromium asks for /favicon.ico by itself when a page names no icon; that 404 is not the page's doing.
        errors = [
            (text, url) for kind, text, url in self.console if kind == "error" and not url.endswith("/favicon.ico")
        ]
        assert errors == []
        assert self.failed_responses == []


@pytest.fixture
def tab(chromium):
    context = chromium.browser.new_context(viewport=VIEWPORT, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    tab = Tab(page)
    page.on("console", lambda message: tab.console.append((message.type, message.text, message.location["url"])))
    page.on("pageerror", lambda error: tab.page_errors.append(str(error)))
    page.on(
        "response",
        lambda response: response.status >= 400 and tab.failed_responses.append((response.status, response.url)),
    )
    yield tab
    context.close()
