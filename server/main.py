"""``create_app(settings)``: only wiring.

The lifespan opens the database (migrating it to the newest revision), syncs the branch file
into it, creates the realtime hub and starts the periodic jobs (``server.services.jobs``: the
daily rollover, the device silence sweep, ...); routers come from
``server.api`` and ``server.realtime``. Everything is kept on ``app.state``: ``settings``,
``engine``, ``branch`` (the use cases' BranchContext), ``hub``, ``issuer`` (the ticket writer:
group commit), ``scheduler`` (the periodic jobs), ``clock``, ``authenticate``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from server.api import (
    admin,
    appointment_pages,
    appointments,
    audit,
    auth,
    console,
    console_page,
    counters,
    desk,
    devices,
    feedback,
    public,
    reports,
    ticket_page,
    tickets,
)
from server.api.docs import install_docs
from server.api.errors import install_error_handlers
from server.api.headers import SecurityHeaders
from server.api.limits import BodyLimits
from server.branchfile import load_branch
from server.config import Settings
from server.contract.events import Event
from server.realtime import ticket_stream
from server.realtime.guard import Access, TokenGuard
from server.realtime.hub import EventHub
from server.realtime.ws import make_router
from server.services import accounts
from server.services.context import BranchContext, utc_now
from server.services.errors import BookingRateLimited
from server.services.issue_limit import IssueRateLimit, RateLimit
from server.services.issuer import TicketIssuer
from server.services.jobs import Scheduler, periodic_jobs
from server.services.token_cache import token_cache
from server.services.views import snapshot
from server.store.db import make_engine, migrate, write_session
from server.store.seed import sync_branch

API_PREFIX = "/api/v1"
_log = logging.getLogger(__name__)


def create_app(settings: Settings, *, clock: Callable[[], datetime] | None = None) -> FastAPI:
    """The branch server. ``clock`` (aware UTC datetimes) is for tests that pin time."""
    now = clock or utc_now
    # closes open websockets whose token ends (wired to the token cache's change hook below)
    guard = TokenGuard(
        lambda t: app.state.authenticate(t), clock=now, recheck_s=settings.auth_recheck_s
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(
            settings.resolved_database_url, busy_timeout_ms=settings.db_busy_timeout_ms
        )
        config = load_branch(settings.branch_file)

        def prepare() -> None:
            migrate(engine)
            with write_session(engine) as session:
                sync_branch(session, config=config, now=now())

        await run_in_threadpool(prepare)
        branch = BranchContext(
            engine=engine, config=config, clock=now, status_url_base=settings.status_url_base
        )
        hub = EventHub(snapshot=lambda: snapshot(branch))
        hub.bind_loop(asyncio.get_running_loop())
        scheduler = Scheduler(branch, periodic_jobs(settings))

        def publish(event: Event) -> Event:
            numbered = hub.publish(event)
            scheduler.poke(event)  # jobs that follow the floor (wait alerts) run soon
            return numbered

        branch.publish = publish
        issuer = TicketIssuer(
            branch,
            max_batch=settings.issue_max_batch,
            rate_limit=IssueRateLimit(
                burst=settings.issue_burst_per_device,
                per_min=settings.issue_rate_per_device_per_min,
            ),
        )
        issuer.start()

        def authenticate(token: str) -> Access | None:
            found = accounts.authenticate(branch, token, now())
            return None if found is None else Access(found[0], found[1])

        token_cache(engine).on_change(guard.auth_changed)

        app.state.settings = settings
        app.state.engine = engine
        app.state.branch = branch
        app.state.hub = hub
        app.state.issuer = issuer
        app.state.clock = now
        app.state.authenticate = authenticate
        app.state.scheduler = scheduler
        scheduler.start()
        try:
            yield
        finally:
            await scheduler.stop()
            await run_in_threadpool(issuer.close)
            await hub.close()
            engine.dispose()

    app = FastAPI(
        title="branchq",
        version="0.1.0",
        description="Queue ticketing for a bank branch (kiosk, tellers, displays, panels).",
        lifespan=lifespan,
        docs_url=None,  # install_docs serves Swagger UI from local files
        redoc_url=None,  # ReDoc loads from a CDN: not served
        openapi_url="/openapi.json" if settings.docs else None,
    )
    app.state.booking_limit = RateLimit(
        burst=settings.booking_burst_per_address,
        per_min=settings.booking_rate_per_address_per_min,
        error=BookingRateLimited,
    )
    install_error_handlers(app)
    if settings.docs:
        install_docs(app, title="branchq")
    app.add_middleware(BodyLimits, body_timeout_s=settings.body_timeout_s)
    app.add_middleware(SecurityHeaders)  # outermost: the 413/408 answers get them too
    app.include_router(public.router, prefix=API_PREFIX)
    app.include_router(public.router, include_in_schema=False)  # /healthz for load balancers
    for module in (
        ticket_page,
        tickets,
        appointment_pages,
        appointments,
        counters,
        desk,
        auth,
        admin,
        audit,
        devices,
        feedback,
        reports,
        console,
    ):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(console_page.router)  # the page at /console, beside /docs
    app.include_router(
        make_router(
            hub_getter=lambda: app.state.hub,
            authenticate=lambda t: app.state.authenticate(t),
            guard=guard,
        )
    )
    app.include_router(
        ticket_stream.make_router(
            hub_getter=lambda: app.state.hub, branch_getter=lambda: app.state.branch
        )
    )
    return app
