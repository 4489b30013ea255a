"""BranchApi against the real server: contract models back, refusals as ApiError with a
bilingual text, no server as ServerUnreachable."""

from __future__ import annotations

import socket

import pytest

from branchq_client import ApiError, BranchApi, ClientConfigError, ServerUnreachable
from server.contract.common import Bilingual, Category, CounterState, Role, TicketState
from server.contract.rest import (
    BranchInfo,
    CallChosen,
    PrintResult,
    QueueInfo,
    TicketCreate,
    TransferRequest,
)
from tests.e2e.live import PASSWORD, LiveBranch


async def test_public_reads_answer_contract_models(branch: LiveBranch) -> None:
    async with BranchApi(branch.url) as api:
        info = await api.branch()
        services = await api.services()
        generic = await api.get_model("/services", list[QueueInfo])
    assert isinstance(info, BranchInfo) and info.timezone == "Asia/Shanghai"
    assert [q.service_code for q in services] == [q.service_code for q in generic]
    assert "A" in {q.service_code for q in services}


async def test_kiosk_issues_and_reports_a_print(branch: LiveBranch) -> None:
    token = branch.device_token("kiosk-1", Role.KIOSK)
    async with BranchApi(branch.url, token=token) as api:
        ticket = await api.issue_ticket(
            TicketCreate(service_code="A", category=Category.VIP, idempotency_key="tap-00000001")
        )
        again = await api.issue_ticket(
            TicketCreate(service_code="A", category=Category.VIP, idempotency_key="tap-00000001")
        )
        printed = await api.report_print(ticket.public_id, PrintResult(status="printed"))
    assert ticket.number == "A001" and ticket.state is TicketState.WAITING
    assert again.number == ticket.number and again.replayed
    assert printed.print_status == "printed"


async def test_a_teller_signs_in_and_acts_at_a_counter(branch: LiveBranch) -> None:
    branch.user_token("teller3")  # creates the user
    kiosk = BranchApi(branch.url, token=branch.device_token("kiosk-1", Role.KIOSK))
    first = await kiosk.issue_ticket(TicketCreate(service_code="A"))
    await kiosk.aclose()
    async with BranchApi(branch.url) as api:
        login = await api.login("teller3", PASSWORD)
        assert api.token == login.token and login.role is Role.TELLER
        assert (await api.me()).name == "teller3"
        opened = await api.counter_action(3, "open")
        assert opened.counter.state is CounterState.OPEN and opened.counter.teller == "teller3"
        called = await api.counter_action(3, "call-next", idempotency_key="press-000001")
        assert called.ticket is not None and called.ticket.number == first.number
        assert isinstance(called.reason, Bilingual) and called.reason.zh and called.reason.en
        counters = await api.counters()
        assert next(c for c in counters if c.counter_number == 3).current is not None
        moved = await api.counter_action(3, "transfer", TransferRequest(to_counter=1))
        assert moved.ticket is not None and moved.ticket.state is TicketState.WAITING


async def test_a_refusal_is_an_api_error_in_both_languages(branch: LiveBranch) -> None:
    async with BranchApi(branch.url, token=branch.user_token("teller3")) as api:
        await api.counter_action(3, "open")
        with pytest.raises(ApiError) as refused:
            await api.counter_action(3, "recall")
        with pytest.raises(ApiError) as missing:
            await api.counter_action(3, "call", CallChosen(number="Z999"))
    assert refused.value.status == 409 and refused.value.code == "counter_unavailable"
    assert "recall" in refused.value.text.en and refused.value.text.zh
    assert refused.value.text.zh != refused.value.text.en
    assert missing.value.status == 404 and missing.value.code == "not_found"


async def test_wrong_password_and_no_token_are_unauthorized(branch: LiveBranch) -> None:
    branch.user_token("teller3")
    async with BranchApi(branch.url) as api:
        with pytest.raises(ApiError) as wrong:
            await api.login("teller3", "not the password")
        assert api.token is None
        with pytest.raises(ApiError) as anonymous:
            await api.counter_action(3, "open")
    assert wrong.value.unauthorized and anonymous.value.unauthorized
    assert anonymous.value.text.zh == "请求未携带登录凭据"  # the server's own words


async def test_no_server_is_server_unreachable() -> None:
    with socket.socket() as sock:  # a free port with nobody listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with BranchApi(f"http://127.0.0.1:{port}", retries=1, retry_delay_s=0.01) as api:
        with pytest.raises(ServerUnreachable) as gone:
            await api.services()
    assert f"127.0.0.1:{port}" in gone.value.text.en and gone.value.text.zh


def test_a_bad_url_or_action_is_refused_before_sending() -> None:
    with pytest.raises(ClientConfigError, match=r"'ftp://x'.*expected http://HOST:PORT"):
        BranchApi("ftp://x")


async def test_an_unknown_action_is_refused(branch: LiveBranch) -> None:
    async with BranchApi(branch.url) as api:
        with pytest.raises(ClientConfigError, match=r"'call-nxt'.*expected one of"):
            await api.counter_action(3, "call-nxt")
