"""The console in a real browser (Debian's chromium driven by Playwright, 1920x1080): a manager
signs in, the live floor follows a call made through the API, a wait alert appears when the
queue grows past its target and is acknowledged on the page (stored with who and when), open
complaints are listed overdue first, taken and resolved, and a teller cannot open the console.

Set BRANCHQ_SCREENSHOTS to a directory (e.g. docs/screenshots) to keep the pictures there.
"""

from __future__ import annotations

import re
from pathlib import Path

from server.contract.common import Role
from tests.server.browser import CHROMIUM, browser, needs_chromium, new_page, shots
from tests.server.core.conftest import PASSWORD, Branch
from tests.server.core.test_ratings import served

pytestmark = needs_chromium
__all__ = ["browser", "shots"]  # fixtures

if CHROMIUM.exists():
    from playwright.sync_api import Browser, Page, expect


def _desk_screen(browser: Browser, locale: str) -> Page:
    return new_page(browser, width=1920, height=1080, locale=locale)


def _sign_in(page: Page, branch: Branch, username: str, password: str = PASSWORD) -> None:
    response = page.goto(f"{branch.client.base_url}/console")
    assert response is not None and response.status == 200
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("#login-button").click()


def _no_errors(page: Page) -> None:
    assert page.errors == []  # type: ignore[attr-defined]  # CSP violations show up here


def _fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert width <= 1920 and height <= 1080, (width, height)


def test_the_floor_follows_a_call_and_an_alert_is_acknowledged(
    browser: Browser, branch: Branch, shots: Path
) -> None:
    branch.user("lin", Role.MANAGER)
    page = _desk_screen(browser, "zh-CN")
    _sign_in(page, branch, "lin")
    expect(page.locator("#who")).to_have_text("lin · 网点主管")
    expect(page.locator("#live")).to_have_attribute("data-mode", "live")
    counter3 = page.locator("#counter-3")
    expect(counter3).to_have_attribute("data-state", "CLOSED")
    assert "token" not in page.url

    branch.teller_post("carol", "/counters/3/open")
    expect(counter3).to_have_attribute("data-state", "OPEN")
    expect(counter3.locator(".teller strong")).to_have_text("carol")
    first = branch.issue("A")
    branch.teller_post("carol", "/counters/3/call-next")
    # the ticket appears at its counter within a second of the call
    expect(counter3.locator(".number")).to_have_text(str(first["number"]), timeout=1000)
    expect(counter3.locator(".ticket-state")).to_have_text("已叫号，等候客户")
    branch.clock.advance(minutes=2)
    branch.teller_post("carol", "/counters/3/start")
    expect(counter3.locator(".ticket-state")).to_have_text("办理中", timeout=1000)

    # the rest of the floor: counter 4 calls a B ticket, counter 6 pauses (no F ticket waits:
    # counter 3 serves F too, so one would count in A's estimated wait)
    branch.teller_post("dave", "/counters/4/open")
    branch.issue("B")
    branch.clock.advance(minutes=1)
    branch.teller_post("dave", "/counters/4/call-next")
    branch.teller_post("erin", "/counters/6/open")
    branch.teller_post("erin", "/counters/6/pause")
    expect(page.locator("#counter-6")).to_have_attribute("data-state", "PAUSED")

    # the A queue grows past its 15 min target: 4 waiting x 5 min / 1 counter = 20 min
    alerts = page.locator("#alerts .alert")
    expect(page.locator("#alerts .quiet")).to_have_text("当前没有等候提醒")
    for _ in range(3):
        branch.issue("A")
        branch.clock.advance(minutes=2)
    expect(alerts).to_have_count(0)
    branch.issue("A")
    expect(alerts).to_have_count(1)
    expect(page.locator("#badge-floor")).to_have_text("1")  # an alert nobody acknowledged
    alert = alerts.first
    expect(alert).to_have_attribute("data-state", "open")
    expect(alert.locator(".alert-text")).to_have_text(
        "个人业务（A）预计等候 20 分钟，超过目标 15 分钟（4 人等候）"
    )
    expect(alert.locator(".suggestion strong")).to_have_text("开放1号窗口办理A（个人业务）")
    expect(page.locator("#queue-A")).to_have_class("queue tone-over")
    expect(page.locator("#queue-A .longest")).to_have_text(re.compile(r"^6:0\d$"))
    page.screenshot(path=shots / "console-floor-zh.png")
    _fits_the_screen(page)

    alert.locator("button.ack").click()
    expect(alert).to_have_attribute("data-state", "acknowledged")
    expect(page.locator("#badge-floor")).to_be_hidden()
    expect(alert.locator(".acked")).to_contain_text("lin 已于")
    stored = branch.client.get("/api/v1/console/floor", headers=branch.user("lin")).json()
    assert [(a["state"], a["acknowledged_by"]) for a in stored["alerts"]] == [
        ("acknowledged", "lin")
    ]
    assert stored["alerts"][0]["acknowledged_at"] == branch.clock().isoformat().replace(
        "+00:00", "Z"
    )

    page.locator("#switch").click()  # to English, in place
    expect(alert.locator(".suggestion strong")).to_have_text("Open Counter 1 for A (Personal)")
    expect(page.locator("#tab-floor .tab-title")).to_have_text("Live floor")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.screenshot(path=shots / "console-floor-en.png")
    _no_errors(page)
    page.context.close()


def test_a_teller_cannot_open_the_console(browser: Browser, branch: Branch) -> None:
    branch.user("carol")  # a teller
    page = _desk_screen(browser, "en-US")
    _sign_in(page, branch, "carol")
    expect(page.locator("#login-error")).to_have_text(
        "This page is for branch managers and admins; your role is teller"
    )
    expect(page.locator("#panels")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('branchq.console.token')") is None
    r = branch.client.get("/api/v1/console/floor", headers=branch.user("carol"))
    assert r.status_code == 403
    page.context.close()


def test_a_wrong_password_is_said_and_nothing_is_kept(browser: Browser, branch: Branch) -> None:
    branch.user("lin", Role.MANAGER)
    page = _desk_screen(browser, "zh-CN")
    _sign_in(page, branch, "lin", "not the password")
    expect(page.locator("#login-error")).to_be_visible()
    expect(page.locator("#panels")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('branchq.console.token')") is None
    page.context.close()


def test_open_complaints_overdue_first_taken_and_resolved_on_the_page(
    browser: Browser, branch: Branch, shots: Path
) -> None:
    first = served(branch)
    r = branch.client.post(
        f"/api/v1/tickets/{first['public_id']}/complaint",
        json={"category": "wait_time", "text": "等了一个多小时才叫到号", "phone": "13812345678"},
    )
    assert r.status_code == 201, r.text
    branch.clock.advance(hours=24, minutes=5)  # the first is past its 24 h answer time
    second = served(branch, "bob", 2)
    r = branch.client.post(
        f"/api/v1/tickets/{second['public_id']}/complaint",
        json={"category": "attitude", "text": "柜员态度冷淡"},
    )
    assert r.status_code == 201, r.text
    branch.user("lin", Role.MANAGER)
    page = _desk_screen(browser, "zh-CN")
    _sign_in(page, branch, "lin")
    expect(page.locator("#badge-complaints")).to_have_text("2")  # seen from the floor tab
    page.locator("#tab-complaints").click()
    cards = page.locator("#complaints-open .complaint")
    expect(cards).to_have_count(2)
    expect(cards.nth(0).locator(".category")).to_have_text("等候时间")
    expect(cards.nth(0).locator(".overdue-badge")).to_have_text("已超时")
    expect(cards.nth(1).locator(".category")).to_have_text("服务态度")
    expect(cards.nth(1).locator(".overdue-badge")).to_have_count(0)
    expect(cards.nth(1).locator(".due")).to_have_text("12月1日 10:05 前答复")  # tomorrow
    expect(cards.nth(0).locator(".due")).to_have_text("10:00 前答复")  # today, past
    expect(cards.nth(0).locator(".complaint-facts")).to_contain_text("11月29日 10:00 提出")
    expect(cards.nth(0).locator(".complaint-facts")).to_contain_text("138****5678")

    cards.nth(0).locator("button.take").click()
    expect(cards.nth(0)).to_have_attribute("data-state", "in_progress")
    expect(cards.nth(0).locator(".complaint-facts")).to_contain_text("13812345678")  # the owner's
    page.screenshot(path=shots / "console-complaints-zh.png")
    cards.nth(0).locator(".note").fill("已致电客户致歉，并调整午间窗口排班")
    cards.nth(0).locator("button.resolve").click()
    expect(cards).to_have_count(1)
    expect(page.locator("#badge-complaints")).to_have_text("1")
    resolved = page.locator("#complaints-resolved .complaint")
    expect(resolved.first.locator(".resolution")).to_contain_text("lin 于")
    expect(resolved.first.locator(".resolution")).to_contain_text("已致电客户致歉")
    page.locator("#switch").click()
    expect(page.locator("#tab-complaints .tab-title")).to_have_text("Complaints")
    expect(cards.nth(0).locator(".category")).to_have_text("Staff attitude")
    page.screenshot(path=shots / "console-complaints-en.png")
    _no_errors(page)
    page.context.close()


def test_a_manager_pauses_issuing_from_the_console_and_resumes(
    browser: Browser, branch: Branch, shots: Path
) -> None:
    branch.user("lin", Role.MANAGER)
    page = _desk_screen(browser, "zh-CN")
    _sign_in(page, branch, "lin")
    page.locator("#tab-emergency").click()
    expect(page.locator("#emergency-state")).to_have_text("正常取号中")
    expect(page.locator("#notice-zh")).to_have_value("暂停服务，请稍候，已取号的客户将继续办理")
    page.locator("#notice-en").fill("")
    expect(page.locator("#notice-en")).to_have_value("")
    page.locator("#emergency-apply").click()
    expect(page.locator("#emergency-form .error")).to_have_text("通知需要中英文两种语言")
    page.locator("#notice-en").fill("Service is paused for a cash delivery; back at 10:30")
    page.locator("#emergency-apply").click()

    banner = page.locator("#emergency")
    expect(banner.locator(".emergency-kind")).to_have_text("暂停取号中 · 暂停服务")
    expect(banner.locator(".emergency-since")).to_have_text("lin 于 10:00 开启")
    r = branch.client.post("/api/v1/tickets", json={"service_code": "A"}, headers=branch.kiosk())
    assert r.status_code == 409 and r.json()["error"] == "branch_paused"
    assert r.json()["message"]["en"].endswith("back at 10:30")
    expect(page.locator("#emergency-log li")).to_have_count(1)
    expect(page.locator("#emergency-apply")).to_have_text("更新通知")
    page.screenshot(path=shots / "console-emergency-zh.png")
    page.locator("#tab-floor").click()
    expect(banner).to_be_visible()  # across every tab

    page.locator("#emergency-resume").click()
    expect(banner).to_be_hidden()
    branch.issue("A")  # issuing again
    page.locator("#tab-emergency").click()
    expect(page.locator("#emergency-log li")).to_have_count(2)
    expect(page.locator("#emergency-log li").first).to_contain_text("解除")
    _no_errors(page)
    page.context.close()
