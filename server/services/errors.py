"""Errors of the use cases (the queue rules' own errors come from ``server.domain.errors``).

Tree::

    UseCaseError        base; ``.message`` says what was received and what was expected
    ├── NotSignedIn     the teller is not signed in to the counter they act on (HTTP 403)
    └── BadRequest      a request the use case cannot act on (HTTP 422), names the field
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
