"""`branchq serve` ends quietly on Ctrl-C: uvicorn shuts down gracefully, and the command exits
with status 0 and no traceback (uvicorn raises the signal again once it has shut down)."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx

from tests.server.hardening.proc import serve_process


def test_ctrl_c_shuts_the_server_down_cleanly_with_status_0(tmp_path: Path) -> None:
    with serve_process(tmp_path) as server:
        assert httpx.get(f"{server.url}/api/v1/branch", timeout=10).status_code == 200
        server.proc.send_signal(signal.SIGINT)
        rc = server.proc.wait(timeout=20)
        assert server.output_ended.wait(timeout=10)
    log = server.log()
    assert rc == 0, log
    assert "Finished server process" in log  # uvicorn's graceful shutdown ran to its end
    assert "Traceback" not in log and "KeyboardInterrupt" not in log, log
