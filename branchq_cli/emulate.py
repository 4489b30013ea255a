"""`branchq emulate printer|panel`: wire-level device emulators (hardware_mocks/)."""

from __future__ import annotations

from typing import Any

from branchq_cli import emulate_panel, emulate_printer
from branchq_cli._delegate import register_group


def register(subparsers: Any) -> None:
    register_group(
        subparsers,
        "emulate",
        "run a device emulator that speaks the real wire protocol",
        {
            "printer": (
                emulate_printer,
                "an ESC/POS network printer (TCP, port 9100 by default)",
            ),
            "panel": (
                emulate_panel,
                "RS-485 call-number panels behind a TCP or pty serial link",
            ),
        },
    )
