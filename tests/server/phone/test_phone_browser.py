"""The phone page in a real browser (Debian's chromium driven by Playwright, 390x844): it shows
the ticket, flips to "please go to counter 3" when a teller calls it, follows it to the end,
switches language, and falls back to polling without server-sent events.

Set BRANCHQ_SCREENSHOTS to a directory (e.g. docs/screenshots) to keep the pictures there.
"""

from __future__ import annotations

from pathlib import Path

from tests.server.browser import CHROMIUM, browser, needs_chromium, new_page, shots
from tests.server.core.conftest import Branch

pytestmark = needs_chromium
__all__ = ["browser", "shots"]  # fixtures

if CHROMIUM.exists():
    from playwright.sync_api import Browser, Page, expect


def _phone(browser: Browser, locale: str) -> Page:
    return new_page(browser, width=390, height=844, locale=locale, scale=2)


def _open(page: Page, branch: Branch, ticket: dict[str, object]) -> None:
    response = page.goto(f"{branch.client.base_url}/api/v1/tickets/{ticket['public_id']}")
    assert response is not None and response.status == 200
    expect(page.locator("#number")).to_have_text(str(ticket["number"]))


def _fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"


def _no_errors(page: Page) -> None:
    assert page.errors == []  # type: ignore[attr-defined]  # CSP violations show up here


def test_the_page_flips_to_the_counter_when_the_teller_calls(
    browser: Browser, branch: Branch, shots: Path
) -> None:
    branch.issue("A")
    ticket = branch.issue("A")
    page = _phone(browser, "zh-CN")
    _open(page, branch, ticket)
    expect(page.locator("#state")).to_have_text("等候中")
    expect(page.locator("#facts")).to_contain_text("前面还有1 人")
    expect(page.locator("#live")).to_have_attribute("data-mode", "live")
    _fits_the_screen(page)
    page.screenshot(path=shots / "phone-waiting-zh.png", full_page=True)

    branch.clock.advance(minutes=12)
    branch.teller_post("carol", "/counters/3/open")  # the wait estimate changes: still waiting
    branch.teller_post("carol", "/counters/3/call", {"number": ticket["number"]})
    headline = page.locator("#headline")
    expect(headline).to_have_text("请到 3号窗口")
    expect(headline).to_be_visible()
    expect(page.locator("#card")).to_have_class("card tone-called")
    assert page.locator("#headline").bounding_box()["y"] < 844  # type: ignore[index]
    _fits_the_screen(page)
    page.screenshot(path=shots / "phone-called-zh.png", full_page=True)

    page.locator("#switch").click()  # to English, in place
    expect(headline).to_have_text("Please go to Counter 3")
    expect(page.locator("#state")).to_have_text("Your turn")
    expect(page.locator("#switch")).to_have_text("中文")
    assert page.url.endswith("?lang=en")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.screenshot(path=shots / "phone-called-en.png", full_page=True)
    page.locator("#switch").click()
    expect(headline).to_have_text("请到 3号窗口")

    branch.teller_post("carol", "/counters/3/start")
    expect(headline).to_have_text("正在 3号窗口 为您办理")
    branch.teller_post("carol", "/counters/3/finish")
    expect(headline).to_have_text("业务已办理完毕")
    expect(page.locator("#live")).to_have_attribute("data-mode", "finished")
    _no_errors(page)
    page.context.close()


def test_english_browser_and_the_ends_of_a_ticket(
    browser: Browser, branch: Branch, shots: Path
) -> None:
    missed = branch.issue("A")
    cancelled = branch.issue("A")
    waiting = branch.issue("A")
    page = _phone(browser, "en-US")
    _open(page, branch, waiting)
    expect(page.locator("#state")).to_have_text("Waiting")
    expect(page.locator("#facts")).to_contain_text("People ahead2")
    _fits_the_screen(page)
    page.screenshot(path=shots / "phone-waiting-en.png", full_page=True)
    pages = {}
    for ticket in (missed, cancelled):
        pages[ticket["number"]] = other = _phone(browser, "zh-CN")
        _open(other, branch, ticket)

    branch.teller_post("carol", "/counters/3/open")
    branch.teller_post("carol", "/counters/3/call-next")
    branch.teller_post("carol", "/counters/3/no-show")
    no_show = pages[missed["number"]]
    expect(no_show.locator("#headline")).to_have_text("您的号码已过号")
    expect(no_show.locator("#card")).to_have_class("card tone-alert")
    expect(page.locator("#facts")).to_contain_text("People ahead1")  # the page behind moves up

    branch.teller_post("carol", "/counters/3/cancel", {"number": cancelled["number"]})
    cancel = pages[cancelled["number"]]
    expect(cancel.locator("#headline")).to_have_text("此号码已取消")
    expect(cancel.locator("#live")).to_have_attribute("data-mode", "finished")
    expect(page.locator("#headline")).to_have_text("You're next")
    for each in (page, no_show, cancel):
        _no_errors(each)
        each.context.close()


def test_without_server_sent_events_the_page_polls(browser: Browser, branch: Branch) -> None:
    ticket = branch.issue("A")
    page = _phone(browser, "zh-CN")
    page.context.add_init_script("delete window.EventSource;")
    page.clock.install()
    _open(page, branch, ticket)
    expect(page.locator("#live")).to_have_attribute("data-mode", "polling")
    branch.teller_post("carol", "/counters/3/open")
    branch.teller_post("carol", "/counters/3/call-next")
    page.clock.run_for(10_000)  # the next poll is due
    expect(page.locator("#headline")).to_have_text("请到 3号窗口")
    _no_errors(page)
    page.context.close()


def test_unknown_ticket_page(browser: Browser, branch: Branch) -> None:
    page = _phone(browser, "en-US")
    response = page.goto(f"{branch.client.base_url}/api/v1/tickets/nosuchticket0001")
    assert response is not None and response.status == 404
    expect(page.locator("#state")).to_have_text("Ticket not found")
    expect(page.locator("#live")).to_have_attribute("data-mode", "finished")
    errors = page.errors  # type: ignore[attr-defined]
    assert [e for e in errors if "status of 404" not in e] == []  # only the page's own 404
    page.context.close()
