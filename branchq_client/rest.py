"""``BranchApi``: the branch server's REST API (``/api/v1``) for the apps, async on httpx.

    async with BranchApi("http://127.0.0.1:8000") as api:
        await api.login("teller3", password)              # keeps the token in memory
        result = await api.counter_action(3, "call-next", idempotency_key=key)

Every answer is a ``server.contract`` model. A refusal raises ``ApiError`` (status, the
server's ``ErrorBody``, ``.text`` in both languages); no answer raises ``ServerUnreachable``.
Teller actions take an ``idempotency_key``: a retry with the same key answers what the first
request did instead of acting twice (a lost answer to "call next" never calls a second
customer). ``retries`` repeats a request that got no answer, with the same key.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter

from branchq_client.errors import ApiError, ClientConfigError, ServerUnreachable
from server.contract.appointments import (
    AppointmentDay,
    BookingCreate,
    BookingCreated,
    BookingOut,
    CheckinOut,
    CheckinRequest,
)
from server.contract.auth import Heartbeat, HeartbeatAck, LoginRequest, LoginResponse, Me
from server.contract.desk import CounterDesk, TellerToday
from server.contract.feedback import (
    ComplaintOut,
    ComplaintReceipt,
    ComplaintResolve,
    ComplaintTake,
    CounterComplaintCreate,
    CounterRatingCreate,
    RatingOut,
)
from server.contract.rest import (
    BranchInfo,
    CounterActionResult,
    CounterInfo,
    PrintResult,
    PrintResultOut,
    QueueInfo,
    TicketCreate,
    TicketIssuedOut,
)

M = TypeVar("M")

API_PREFIX = "/api/v1"
IDEMPOTENCY_HEADER = "Idempotency-Key"

# POST /api/v1/counters/{n}/<action>
COUNTER_ACTIONS = frozenset(
    {
        "open",
        "pause",
        "close",
        "call-next",
        "call",
        "recall",
        "start",
        "finish",
        "no-show",
        "park",
        "unpark",
        "cancel",
        "transfer",
    }
)


_ADAPTERS: dict[object, TypeAdapter[Any]] = {}


def _parse(model: type[M], content: bytes) -> M:
    adapter = _ADAPTERS.get(model)
    if adapter is None:
        adapter = _ADAPTERS[model] = TypeAdapter(model)
    parsed: M = adapter.validate_json(content)
    return parsed


def _check_url(server_url: str) -> str:
    base = server_url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ClientConfigError(
            f"server url {server_url!r}: expected http://HOST:PORT or https://HOST:PORT"
        )
    return base


class BranchApi:
    def __init__(
        self,
        server_url: str,
        *,
        token: str | None = None,
        timeout_s: float = 3.0,
        retries: int = 1,
        retry_delay_s: float = 0.2,
    ) -> None:
        self.server_url = _check_url(server_url)
        self.token = token
        self.retries = retries
        self._retry_delay_s = retry_delay_s
        self._client = httpx.AsyncClient(base_url=self.server_url + API_PREFIX, timeout=timeout_s)

    async def __aenter__(self) -> BranchApi:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    # --- generic --------------------------------------------------------------------------
    async def request(
        self,
        method: str,
        path: str,
        *,
        body: BaseModel | dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        retries: int | None = None,
    ) -> httpx.Response:
        """One request (``path`` below /api/v1); an error status raises ``ApiError``.

        A request that got no answer is sent again up to ``retries`` times (default: the
        client's) with the same headers, so only idempotent requests or ones carrying an
        idempotency key should be retried.
        """
        all_headers = dict(headers or {})
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        content: bytes | None = None
        if body is not None:
            all_headers["Content-Type"] = "application/json"
            content = (
                body.model_dump_json(exclude_none=True).encode()
                if isinstance(body, BaseModel)
                else json.dumps(body).encode()
            )
        attempts = 1 + (self.retries if retries is None else retries)
        for attempt in range(attempts):
            try:
                response = await self._client.request(
                    method, path, content=content, headers=all_headers
                )
            except httpx.TransportError as exc:  # refused, lost, or timed out
                if attempt + 1 >= attempts:
                    raise ServerUnreachable(self.server_url, exc) from exc
                await asyncio.sleep(self._retry_delay_s)
                continue
            if response.status_code >= 400:
                try:
                    data: Any = response.json()
                except ValueError:
                    data = response.text
                raise ApiError.from_response(response.status_code, data)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    async def get_model(self, path: str, model: type[M], **kwargs: Any) -> M:
        """GET ``path`` and parse the answer as ``model`` (a class or e.g. ``list[QueueInfo]``)."""
        response = await self.request("GET", path, **kwargs)
        return _parse(model, response.content)

    async def post_model(
        self,
        path: str,
        body: BaseModel | dict[str, Any] | None,
        model: type[M],
        **kwargs: Any,
    ) -> M:
        response = await self.request("POST", path, body=body, **kwargs)
        return _parse(model, response.content)

    # --- public ---------------------------------------------------------------------------
    async def branch(self) -> BranchInfo:
        return await self.get_model("/branch", BranchInfo)

    async def services(self) -> list[QueueInfo]:
        """Every service's queue with its estimated wait (public)."""
        return await self.get_model("/services", list[QueueInfo])

    # --- auth -----------------------------------------------------------------------------
    async def login(self, username: str, password: str) -> LoginResponse:
        """Sign in; the token is kept in this client (memory only) for the next requests."""
        answer = await self.post_model(
            "/auth/login",
            LoginRequest(username=username, password=password),
            LoginResponse,
            retries=0,
        )
        self.token = answer.token
        return answer

    async def me(self) -> Me:
        return await self.get_model("/auth/me", Me)

    async def logout(self) -> None:
        await self.request("POST", "/auth/logout", retries=0)
        self.token = None

    # --- kiosk ----------------------------------------------------------------------------
    async def issue_ticket(self, ticket: TicketCreate) -> TicketIssuedOut:
        """Issue a ticket; retried without an answer only when it carries an idempotency key."""
        retries = None if ticket.idempotency_key else 0
        return await self.post_model("/tickets", ticket, TicketIssuedOut, retries=retries)

    async def check_in(self, request: CheckinRequest) -> CheckinOut:
        """A booking code typed or scanned at the kiosk -> its ticket (and why it is what it
        is); retried without an answer only when it carries an idempotency key."""
        retries = None if request.idempotency_key else 0
        return await self.post_model("/appointments/check-in", request, CheckinOut, retries=retries)

    async def report_print(self, public_id: str, result: PrintResult) -> PrintResultOut:
        return await self.post_model(f"/tickets/{public_id}/print-result", result, PrintResultOut)

    async def heartbeat(self, beat: Heartbeat) -> HeartbeatAck:
        return await self.post_model("/devices/me/heartbeat", beat, HeartbeatAck)

    # --- counters -------------------------------------------------------------------------
    async def counter_action(
        self,
        counter_number: int,
        action: str,
        body: BaseModel | dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> CounterActionResult:
        """POST /counters/{n}/{action}. Without an answer it is retried only with a key."""
        if action not in COUNTER_ACTIONS:
            raise ClientConfigError(
                f"counter action {action!r}: expected one of {sorted(COUNTER_ACTIONS)}",
                zh="未知的窗口操作",
            )
        headers = {IDEMPOTENCY_HEADER: idempotency_key} if idempotency_key else None
        return await self.post_model(
            f"/counters/{counter_number}/{action}",
            body,
            CounterActionResult,
            headers=headers,
            retries=None if idempotency_key else 0,
        )

    async def counters(self) -> list[CounterInfo]:
        return await self.get_model("/counters", list[CounterInfo])

    async def queues(self) -> list[QueueInfo]:
        return await self.get_model("/queues", list[QueueInfo])

    async def counter_desk(self, counter_number: int) -> CounterDesk:
        """The counter's held ticket (and why it was called), what it may call, its parked."""
        return await self.get_model(f"/counters/{counter_number}/desk", CounterDesk)

    async def teller_today(self) -> TellerToday:
        """The signed-in teller's figures for today."""
        return await self.get_model("/tellers/me/today", TellerToday)

    # --- ratings and complaints -----------------------------------------------------------
    async def rate_at_counter(self, counter_number: int, rating: CounterRatingCreate) -> RatingOut:
        """The rating pad sends a customer's rating. Retried without an answer: a ticket is
        rated once, so a retry after a lost answer is refused ``already_rated``, never doubled."""
        return await self.post_model(f"/counters/{counter_number}/rating", rating, RatingOut)

    async def complain_at_counter(
        self, counter_number: int, complaint: CounterComplaintCreate
    ) -> ComplaintReceipt:
        """A complaint from the rating pad (about its ticket: once per ticket; retried the same
        way as a rating)."""
        retries = None if complaint.public_id else 0
        return await self.post_model(
            f"/counters/{counter_number}/complaint", complaint, ComplaintReceipt, retries=retries
        )

    async def complaints(self, *, include_resolved: bool = True) -> list[ComplaintOut]:
        """Overdue complaints first, then open ones by due time, then resolved (admin, manager)."""
        flag = "true" if include_resolved else "false"
        return await self.get_model(f"/complaints?include_resolved={flag}", list[ComplaintOut])

    async def take_complaint(self, complaint_id: int, owner: str | None = None) -> ComplaintOut:
        """Take it (``owner`` None) or assign it to ``owner``."""
        return await self.post_model(
            f"/complaints/{complaint_id}/take", ComplaintTake(owner=owner), ComplaintOut
        )

    async def resolve_complaint(self, complaint_id: int, note: str) -> ComplaintOut:
        return await self.post_model(
            f"/complaints/{complaint_id}/resolve", ComplaintResolve(note=note), ComplaintOut
        )

    # --- appointments (staff: admin, manager, teller) ---------------------------------------
    async def book_appointment(self, booking: BookingCreate) -> BookingCreated:
        """Book a slot for a customer (not retried without an answer: it would book twice)."""
        return await self.post_model("/staff/appointments", booking, BookingCreated, retries=0)

    async def appointments_on(self, day: str | None = None) -> AppointmentDay:
        """A day's appointments (ISO date; default today) with their states."""
        path = "/staff/appointments" + (f"?day={day}" if day else "")
        return await self.get_model(path, AppointmentDay)

    async def cancel_appointment(self, code: str) -> BookingOut:
        return await self.post_model(f"/staff/appointments/{code}/cancel", None, BookingOut)
