"""Rating and complaining on the phone page in a real browser (Debian's chromium driven by
Playwright, 390x844): the finished ticket's page offers five faces, then reasons; the rating is
stored once (a second page, or the counter's pad, is refused); a low score offers a complaint,
whose phone number the manager sees masked. No console errors (CSP violations show there).

Set BRANCHQ_SCREENSHOTS to a directory (e.g. docs/screenshots) to keep
``rating-phone-{ask,reasons,thanks,complaint}-{zh,en}.png``.
"""

from __future__ import annotations

from pathlib import Path

from server.contract.common import Role
from tests.server.core.conftest import Branch
from tests.server.core.test_ratings import served
from tests.server.phone.test_phone_browser import (
    CHROMIUM,
    _fits_the_screen,
    _no_errors,
    _open,
    _phone,
    browser,
    pytestmark,
    shots,
)

__all__ = ["browser", "pytestmark", "shots"]

if CHROMIUM.exists():
    from playwright.sync_api import Browser, expect


def test_a_served_customer_rates_on_the_phone_once_and_complains(
    browser: Browser, branch: Branch, shots: Path
) -> None:
    ticket = served(branch, "alice", 1)
    page = _phone(browser, "zh-CN")
    _open(page, branch, ticket)
    feedback = page.locator("#feedback")
    expect(feedback).to_be_visible()
    expect(feedback.locator("h2")).to_have_text("请您对本次服务进行评价")
    expect(feedback.locator(".face")).to_have_count(5)
    _fits_the_screen(page)
    page.screenshot(path=shots / "rating-phone-ask-zh.png", full_page=True)

    feedback.locator('.face[data-score="2"]').click()
    expect(feedback.locator(".chosen strong")).to_have_text("不满意")
    feedback.locator('[data-reason="long_wait"]').click()
    feedback.locator('[data-reason="unclear"]').click()
    expect(feedback.locator(".chip.on")).to_have_count(2)
    page.screenshot(path=shots / "rating-phone-reasons-zh.png", full_page=True)
    feedback.locator(".primary").click()
    expect(feedback.locator("h2")).to_have_text("感谢您的评价，我们会认真改进。")
    page.screenshot(path=shots / "rating-phone-thanks-zh.png", full_page=True)

    stored = branch.client.get(f"/api/v1/tickets/{ticket['public_id']}/rating").json()
    assert stored["rated_score"] == 2 and stored["rateable"] is False
    again = branch.client.post(f"/api/v1/tickets/{ticket['public_id']}/rating", json={"score": 5})
    assert again.status_code == 409 and again.json()["error"] == "already_rated"

    page.locator("#switch").click()  # the complaint in English
    feedback.locator(".complain").click()
    expect(feedback.locator("h2")).to_have_text("Make a complaint")
    feedback.locator(".primary").click()  # no category: told so, nothing sent
    expect(feedback.locator(".error")).to_have_text("Please choose what it is about")
    feedback.locator('[data-category="attitude"]').click()
    page.locator("#complaint-text").fill("The teller did not explain the fee.")
    page.locator("#complaint-phone").fill("+86 138 1234 5678")
    _fits_the_screen(page)
    page.screenshot(path=shots / "rating-phone-complaint-en.png", full_page=True)
    feedback.locator(".primary").click()
    expect(feedback.locator(".receipt")).to_contain_text("will call you within 24 h")
    _no_errors(page)

    listed = branch.client.get("/api/v1/complaints", headers=branch.user("root", Role.ADMIN)).json()
    assert len(listed) == 1
    assert listed[0]["category"] == "attitude" and listed[0]["rating_score"] == 2
    assert listed[0]["phone_masked"] == "861******5678" and listed[0]["channel"] == "phone"
    assert listed[0]["text"] == "The teller did not explain the fee."

    # opened again later, the page shows the rating given, in English, and no second form
    later = _phone(browser, "en-US")
    _open(later, branch, ticket)
    expect(later.locator("#feedback .rated")).to_have_text("Your rating:")
    expect(later.locator("#feedback .chosen strong")).to_have_text("Poor")
    expect(later.locator("#feedback .complain")).to_have_count(0)
    _no_errors(later)
    for each in (page, later):
        each.context.close()


def test_the_english_page_and_a_bad_input_answer_in_place(
    browser: Browser, branch: Branch, shots: Path
) -> None:
    ticket = served(branch, "bob", 2)
    page = _phone(browser, "en-US")
    _open(page, branch, ticket)
    feedback = page.locator("#feedback")
    expect(feedback.locator("h2")).to_have_text("Please rate our service")
    page.screenshot(path=shots / "rating-phone-ask-en.png", full_page=True)
    feedback.locator('.face[data-score="5"]').click()
    expect(feedback.locator(".chip")).to_have_text(
        ["Friendly", "Quick", "Knowledgeable", "Clear explanation"]
    )
    feedback.locator('[data-reason="friendly"]').click()
    page.screenshot(path=shots / "rating-phone-reasons-en.png", full_page=True)
    # the counter's pad rates it first: the phone's rating is refused with the server's words
    pad = {"Authorization": f"Bearer {_pad_token(branch)}"}
    r = branch.client.post(
        "/api/v1/counters/2/rating",
        json={"public_id": ticket["public_id"], "score": 4},
        headers=pad,
    )
    assert r.status_code == 201
    feedback.locator(".primary").click()
    expect(feedback.locator(".error")).to_contain_text("has already been rated")
    page.locator("#switch").click()
    expect(feedback.locator(".error")).to_contain_text("已经评价过")
    # a waiting ticket's page shows no rating at all
    waiting = branch.issue("A")
    other = _phone(browser, "zh-CN")
    _open(other, branch, waiting)
    expect(other.locator("#feedback")).to_be_hidden()
    _no_errors(other)
    for each in (page, other):
        each.context.close()  # its live stream ends before the server stops


def _pad_token(branch: Branch) -> str:
    from tests.server.core.test_ratings import pad

    return pad(branch)["Authorization"].removeprefix("Bearer ")
