"""A wait alert on the counter terminals that could help: shown as a banner with its
suggestion on a counter serving the service, not on one that cannot help; it says when a
manager acknowledged it and goes when the wait falls back (real server, offscreen Qt).

Set BRANCHQ_SCREENSHOTS to a directory (e.g. docs/screenshots) to keep the picture there.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from server.contract.common import Role
from tests.counter_display.terminal.conftest import Terminal, issue
from tests.e2e.live import LiveBranch

Make = Callable[..., Terminal]


def test_the_banner_shows_on_counters_that_could_help_and_goes_when_the_wait_falls(
    branch: LiveBranch, make_terminal: Make, tmp_path: Path
) -> None:
    helping = make_terminal(3, "teller3", language="zh")  # counter 3 serves A and F
    other = make_terminal(4, "teller4")  # counter 4 serves B only
    numbers = issue(branch, "A", count=4)  # 4 x 5 min with one counter open: 20 min > 15
    banner = helping.window.wait_alert
    helping.wait(lambda: banner.isVisible())
    assert banner.text() == (
        "等候提醒：个人业务（A）预计等候 20 分钟，超过目标 15 分钟（4 人等候）。"
        "建议：开放1号窗口办理A（个人业务）"
    )
    folder = Path(os.environ.get("BRANCHQ_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    helping.window.grab().save(str(folder / "counter-wait-alert-zh.png"))
    other.wait(lambda: other.vm.board.alerts)  # it hears of the alert on its own stream,
    assert other.vm.board.alerts  # but cannot help with it
    assert not other.window.wait_alert.isVisible()

    (alert_id,) = helping.vm.board.alerts
    with branch.client() as client:
        r = client.post(
            f"/api/v1/console/alerts/{alert_id}/acknowledge",
            headers=branch.auth("lin", Role.MANAGER),
        )
        assert r.status_code == 200, r.text
    helping.wait(lambda: banner.text().endswith("（主管 lin 已确认）"))

    helping.window.language_button.click()
    helping.wait(lambda: banner.text().startswith("Wait alert: Personal (A): estimated wait"))
    assert banner.text().endswith(
        "Suggested: Open Counter 1 for A (Personal) (acknowledged by lin)"
    )

    teller = branch.auth("teller3")
    with branch.client() as client:
        for number in numbers[:2]:  # 2 x 5 min = 10 min: under 80 % of the target
            r = client.post("/api/v1/counters/3/cancel", json={"number": number}, headers=teller)
            assert r.status_code == 200, r.text
    helping.wait(lambda: not banner.isVisible())
    assert helping.vm.board.alerts == {}
