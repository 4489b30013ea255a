"""Errors of the use cases (the queue rules' own errors come from ``server.domain.errors``).

Tree::

    UseCaseError        base; ``.message`` says what was received and what was expected
    ├── NotSignedIn     the teller is not signed in to the counter they act on (HTTP 403)
    ├── BadRequest      a request the use case cannot act on (HTTP 422), names the field
    └── IdempotencyConflict  a used idempotency key sent with a different request (HTTP 409)
"""

from __future__ import annotations


class UseCaseError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotSignedIn(UseCaseError):
    """``teller 'bob' is not signed in to counter 3 (signed in: nobody); open it first``."""


class BadRequest(UseCaseError):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class IdempotencyConflict(UseCaseError):
    """``idempotency key 'tap-0001' was used for A001 (service A, NORMAL, zh); ...``."""

    def __init__(self, key: str, number: str, used_for: str, asked_for: str) -> None:
        super().__init__(
            f"idempotency key {key!r} was used for ticket {number} ({used_for}); this request "
            f"asks for {asked_for}: send a new key for a new ticket"
        )
