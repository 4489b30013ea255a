"""Teller actions done once per key press: the ``Idempotency-Key`` of a counter action.

    result = action_keys.once(ctx, counter_number=3, key=key, request="call-next {}",
                              run=lambda: calls.call_next(...))

The first request with a key claims it (its own short write unit), runs the action (its own
unit) and stores the answer (a third short unit): two small commits around the use case, which
stays as it is. A retry with the same key on the same counter — the answer was lost, the terminal
sent it again — gets the stored answer (``replayed``: true) and nothing is done twice; a retry
that arrives while the first is still running waits for its answer. The same key with another
action or body is refused (``ActionKeyConflict``, 409). An action that fails releases its key
(nothing was done), so a retry runs it again. Keys are kept for ``KEEP`` (then purged).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from server.contract.rest import CounterActionResult
from server.services.context import BranchContext
from server.services.errors import ActionKeyConflict, BadRequest
from server.store.tables import CounterActionKey

KEEP = timedelta(days=2)
PURGE_EVERY = timedelta(hours=1)
WAIT_FOR_FIRST_S = 10.0  # a retry waits at most this long for the first request's answer
KEY_MIN, KEY_MAX = 8, 128


def once(
    ctx: BranchContext,
    *,
    counter_number: int,
    key: str | None,
    request: str,
    run: Callable[[], CounterActionResult],
) -> CounterActionResult:
    """``run()`` once per (counter, key); a repeated key answers the first answer."""
    if key is None:
        return run()
    if not KEY_MIN <= len(key) <= KEY_MAX or not key.isprintable():
        raise BadRequest(
            "header.Idempotency-Key",
            f"expected {KEY_MIN} to {KEY_MAX} printable characters (e.g. a UUID), "
            f"got {len(key)} characters",
        )
    deadline = time.monotonic() + WAIT_FOR_FIRST_S
    while True:
        stored = _claim_or_read(ctx, counter_number, key, request)
        if stored is _CLAIMED:
            break
        if stored is not None:
            return CounterActionResult.model_validate_json(stored).model_copy(
                update={"replayed": True}
            )
        if time.monotonic() > deadline:  # the first request never finished (server crashed)
            raise ActionKeyConflict(key, counter_number, request, "a retry of an unfinished one")
        time.sleep(0.02)
    try:
        result = run()
    except BaseException:
        _release(ctx, counter_number, key)
        raise
    with ctx.writing() as uow:
        row = uow.session.get_one(CounterActionKey, (counter_number, key))
        row.result = result.model_dump_json()
        uow.session.add(row)
    return result


_CLAIMED = "claimed"


def _claim_or_read(ctx: BranchContext, counter_number: int, key: str, request: str) -> str | None:
    """_CLAIMED when this request owns the key now; the stored answer; None while pending."""
    now = ctx.now()
    try:
        with ctx.writing() as uow:
            row = uow.session.get(CounterActionKey, (counter_number, key))
            if row is not None:
                return _answer(row, key, counter_number, request)
            _purge(ctx, uow.session, now)
            uow.session.add(
                CounterActionKey(
                    counter_number=counter_number, key=key, request=request, created_at=now
                )
            )
    except IntegrityError:  # another process claimed it between our read and our insert
        return None
    return _CLAIMED


def _answer(row: CounterActionKey, key: str, counter_number: int, request: str) -> str | None:
    if row.request != request:
        raise ActionKeyConflict(key, counter_number, _shown(row.request), _shown(request))
    return row.result


def _shown(request: str) -> str:
    """``call {"number":"A002"} by 7`` -> ``call {"number":"A002"}``."""
    return request.rsplit(" by ", 1)[0].replace(" {}", "")


def _release(ctx: BranchContext, counter_number: int, key: str) -> None:
    with ctx.writing() as uow:
        uow.session.execute(
            delete(CounterActionKey).where(
                CounterActionKey.counter_number == counter_number,  # type: ignore[arg-type]
                CounterActionKey.key == key,  # type: ignore[arg-type]
            )
        )


_last_purge: WeakKeyDictionary[Engine, datetime] = WeakKeyDictionary()


def _purge(ctx: BranchContext, session: Session, now: datetime) -> None:
    """Forget keys older than KEEP, at most once an hour per database."""
    last = _last_purge.get(ctx.engine)
    if last is not None and now - last < PURGE_EVERY and now >= last:
        return
    _last_purge[ctx.engine] = now
    session.execute(
        delete(CounterActionKey).where(CounterActionKey.created_at < now - KEEP)  # type: ignore[arg-type]
    )
