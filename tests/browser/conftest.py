"""Headless Chromium for the HTML tests: Debian's `chromium`, driven by Playwright.

`.ci/run` installs the Debian package; Playwright comes from PyPI with the dev extras and is
pointed at that binary, so nothing is downloaded at test time. Without Chromium the tests skip
with the reason, except under CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .chromium import CHROMIUM_FLAGS, chromium_path  # shared with benchmarks/html_layout.py


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required when CI=true; .ci/run installs it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: run `make test`, which installs the dev extras")
    executable = chromium_path()
    if not executable:
        _unavailable("Chromium is not installed: `apt-get install chromium` (Debian) to run the browser tests")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@dataclass
class OpenedPage:
    """A page plus everything it tried to do that a self-contained page must not."""

    page: object
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser):
    """Open a local HTML file; record console errors and block and record every request beyond it."""
    contexts = []

    def opener(path: Path, wait_for_layout: bool = True) -> OpenedPage:
        # The page's own Content-Security-Policy is bypassed: escaping and self-containment must
        # hold without it (and Playwright's waits need eval).
        context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        opened = OpenedPage(page)
        target = path.resolve().as_uri()

        def route(request_route):
            url = request_route.request.url
            if url == target:
                request_route.continue_()
            else:
                opened.requests.append(url)
                request_route.abort()

        page.route("**/*", route)
        page.on("console", lambda message: message.type == "error" and opened.console_errors.append(message.text))
        page.on("pageerror", lambda error: opened.console_errors.append(str(error)))
        page.goto(target)  # returns after the load event: the inline scripts have run
        if page.evaluate("typeof window.cikg") == "undefined":
            raise AssertionError(f"the page's script did not run: {opened.console_errors}")
        if wait_for_layout:
            page.wait_for_function("window.cikg && window.cikg.stabilized", timeout=120_000)
        return opened

    yield opener
    for context in contexts:
        context.close()
