"""Errors of the store.

Tree::

    StoreError          base: a database problem the caller can explain (bad URL, ...)

A row that does not exist is reported with the domain's ``UnknownEntity`` (HTTP 404), so the
API has one not-found error to map.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base of the store's errors; ``message`` says what was received and what was expected."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
