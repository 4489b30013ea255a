"""`branchq serve`: run the branch server (uvicorn).

    branchq serve [--host 127.0.0.1] [--port 8000] [--data-dir var] [--branch-file FILE]
                  [--database-url URL] [--public-base-url URL]

Options override the BRANCHQ_* environment variables, which override the defaults of
``server.config.Settings``. The database is migrated and the branch file synced at start.
uvicorn runs with the production limits of ``server.serving`` (request head and body
deadlines, connection cap, websocket message cap, trusted proxies, no server header), and the
data directory is made readable by the server's user only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "serve", help="run the branch server (REST API, websocket events)"
    )
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="TCP port (default 8000; 0 = any free port)")
    parser.add_argument("--data-dir", type=Path, help="where the SQLite database lives")
    parser.add_argument("--branch-file", type=Path, help="the branch TOML (default: demo)")
    parser.add_argument("--database-url", help="e.g. postgresql+psycopg://user@host/branchq")
    parser.add_argument("--public-base-url", help="base of ticket status URLs (QR codes)")
    parser.add_argument("--log-level", default="info", help="uvicorn log level (default info)")
    parser.set_defaults(handler=serve)


def build_settings(args: argparse.Namespace) -> Any:
    """Settings from the environment, with the command-line options on top."""
    from pydantic import ValidationError

    from server.config import Settings

    overrides = {
        key: value
        for key, value in {
            "host": args.host,
            "port": args.port,
            "data_dir": args.data_dir,
            "branch_file": args.branch_file,
            "database_url": args.database_url,
            "public_base_url": args.public_base_url,
        }.items()
        if value is not None
    }
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        raise SystemExit(f"branchq serve: invalid settings: {problems}") from None


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from server.domain.errors import ConfigError
    from server.main import create_app

    settings = build_settings(args)
    if not settings.branch_file.is_file():
        print(
            f"branchq serve: branch file {str(settings.branch_file)!r} does not exist",
            file=sys.stderr,
        )
        return 1
    try:
        from server.branchfile import load_branch

        load_branch(settings.branch_file)  # fail before binding the port
    except ConfigError as exc:
        print(f"branchq serve: {exc.message}", file=sys.stderr)
        return 1
    from server.serving import restrict_data_dir, uvicorn_config

    if settings.database_url is None or settings.database_url.startswith("sqlite"):
        restrict_data_dir(settings.data_dir)
    app = create_app(settings)
    server = uvicorn.Server(uvicorn_config(app, settings, log_level=args.log_level))
    try:
        server.run()
    except KeyboardInterrupt:
        # Ctrl-C: uvicorn shut down gracefully, then raised SIGINT again for Python's default
        # handler; after a clean shutdown that is no error to print a traceback for
        if not server.should_exit:
            raise
    return 0
