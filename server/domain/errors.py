"""Errors of the queue model.

Tree::

    DomainError                 base; ``.message`` is a sentence for the log and the teller
    ├── InvalidTransition       an action the ticket's state does not allow (HTTP 409)
    ├── ServiceUnavailable      no ticket can be issued: service closed or daily cap reached
    ├── CounterUnavailable      the counter cannot take a ticket now
    ├── UnknownEntity           an id, code or number the model does not know (HTTP 404)
    └── ConfigError             the branch configuration is invalid
"""

from __future__ import annotations

from collections.abc import Iterable

from server.contract.common import TicketState


class DomainError(Exception):
    """Base of every queue-model error; ``message`` says what was received and expected."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidTransition(DomainError):
    """``ticket A042 is DONE; recall needs CALLED``."""

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
        super().__init__(f"ticket {number} is {state.value}; {action} needs {needs_text}")


_STATE_ORDER: list[TicketState] = list(TicketState)


class ServiceUnavailable(DomainError):
    """No ticket can be issued for the service; ``reason`` is ``closed`` or ``cap_reached``."""

    REASONS = ("closed", "cap_reached")

    def __init__(self, service_code: str, reason: str, detail: str = "") -> None:
        if reason not in self.REASONS:
            raise ValueError(f"reason {reason!r}; expected one of {list(self.REASONS)}")
        self.service_code = service_code
        self.reason = reason
        if reason == "closed":
            text = f"service {service_code} is closed / 该业务暂停取号"
        else:
            text = f"service {service_code} reached its daily cap / 该业务今日号源已满"
        if detail:
            text = f"{text} ({detail})"
        super().__init__(text)


class CounterUnavailable(DomainError):
    """The counter is not OPEN, does not serve the service, or already holds a ticket."""

    def __init__(self, counter_number: int, problem: str) -> None:
        self.counter_number = counter_number
        self.problem = problem
        super().__init__(f"counter {counter_number}: {problem}")


class UnknownEntity(DomainError):
    """An unknown ticket id, service code or counter number."""

    def __init__(self, kind: str, key: object, known: list[str] | None = None) -> None:
        self.kind = kind
        self.key = key
        text = f"unknown {kind} {key!r}"
        if known is not None:
            text += f"; expected one of {known}"
        super().__init__(text)


class ConfigError(DomainError):
    """The branch configuration is invalid; the message names the file, key and problem."""
