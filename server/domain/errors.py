"""Errors of the queue model.

Every error says what happened in English (``.message``, also ``str(exc)``) and in Simplified
Chinese (``.zh``): a teller reads it, the log keeps the English.

Tree::

    DomainError                 base; ``.message`` (en) and ``.zh`` for the log and the teller
    ├── InvalidTransition       an action the ticket's state does not allow (HTTP 409)
    ├── ServiceUnavailable      no ticket can be issued: service closed or daily cap reached
    ├── CounterUnavailable      the counter cannot take or act on this ticket now (HTTP 409)
    ├── NotSignedIn             the teller is not signed in to that counter (HTTP 403)
    ├── UnknownEntity           an id, code or number the model does not know (HTTP 404)
    └── ConfigError             the branch configuration is invalid
"""

from __future__ import annotations

from collections.abc import Iterable

from server.domain.states import TicketState
from server.domain.words import action_zh, kind_zh, state_zh


class DomainError(Exception):
    """Base of every queue-model error; says what was received and expected, in en and zh."""

    def __init__(self, message: str, zh: str) -> None:
        super().__init__(message)
        self.message = message
        self.zh = zh


class InvalidTransition(DomainError):
    """``ticket A042 is DONE; recall needs CALLED`` / ``A042号当前为已完成，重呼需要已叫号``."""

    def __init__(
        self,
        number: str,
        state: TicketState,
        action: str,
        needs: TicketState | Iterable[TicketState],
    ) -> None:
        self.number = number
        self.state = state
        self.action = action
        wanted = [needs] if isinstance(needs, TicketState) else list(needs)
        self.needs = tuple(sorted(set(wanted), key=_STATE_ORDER.index))
        needs_text = " or ".join(s.value for s in self.needs)
        needs_zh = "或".join(state_zh(s) for s in self.needs)
        super().__init__(
            f"ticket {number} is {state.value}; {action} needs {needs_text}",
            f"{number}号当前为{state_zh(state)}，{action_zh(action)}需要{needs_zh}",
        )


_STATE_ORDER: list[TicketState] = list(TicketState)


class ServiceUnavailable(DomainError):
    """No ticket can be issued for the service; ``reason`` is ``closed``, ``cap_reached`` or
    ``numbers_in_use`` (every number of the service is held by a ticket still open today)."""

    REASONS = ("closed", "cap_reached", "numbers_in_use")

    def __init__(self, service_code: str, reason: str, detail: str = "") -> None:
        if reason not in self.REASONS:
            raise ValueError(f"reason {reason!r}; expected one of {list(self.REASONS)}")
        self.service_code = service_code
        self.reason = reason
        if reason == "closed":
            en, zh = f"service {service_code} is closed", "该业务暂停取号"
        elif reason == "numbers_in_use":
            en = f"service {service_code}: every number is in use; please wait a moment"
            zh = "该业务号码已全部占用，请稍候再取号"
        else:
            en = f"service {service_code} reached its daily cap"
            zh = "该业务今日号源已满"
        if detail:
            en = f"{en} ({detail})"
        super().__init__(en, zh)


class CounterUnavailable(DomainError):
    """The counter is not OPEN, does not serve the service, or already holds a ticket.

    ``problem`` / ``problem_zh``: what is wrong, after ``counter 3:`` / ``3号窗口``.
    """

    def __init__(self, counter_number: int, problem: str, problem_zh: str) -> None:
        self.counter_number = counter_number
        self.problem = problem
        super().__init__(
            f"counter {counter_number}: {problem}", f"{counter_number}号窗口{problem_zh}"
        )


class NotSignedIn(DomainError):
    """The teller is not signed in to the counter they act on (HTTP 403)."""


class UnknownEntity(DomainError):
    """An unknown ticket id, service code or counter number."""

    def __init__(self, kind: str, key: object, known: list[str] | None = None) -> None:
        self.kind = kind
        self.key = key
        text = f"unknown {kind} {key!r}"
        zh = f"没有这个{kind_zh(kind)}：{key}"
        if known is not None:
            text += f"; expected one of {known}"
            zh += f"（可选：{'、'.join(known)}）"
        super().__init__(text, zh)


class ConfigError(DomainError):
    """The branch configuration is invalid; the message names the file, key and problem."""

    def __init__(self, message: str) -> None:
        super().__init__(message, f"分行配置有误：{message}")
