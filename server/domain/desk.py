"""The rules of one counter (a "desk"): when it may take a ticket, and which tickets.

Every check here is the only copy of its rule: the server's use cases and the in-memory
reference queue (``BranchQueue``) both ask these functions.
"""

from __future__ import annotations

from server.contract.common import CounterState, TicketState
from server.domain.errors import CounterUnavailable
from server.domain.model import CounterDef
from server.domain.words import action_zh, state_zh


def check_can_take(
    counter_number: int,
    state: CounterState,
    held: tuple[str, TicketState] | None,
) -> None:
    """A counter takes a ticket (call, call-next, unpark) only when OPEN and holding none.

    held: the (number, state) of the CALLED or SERVING ticket the counter holds, if any.
    """
    if state != CounterState.OPEN:
        raise CounterUnavailable(
            counter_number,
            f"is {state.value}; calling needs OPEN",
            f"状态为{_counter_state_zh(state)}，需开放后才能叫号",
        )
    if held is not None:
        number, held_state = held
        raise CounterUnavailable(
            counter_number,
            f"still holds ticket {number} ({held_state.value}); finish, park or transfer it first",
            f"仍有{number}号（{state_zh(held_state)}），请先办结、暂挂或转移",
        )


def check_may_call(
    counter: CounterDef,
    *,
    number: str,
    service_code: str,
    target_counter: int | None,
    action: str = "call",
) -> None:
    """A counter calls (by number or by unparking) only a ticket it may serve.

    A ticket transferred to one counter is that counter's alone; any other ticket must be of
    a service the counter serves (weight > 0).
    """
    if target_counter is not None:
        if target_counter != counter.number:
            raise CounterUnavailable(
                counter.number,
                f"ticket {number} was transferred to counter {target_counter}; only that "
                f"counter can {action} it",
                f"：{number}号已转至{target_counter}号窗口，只能由该窗口{action_zh(action)}",
            )
        return
    if not counter.serves(service_code):
        served = sorted(code for code, w in counter.weights.items() if w > 0)
        raise CounterUnavailable(
            counter.number,
            f"does not serve service {service_code} (ticket {number}); it serves {served}",
            f"不办理{service_code}业务（{number}号），本窗口办理：{'、'.join(served) or '无'}",
        )


def check_can_close(counter_number: int, held: tuple[str, TicketState] | None) -> None:
    """Closing is refused while the counter holds a CALLED or SERVING ticket."""
    if held is not None:
        number, held_state = held
        raise CounterUnavailable(
            counter_number,
            f"still holds ticket {number} ({held_state.value}); finish, park or transfer it "
            "before closing",
            f"仍有{number}号（{state_zh(held_state)}），请先办结、暂挂或转移再关闭",
        )


def check_holds(counter_number: int, held: object | None, action: str) -> None:
    """An action on the counter's ticket (recall, start, ...) needs it to hold one."""
    if held is None:
        raise CounterUnavailable(
            counter_number,
            f"holds no called or serving ticket; {action} needs one",
            f"没有已叫号或办理中的客户，无法{action_zh(action)}",
        )


_COUNTER_STATES = {
    CounterState.OPEN: "开放",
    CounterState.PAUSED: "暂停",
    CounterState.CLOSED: "关闭",
}


def _counter_state_zh(state: CounterState) -> str:
    return _COUNTER_STATES.get(state, str(state))
