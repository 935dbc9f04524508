"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Playwright's own browser downloads are never used (`playwright install` cannot work here);
the tests launch /usr/bin/chromium. Without it they skip, or fail under REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import connections

from tests.conftest import need_service

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach Google's hosts,
# which this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DEFAULT_TIMEOUT_MS = 10_000  # actions and expect(); a loaded CI machine can be slow


def save_screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as artifacts/screenshots/<name>.png and return its path."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise ValueError(f"screenshot name must be a plain file name, got {name!r}")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    """A page in a fresh headless Chromium with a Finnish-speaking user's language settings."""
    if not CHROMIUM.exists():
        need_service("Debian chromium not installed")
    # Playwright's sync API keeps an event loop running in the test's thread, and Django refuses
    # ORM calls from a thread with a running loop. The test code itself is synchronous, so this
    # is safe; monkeypatch limits it to the tests that use a browser.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                locale="fi-FI",
                timezone_id="Europe/Helsinki",
                viewport={"width": 1280, "height": 900},
            )
            context.set_default_timeout(DEFAULT_TIMEOUT_MS)
            page = context.new_page()
            # Every page of every journey must work under the Content-Security-Policy: a
            # violation (an inline script, an eval, a foreign origin) fails the test.
            violations: list[str] = []
            page.on(
                "console",
                lambda message: (
                    violations.append(message.text)
                    if "Content Security Policy" in message.text
                    else None
                ),
            )
            yield page
            assert not violations, f"Content-Security-Policy violations: {violations}"
        finally:
            browser.close()
            # While Playwright's loop runs, asgiref gives Django's ORM calls their own
            # connections (context-local, not thread-local). Close them here, inside the loop,
            # or they hold the test database open and it cannot be dropped at the end.
            connections.close_all()


@pytest.fixture
def screenshot(browser_page: Page) -> Callable[[str], Path]:
    """``screenshot("name")`` saves the current page to artifacts/screenshots/name.png."""
    return lambda name: save_screenshot(browser_page, name)
