"""Wait alerts on PostgreSQL: raised from the floor, acknowledged, cleared, as on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.contract.common import Role
from server.main import create_app
from server.services.alerts import check_alerts
from tests.server.core.conftest import Branch, Clock, make_settings
from tests.server.core.live import serve
from tests.server.core.pg import postgres_server


@pytest.mark.postgres
def test_an_alert_is_raised_acknowledged_and_cleared_on_postgresql(tmp_path: Path) -> None:
    clock = Clock()
    with postgres_server() as url:
        settings = make_settings(tmp_path, database_url=url, alert_check_s=3600)
        app = create_app(settings, clock=clock)
        with serve(app) as client:
            branch = Branch(client=client, app=app, clock=clock, data_dir=tmp_path)
            ctx = app.state.branch
            branch.teller_post("carol", "/counters/3/open")
            tickets = [branch.issue("A") for _ in range(4)]
            check_alerts(ctx)
            manager = branch.user("lin", Role.MANAGER)
            (alert,) = client.get("/api/v1/console/floor", headers=manager).json()["alerts"]
            assert (alert["kind"], alert["helpers"]) == ("wait_over_target", [1, 2, 3, 5])
            r = client.post(f"/api/v1/console/alerts/{alert['id']}/acknowledge", headers=manager)
            assert r.json()["acknowledged_by"] == "lin"
            for ticket in tickets[:2]:
                branch.teller_post("carol", "/counters/3/cancel", {"number": ticket["number"]})
            check_alerts(ctx)
            floor = client.get("/api/v1/console/floor", headers=manager).json()
            assert floor["alerts"] == []
            assert [(a["id"], a["state"]) for a in floor["recent_alerts"]] == [
                (alert["id"], "cleared")
            ]
