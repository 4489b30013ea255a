"""The console's audit tab in a real browser (Debian's chromium driven by Playwright,
1920x1080): a manager sees the teller's actions and the chain intact; after someone edits an
entry in the database (the trigger dropped first), "Verify again" names the broken entry and
marks it and the later ones.

Set BRANCHQ_SCREENSHOTS to a directory (e.g. docs/screenshots) to keep the pictures there.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from server.contract.common import Role
from tests.server.console.test_console_browser import (
    CHROMIUM,
    _desk_screen,
    _fits_the_screen,
    _no_errors,
    _sign_in,
    browser,
    shots,
)
from tests.server.core.conftest import Branch

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
)

if CHROMIUM.exists():
    from playwright.sync_api import Browser, expect

__all__ = ["browser", "shots"]


def test_the_audit_tab_shows_the_actions_and_a_broken_chain(
    browser: Browser, branch: Branch, shots: Path
) -> None:
    branch.user("lin", Role.MANAGER)
    first = branch.issue("A")
    branch.issue("A")
    for path in ("open", "call-next", "start", "finish", "call-next", "no-show", "pause"):
        branch.teller_post("carol", f"/counters/3/{path}")
    page = _desk_screen(browser, "zh-CN")
    _sign_in(page, branch, "lin")
    page.locator("#tab-audit").click()
    verdict = page.locator("#audit-verdict")
    expect(verdict).to_have_attribute("data-intact", "true")
    expect(verdict.locator(".verdict-text")).to_contain_text("记录链完整")
    rows = page.locator("#audit-table tbody tr")
    finished = rows.filter(has=page.locator("code", has_text="ticket.finish"))
    expect(finished).to_have_count(1)
    expect(finished.locator(".action span")).to_have_text("办结")
    expect(finished.locator(".actor strong")).to_have_text("carol")
    expect(finished.locator(".actor small")).to_have_text("柜员")
    expect(finished.locator(".subject strong")).to_have_text(str(first["number"]))
    expect(finished.locator(".subject code")).to_have_text(f"ticket:{first['public_id']}")

    # a teller action while the tab is open shows up by itself (after its event)
    branch.teller_post("carol", "/counters/3/open")
    expect(rows.first).to_have_attribute("data-action", "counter.open")

    page.locator("#audit-kind").select_option("ticket")
    expect(rows).to_have_count(5)  # call-next, start, finish, call-next, no-show
    page.screenshot(path=shots / "console-audit-zh.png")
    _fits_the_screen(page)

    finish_seq = int(finished.locator(".seq").inner_text())
    with closing(sqlite3.connect(branch.data_dir / "branchq.sqlite3")) as db:
        db.execute("DROP TRIGGER audit_entry_no_update")
        db.execute("UPDATE audit_entry SET actor_name = 'dave' WHERE seq = ?", (finish_seq,))
        db.commit()
    page.locator("#switch").click()  # to English
    page.locator("#audit-verify").click()
    expect(verdict).to_have_attribute("data-intact", "false")
    expect(verdict).to_have_attribute("data-broken-seq", str(finish_seq))
    expect(verdict.locator(".verdict-text")).to_have_text(
        f"The chain is broken at entry {finish_seq}"
    )
    expect(verdict.locator(".problem")).to_contain_text("was changed after it was written")
    expect(page.locator(f"#audit-{finish_seq}")).to_have_class("untrusted")
    expect(page.locator(f"#audit-{finish_seq} .actor strong")).to_have_text("dave")
    expect(page.locator(f"#audit-{finish_seq - 1}")).not_to_have_class("untrusted")
    page.screenshot(path=shots / "console-audit-broken-en.png")
    _no_errors(page)
    page.context.close()


def test_the_older_entries_button_pages_back(browser: Browser, branch: Branch) -> None:
    branch.user("lin", Role.MANAGER)
    for _ in range(30):  # 60 entries and more: beyond one page of 50
        branch.teller_post("carol", "/counters/3/open")
        branch.teller_post("carol", "/counters/3/pause")
    page = _desk_screen(browser, "en-US")
    _sign_in(page, branch, "lin")
    page.locator("#tab-audit").click()
    rows = page.locator("#audit-table tbody tr")
    expect(rows).to_have_count(50)
    page.locator("#audit-more").click()
    expect(page.locator("#audit-1")).to_be_visible()
    expect(page.locator("#audit-more")).to_have_count(0)
    page.locator("#audit-actor").fill("lin")
    page.locator("#audit-actor").press("Enter")
    expect(rows).to_have_count(2)  # lin's two sign-ins: the test's, then on this page
    for action in rows.evaluate_all("rows => rows.map(r => r.dataset.action)"):
        assert action == "auth.login"
    _no_errors(page)
    page.context.close()
