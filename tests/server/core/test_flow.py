"""Issue -> call -> start -> finish through the real app, checking bodies."""

from __future__ import annotations

from tests.server.core.conftest import Branch


def test_issue_call_start_finish(branch: Branch) -> None:
    t = branch.issue("A", category="NORMAL", language="en", idempotency_key="k-0000001")
    assert t["number"] == "A001"
    assert t["service_name"] == {"zh": "个人业务", "en": "Personal"}
    assert t["people_ahead"] == 0
    assert t["state"] == "WAITING"
    assert str(t["status_url"]).endswith(f"/api/v1/tickets/{t['public_id']}")

    opened = branch.teller_post("alice", "/counters/1/open")
    assert opened["counter"]["state"] == "OPEN"  # type: ignore[index]
    assert opened["counter"]["teller"] == "alice"  # type: ignore[index]

    called = branch.teller_post("alice", "/counters/1/call-next")
    assert called["ticket"]["number"] == "A001"  # type: ignore[index]
    assert called["ticket"]["state"] == "CALLED"  # type: ignore[index]
    assert called["reason"]["en"]  # type: ignore[index]

    branch.clock.advance(minutes=4)
    started = branch.teller_post("alice", "/counters/1/start")
    assert started["ticket"]["state"] == "SERVING"  # type: ignore[index]
    branch.clock.advance(minutes=6)
    done = branch.teller_post("alice", "/counters/1/finish")
    assert done["ticket"]["state"] == "DONE"  # type: ignore[index]
    assert done["counter"]["current"] is None  # type: ignore[index]

    status = branch.client.get(f"/api/v1/tickets/{t['public_id']}").json()
    assert status["state"] == "DONE"
    assert status["counter_number"] == 1
