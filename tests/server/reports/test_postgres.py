"""The same played day on PostgreSQL gives the same report and reconciles."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.contract.common import Role
from server.main import create_app
from tests.server.core.conftest import Branch, Clock, make_settings
from tests.server.core.live import serve
from tests.server.core.pg import postgres_server
from tests.server.reports.day import DAY, EXPECTED_BY_SERVICE, EXPECTED_TIMES, play_day

COUNTS = (
    "issued",
    "transferred_in",
    "called",
    "served",
    "no_show",
    "cancelled",
    "abandoned",
    "transferred",
)


@pytest.mark.postgres
def test_report_and_reconcile_on_postgresql(tmp_path: Path) -> None:
    clock = Clock()
    with postgres_server() as url:
        app = create_app(make_settings(tmp_path, database_url=url), clock=clock)
        with serve(app) as client:
            branch = Branch(client=client, app=app, clock=clock, data_dir=tmp_path)
            play_day(branch)
            admin = branch.user("root", Role.ADMIN)
            day = DAY.isoformat()
            body = client.get("/api/v1/reports", params={"from": day}, headers=admin).json()
            for row in body["rows"]:
                f = row["figures"]
                assert tuple(f[k] for k in COUNTS) == EXPECTED_BY_SERVICE[row["key"]]
                assert f["wait"]["p90_s"] == EXPECTED_TIMES[row["key"]][2]
            rec = client.get("/api/v1/reports/reconcile", params={"day": day}, headers=admin)
            assert rec.json()["balanced"] is True, rec.json()["differences"]
            xlsx = client.get("/api/v1/reports/export.xlsx", params={"from": day}, headers=admin)
            assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
