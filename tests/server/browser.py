"""What the browser tests share: Debian's chromium driven by Playwright (skipped when it is
missing), a browser per test module, a page that records console errors and CSP violations,
and the screenshot folder (BRANCHQ_SCREENSHOTS, else the test's tmp_path).

In a test module::

    from tests.server.browser import browser, needs_chromium, new_page, shots

    pytestmark = needs_chromium
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WAIT_MS = 10_000

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    wanted = os.environ.get("BRANCHQ_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_page(browser: Browser, *, width: int, height: int, locale: str, scale: float = 1) -> Page:
    """A page in a fresh context; ``page.errors`` lists its console errors (CSP violations
    among them) and uncaught exceptions."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=scale, locale=locale
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(WAIT_MS)
    page.errors = errors  # type: ignore[attr-defined]
    return page
