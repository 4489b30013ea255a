"""Server settings: one pydantic-settings class, built in ``main()`` and passed down.

Every field can be set from the environment with the ``BRANCHQ_`` prefix
(``BRANCHQ_DATA_DIR=/srv/branchq``, ``BRANCHQ_DATABASE_URL=postgresql+psycopg://...``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEMO_BRANCH_FILE = Path(__file__).with_name("demo_branch.toml")


class Settings(BaseSettings):
    """Settings of one branch server process."""

    model_config = SettingsConfigDict(env_prefix="BRANCHQ_", extra="forbid")

    env: Literal["dev", "prod"] = "dev"
    data_dir: Path = Path("var")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: a SQLite file branchq.sqlite3 in data_dir (WAL)",
    )
    branch_file: Path = Field(
        default=DEMO_BRANCH_FILE, description="the branch TOML (services, counters, policy)"
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    public_base_url: str | None = Field(
        default=None,
        description="base of the ticket status URL printed as a QR code "
        "(default: http://host:port of this server)",
    )
    token_ttl_s: int = Field(default=12 * 3600, gt=0, description="user session lifetime, s")
    login_free_failures: int = Field(
        default=3,
        ge=0,
        description="failed logins of one user from one address before each next try waits",
    )
    login_max_delay_s: int = Field(
        default=60, gt=0, description="longest wait between tries after failed logins, seconds"
    )
    login_window_s: int = Field(
        default=900, gt=0, description="how long a failed login counts, seconds"
    )
    db_busy_timeout_ms: int = Field(default=10_000, gt=0, description="SQLite lock wait, ms")
    issue_max_batch: int = Field(
        default=256,
        ge=1,
        le=4096,
        description="most ticket requests committed in one transaction (group commit: the "
        "requests waiting while the last batch committed); 1 commits each on its own",
    )
    issue_burst_per_device: int = Field(
        default=20,
        ge=1,
        le=100_000,
        description="tickets one kiosk may take at once before its rate applies",
    )
    issue_rate_per_device_per_min: float = Field(
        default=60.0,
        gt=0,
        le=1_000_000,
        description="tickets per minute one kiosk may take after its burst (a tap takes "
        "seconds: a real kiosk never meets this; a runaway client gets 429 and Retry-After)",
    )
    booking_burst_per_address: int = Field(
        default=10,
        ge=1,
        le=100_000,
        description="appointment bookings, moves and cancels one client address may send at "
        "once before its rate applies (the booking pages are public)",
    )
    booking_rate_per_address_per_min: float = Field(
        default=10.0,
        gt=0,
        le=1_000_000,
        description="appointment requests per minute one client address may send after its "
        "burst (429 and Retry-After beyond)",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="addresses of reverse proxies whose X-Forwarded-For/-Proto are believed "
        "(e.g. ['127.0.0.1'] behind a local nginx); empty: the peer address is the client",
    )
    header_timeout_s: float = Field(
        default=10.0, gt=0, description="time a client has to send a request's headers, s"
    )
    body_timeout_s: float = Field(
        default=10.0, gt=0, description="time a client has to send a request's body, s"
    )
    max_connections: int = Field(
        default=2000,
        gt=0,
        description="open connections (HTTP and websocket) before new requests get 503",
    )
    auth_recheck_s: float = Field(
        default=5.0,
        gt=0,
        description="how often open websockets' tokens are checked again for changes made by "
        "another process (branchq admin), s; changes through this server close them at once",
    )
    docs: bool = Field(
        default=True,
        description="serve /docs (Swagger UI, assets shipped locally) and /openapi.json",
    )
    rollover_check_s: float = Field(
        default=30.0, gt=0, description="how often the daily rollover is checked, seconds"
    )
    alert_check_s: float = Field(
        default=15.0,
        gt=0,
        description="how often the wait alerts are checked besides after queue events, seconds",
    )

    @model_validator(mode="after")
    def _refuse_demo_setup_outside_dev(self) -> Settings:
        # tokens are random and stored hashed, so the server holds no secret of its own; what
        # must never reach a real branch is the demo branch (its services, counters, caps)
        if self.env != "dev" and self.branch_file.resolve() == DEMO_BRANCH_FILE.resolve():
            raise ValueError(
                f"branch_file is the demo branch ({DEMO_BRANCH_FILE.name}) with env={self.env!r}; "
                "set BRANCHQ_BRANCH_FILE to this branch's own file (copy the demo and edit it)"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        """database_url, or the default SQLite file under data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'branchq.sqlite3').resolve()}"

    @property
    def status_url_base(self) -> str:
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        return f"http://{self.host}:{self.port}"
