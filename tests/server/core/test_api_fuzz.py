"""Schemathesis over the OpenAPI with every role finds no server error (a bounded run: a few
examples per operation and mode, derandomized; ``api_fuzz.py`` runs longer by hand)."""

from __future__ import annotations

from pathlib import Path

from tests.server.core.api_fuzz import fuzz, running_branch


def test_no_server_error_for_any_role(tmp_path: Path) -> None:
    with running_branch(tmp_path) as (url, openapi, auth):
        assert set(auth) == {
            "admin",
            "manager",
            "teller",
            "technician",
            "kiosk",
            "display",
            "anonymous",
        }
        found = fuzz(url, openapi, auth, examples=3)
    assert found.requests > 600
    assert found.server_errors == []
