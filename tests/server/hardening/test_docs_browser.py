"""/docs in a real browser (Debian's chromium driven by Playwright): Swagger UI renders from the
server's own files under its CSP, with no console error (a CSP violation would be one) and no
request leaving the server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.core.conftest import Branch, branch, clock

__all__ = ["branch", "clock"]

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
)

if CHROMIUM.exists():
    from playwright.sync_api import Browser, expect, sync_playwright

ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def test_swagger_ui_renders_offline_under_its_csp(
    branch: Branch, browser: Browser, tmp_path: Path
) -> None:
    base = str(branch.client.base_url).rstrip("/")
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors: list[str] = []
    elsewhere: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(base) else elsewhere.append(r.url))
    page.goto(f"{base}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("branchq", timeout=15_000)
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    folder = Path(os.environ.get("BRANCHQ_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "hardening-docs.png"))
    page.close()
    assert errors == []
    assert [u for u in elsewhere if not u.startswith("data:")] == []
