"""Schemathesis over the server's OpenAPI, with a token of every role: no answer may be a 5xx.

Used by ``test_api_fuzz.py`` (a bounded, deterministic run in the suite) and by hand for a
longer run against a fresh branch::

    .venv/bin/python -m tests.server.core.api_fuzz --examples 100

Each generated request (schema-conforming and schema-violating ones) is sent once per role
(admin, manager, teller, technician, kiosk, display, and no token), so every route's checks run for
every kind of caller.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from server.contract.common import Role
from server.main import create_app
from server.services import users
from server.store.db import write_session
from tests.server.core.conftest import PASSWORD, Clock, make_settings
from tests.server.core.live import serve

USERS = {
    "root": Role.ADMIN,
    "mia": Role.MANAGER,
    "ann": Role.TELLER,
    "tec": Role.TECHNICIAN,
}
DEVICES = {"kiosk-1": Role.KIOSK, "lobby": Role.DISPLAY}


@dataclass
class Findings:
    requests: int = 0
    server_errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@contextmanager
def running_branch(data_dir: Path) -> Iterator[tuple[str, dict[str, Any], dict[str, str]]]:
    """A live branch: (base URL, its OpenAPI document, role -> Authorization header)."""
    clock = Clock()
    app = create_app(make_settings(data_dir), clock=clock)
    with serve(app) as client:
        engine = app.state.engine
        tokens: dict[str, str] = {}
        with write_session(engine) as session:
            for name, role in USERS.items():
                users.create_user(session, username=name, password=PASSWORD, role=role, now=clock())
            for name, role in DEVICES.items():
                tokens[role.value] = users.create_device_token(
                    session, name=name, role=role, now=clock()
                )
        for name, role in USERS.items():
            r = client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
            r.raise_for_status()
            tokens[role.value] = r.json()["token"]
        headers = {role: f"Bearer {token}" for role, token in tokens.items()}
        headers["anonymous"] = ""
        yield str(client.base_url), client.get("/openapi.json").json(), headers


def fuzz(
    base_url: str, openapi: dict[str, Any], auth: dict[str, str], *, examples: int
) -> Findings:
    """Up to ``examples`` generated requests per operation and mode, each sent as every role."""
    schema = schemathesis.openapi.from_dict(openapi)
    found = Findings()
    http = requests.Session()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=examples,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def send(case: Any) -> None:
                for role, header in auth.items():
                    headers = {"Authorization": header} if header else {}
                    response = case.call(base_url=base_url, session=http, headers=headers)
                    found.requests += 1
                    if response.status_code >= 500:
                        found.server_errors.append(
                            f"{response.status_code} {case.method} {case.formatted_path} as "
                            f"{role}: body={case.body!r} query={case.query!r}: "
                            f"{response.text[:300]}"
                        )

            try:
                send()
            except Unsatisfiable:  # nothing to violate (an operation without input)
                found.skipped.append(f"{operation.label} ({mode.value})")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100, help="per operation and mode")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="branchq-fuzz-") as tmp,
        running_branch(Path(tmp)) as (url, openapi, auth),
    ):
        found = fuzz(url, openapi, auth, examples=args.examples)
    print(f"{found.requests} requests, {len(found.server_errors)} server errors")
    for line in found.server_errors:
        print(line)
    return 1 if found.server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
