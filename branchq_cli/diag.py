"""`branchq diag printer|panel|devices`: technician diagnostics."""

from __future__ import annotations

from typing import Any

from branchq_cli import diag_devices, diag_panel, diag_printer
from branchq_cli._delegate import register_group


def register(subparsers: Any) -> None:
    register_group(
        subparsers,
        "diag",
        "check devices: status in words, what to do, exit code non-zero when bad",
        {
            "printer": (diag_printer, "check one ticket printer by URL"),
            "panel": (diag_panel, "check one call-number panel by URL and address"),
            "devices": (diag_devices, "check every device of a site config"),
        },
    )
