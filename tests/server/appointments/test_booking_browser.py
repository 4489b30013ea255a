"""The phone's booking pages in a real browser (Debian's chromium driven by Playwright,
390x844): book a slot, see the code and its QR code, switch language, move and cancel; the
last place taken meanwhile says so. No CSP violation, nothing wider than the screen.

Set BRANCHQ_SCREENSHOTS to a directory (e.g. docs/screenshots) to keep the pictures there
(``appointments-book-{zh,en}.png``, ``appointments-booked-{zh,en}.png``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.server.appointments.conftest import MONDAY_0900, book
from tests.server.browser import CHROMIUM, browser, needs_chromium, new_page, shots
from tests.server.core.conftest import Branch

pytestmark = needs_chromium
__all__ = ["browser", "shots"]  # fixtures

if CHROMIUM.exists():
    from playwright.sync_api import Browser, Page, expect


def _phone(browser: Browser, locale: str) -> Page:
    return new_page(browser, width=390, height=844, locale=locale, scale=2)


def _checks(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"
    # CSP violations and script errors show up here; an answer the test provoked (409 full,
    # 404 unknown link) is logged by the browser as a failed resource and is expected
    errors = [e for e in page.errors if "responded with a status of 4" not in e]  # type: ignore[attr-defined]
    assert errors == []


@pytest.mark.parametrize("language", ["zh", "en"])
def test_book_see_the_code_and_qr_then_cancel(
    browser: Browser, branch: Branch, shots: Path, language: str
) -> None:
    page = _phone(browser, "zh-CN" if language == "zh" else "en-US")
    url = f"{branch.client.base_url}/api/v1/appointments/book?lang={language}"
    response = page.goto(url)
    assert response is not None and response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    personal = "个人业务" if language == "zh" else "Personal"
    page.get_by_role("button", name=personal).click()
    expect(page.locator("#days button").first).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#days button").first).to_contain_text("11/30")
    first = page.locator("#slots button").first
    expect(first).to_contain_text("09:00-09:30")
    expect(first).to_contain_text("剩余 2" if language == "zh" else "2 left")
    first.click()
    page.locator("#contact").fill("13812345678")
    page.screenshot(path=str(shots / f"appointments-book-{language}.png"), full_page=True)
    _checks(page)
    page.locator("#book").click()
    page.wait_for_url("**/api/v1/appointments/manage/**")
    code = page.locator("#code")
    expect(code).to_have_text(re.compile(r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$"))
    expect(page.locator("#when")).to_have_text("2026-11-30 09:00-09:30")
    expect(page.locator(".facts")).to_contain_text("138****5678")
    qr = page.locator("#qr")
    expect(qr).to_be_visible()
    assert page.evaluate("document.getElementById('qr').naturalWidth") > 0  # the SVG loaded
    page.screenshot(path=str(shots / f"appointments-booked-{language}.png"), full_page=True)
    _checks(page)
    listed = branch.client.get(
        "/api/v1/staff/appointments",
        params={"day": "2026-11-30"},
        headers=branch.user("teller9"),
    ).json()["appointments"]
    assert [a["code_display"] for a in listed] == [code.inner_text()]
    # switch language in place
    page.locator("#switch").click()
    other = "Booking code" if language == "zh" else "预约码"
    expect(page.locator(".card .label")).to_have_text(other)
    page.locator("#switch").click()
    # cancel: a second tap confirms
    page.locator("#cancel").click()
    expect(page.locator("#cancel")).to_have_class(re.compile("armed"))
    page.locator("#cancel").click()
    expect(page.locator("#done")).to_be_visible()
    expect(page.locator("#state")).to_have_text("已取消" if language == "zh" else "Cancelled")
    expect(page.locator("#actions")).to_be_hidden()
    _checks(page)
    assert (
        branch.client.get(
            "/api/v1/staff/appointments",
            params={"day": "2026-11-30"},
            headers=branch.user("teller9"),
        ).json()["counts"]["CANCELLED"]
        == 1
    )


def test_move_and_a_slot_taken_meanwhile(browser: Browser, branch: Branch) -> None:
    created = book(branch.client, start=MONDAY_0900)
    page = _phone(browser, "en-US")
    page.goto(created["manage_url"].replace("http://127.0.0.1:8000", str(branch.client.base_url)))
    expect(page.locator("#when")).to_have_text("2026-11-30 09:00-09:30")
    page.locator("#move").click()
    page.locator("#slots button", has_text="10:00-10:30").click()
    page.locator("#move-to").click()
    expect(page.locator("#done")).to_have_text("Appointment moved")
    expect(page.locator("#when")).to_have_text("2026-11-30 10:00-10:30")
    # the booking page: the slot fills after the page showed it free
    page.goto(f"{branch.client.base_url}/api/v1/appointments/book?lang=en&service=V")
    page.locator("#slots button", has_text="09:00-10:00").click()
    book(branch.client, service="V", start=MONDAY_0900, contact="王五")
    page.locator("#contact").fill("Li Wei")
    page.locator("#book").click()
    expect(page.locator("#error")).to_contain_text("fully booked")
    expect(page.locator("#slots button", has_text="09:00-10:00")).to_be_disabled()
    _checks(page)


def test_an_unknown_manage_link_shows_a_bilingual_page(browser: Browser, branch: Branch) -> None:
    page = _phone(browser, "zh-CN")
    response = page.goto(f"{branch.client.base_url}/api/v1/appointments/manage/{'x' * 32}")
    assert response is not None and response.status == 404
    expect(page.locator(".pill")).to_have_text("找不到这个预约")
    _checks(page)
