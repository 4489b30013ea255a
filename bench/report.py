"""bench_server.py's table (one row per measurement, printed as text and written as markdown),
and ``write_section``: the one way every benchmark script writes its part of bench/RESULTS.md."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from loadclient import PhaseResult, percentile

__all__ = ["RESULTS", "Row", "markdown", "split_sections", "table", "write_section"]

ISSUE_MIN_RATE = 1000.0  # tickets/s
ISSUE_MIN_RATIO = 0.5  # of the no-op rate, same clients
EVENT_MAX_P99_S = 0.025  # call-next -> event at each subscriber


@dataclass(frozen=True)
class Row:
    name: str
    clients: str
    count: int
    rate: float | None  # per second (None: a latency-only row)
    p50_s: float
    p99_s: float
    rate_ratio: float | None  # rate / no-op rate
    p50_ratio: float | None  # p50 / no-op p50
    p99_ratio: float | None
    target: str

    @classmethod
    def http(
        cls, name: str, res: PhaseResult, base: PhaseResult | None, *, target: bool = False
    ) -> Row:
        verdict = ""
        if base is not None and target:
            ok = res.rate >= ISSUE_MIN_RATE and res.rate >= ISSUE_MIN_RATIO * base.rate
            verdict = f"{'met' if ok else 'MISSED'} (>= {ISSUE_MIN_RATE:.0f}/s, >= 0.5x)"
        return cls(
            name,
            str(res.clients),
            res.requests,
            res.rate,
            res.p(50),
            res.p(99),
            res.rate / base.rate if base else None,
            res.p(50) / base.p(50) if base else None,
            res.p(99) / base.p(99) if base else None,
            verdict,
        )

    @classmethod
    def latency(
        cls,
        name: str,
        samples: Sequence[float],
        base: PhaseResult,
        *,
        count: int | None = None,
        target: bool = False,
    ) -> Row:
        p50, p99 = percentile(samples, 50), percentile(samples, 99)
        verdict = ""
        if target:
            met = "met" if p99 < EVENT_MAX_P99_S else "MISSED"
            verdict = f"{met} (p99 < {EVENT_MAX_P99_S * 1000:.0f} ms)"
        return cls(
            name,
            "1",
            len(samples) if count is None else count,
            None,
            p50,
            p99,
            None,
            p50 / base.p(50),
            p99 / base.p(99),
            verdict,
        )


_HEAD = (
    "measurement",
    "clients",
    "n",
    "per s",
    "p50 ms",
    "p99 ms",
    "x no-op rate",
    "x no-op p50",
    "x no-op p99",
    "target",
)


def _cells(row: Row) -> tuple[str, ...]:
    def ratio(x: float | None) -> str:
        return "" if x is None else f"{x:.2f}"

    return (
        row.name,
        row.clients,
        str(row.count),
        "" if row.rate is None else f"{row.rate:.0f}",
        f"{row.p50_s * 1000:.2f}",
        f"{row.p99_s * 1000:.2f}",
        ratio(row.rate_ratio),
        ratio(row.p50_ratio),
        ratio(row.p99_ratio),
        row.target,
    )


def table(rows: Sequence[Row]) -> str:
    """A plain-text table for the terminal."""
    cells = [_HEAD, *(_cells(r) for r in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(_HEAD))]
    lines = []
    for n, line in enumerate(cells):
        lines.append("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(rows: Sequence[Row], info: dict[str, str]) -> str:
    """bench_server.py's section of bench/RESULTS.md (without its heading): the machine, the
    table, how it was measured."""
    out = [f"- {key}: {value}" for key, value in info.items()]
    out += ["", "| " + " | ".join(_HEAD) + " |", "|" + "---|" * len(_HEAD)]
    out += ["| " + " | ".join(_cells(r)) + " |" for r in rows]
    out += ["", _HOW]
    return "\n".join(out)


# ---- bench/RESULTS.md: one section per script ------------------------------------------------

RESULTS = Path(__file__).with_name("RESULTS.md")
TITLE = "# Benchmark results"
_INTRO = (
    "Each `## ` section is written by one benchmark script with `write_section`\n"
    "(bench/report.py), which replaces that section alone and keeps the others as they are."
)


def write_section(path: Path, heading: str, body: str) -> None:
    """Write ``## {heading}`` followed by ``body`` into ``path`` (bench/RESULTS.md: ``RESULTS``).

    The section with that heading (from its ``## `` line to the next ``## `` line outside a
    code block) is replaced where it stands; a new heading is appended at the end. Every other
    section is kept byte for byte, so scripts never rewrite each other's figures. ``body``
    uses ``###`` and deeper for its own subheadings, never ``##``."""
    heading = heading.strip()
    if not heading or "\n" in heading:
        raise ValueError(f"heading must be one non-empty line, got {heading!r}")
    if any(line.startswith("## ") for line in _outside_code(body.splitlines())):
        raise ValueError(f"section {heading!r}: its body has a '## ' heading; use '###'")
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    intro, sections = split_sections(text)
    block = f"## {heading}\n\n{body.strip()}\n"
    key = f"## {heading}"
    if any(s.splitlines()[0].rstrip() == key for s in sections):
        sections = [block if s.splitlines()[0].rstrip() == key else s for s in sections]
    else:
        sections.append(block)
    intro = intro.strip() or f"{TITLE}\n\n{_INTRO}"
    path.write_text(
        "\n".join([intro + "\n", *(s.rstrip("\n") + "\n" for s in sections)]),
        encoding="utf-8",
    )


def split_sections(text: str) -> tuple[str, list[str]]:
    """``text`` as (what comes before the first ``## `` heading, each ``## `` section)."""
    intro: list[str] = []
    sections: list[list[str]] = []
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if line.startswith("## ") and not fenced:
            sections.append([line])
        elif sections:
            sections[-1].append(line)
        else:
            intro.append(line)
    return "\n".join(intro), ["\n".join(s).rstrip("\n") + "\n" for s in sections]


def _outside_code(lines: Sequence[str]) -> list[str]:
    out, fenced = [], False
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            out.append(line)
    return out


_HOW = """### How it was measured

`.venv/bin/python bench/bench_server.py` (add `--quick` for a short run). The script makes a
temporary data directory, creates a teller (`branchq admin create-user`) and a kiosk and a
display token (`branchq admin create-device`), and starts `branchq serve` on SQLite (WAL,
`synchronous=FULL`) as a separate process on a free 127.0.0.1 port, log level warning (no
access log). The load client runs in its own process (asyncio with uvloop): raw HTTP/1.1 over
persistent keep-alive connections, one connection per client, each sending its next request
as soon as the previous answer is read; every answer's status and body are checked.

- **no-op**: `GET /docs`, a static page from an async route (no database, no worker
  thread): the ceiling of the client + uvicorn + FastAPI stack. The other rows are divided by
  it (rates by the no-op rate with the same number of clients, latencies by the 1-client
  no-op latency). `GET /api/v1/healthz` is shown too: it is not a no-op (a worker-thread hop
  per sync dependency and endpoint, a session, `SELECT 1`).
- **issue**: `POST /api/v1/tickets` with the kiosk token, services A/B/F in turn, a unique
  idempotency key each; every answer must be a new WAITING ticket. The server runs the demo
  branch with numbers up to 9999 (thousands of tickets stay waiting, and a number still open
  is never given twice) and the per-device rate limit lifted (one token plays every kiosk).
- **issue, no group commit**: the same two phases on a second, fresh server started with
  `BRANCHQ_ISSUE_MAX_BATCH=1` (every ticket its own transaction and fsync), divided by the
  first server's no-op: whether group commit still earns its keep.
- **disk floor**: after the server stopped, 1-row SQLite transactions on the same disk with the
  server's settings (WAL, `synchronous=FULL`, `BEGIN IMMEDIATE`): the least one durably
  committed ticket can cost, whatever the Python above it does.
- **call-next -> event**: the subscribers (websocket, display token, no compression) each
  receive their snapshot first; then the teller, signed in to counter 1, sends call-next and
  waits until every subscriber has the `ticket.called` event of the called ticket, then marks
  it no-show and issues one new ticket, so the queue stays at its seeded length (100 waiting
  A tickets unless `--queue` says otherwise; call-next's cost grows with the queue).
  Latency = arrival of the event frame at a subscriber minus the moment call-next was sent
  (one clock, one process). Fan-out = the last subscriber's arrival minus the first one's.
  Runs before the issuance phases, which leave thousands of tickets waiting.
- Percentiles are nearest-rank over all samples of a phase. Client and server share the
  machine's CPUs with whatever else runs on it (see the load average above): on a busy
  machine absolute figures move between runs (the disk floor most of all), so compare the
  rows of one run with each other - that is what the ratios are for."""
