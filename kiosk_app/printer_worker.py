"""The kiosk's printer, driven off the GUI thread.

Every call to the printer (DLE EOT status, a ticket) runs on one worker thread, in order; the
answer comes back as a Qt signal, delivered on the GUI thread. The screen therefore never waits
on a slow, hung or unplugged printer. Status polls do not pile up: while one is queued or
running, another request is dropped.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from PyQt6.QtCore import QObject, pyqtSignal

from drivers.printer import PrintResult, TicketLayout, TicketPrinter


class PrinterWorker(QObject):
    """Signals: ``status_read(PrinterStatus)``, ``print_done(int job, PrintResult)``."""

    status_read = pyqtSignal(object)
    print_done = pyqtSignal(int, object)

    def __init__(self, printer: TicketPrinter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._printer = printer
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-printer")
        self._poll_pending = threading.Event()
        self._jobs = 0
        self._closed = False

    def poll_status(self) -> bool:
        """Read the printer's status (DLE EOT) soon; False when a poll is already queued."""
        if self._closed or self._poll_pending.is_set():
            return False
        self._poll_pending.set()
        self._pool.submit(self._poll)
        return True

    def print_ticket(self, layout: TicketLayout) -> int:
        """Queue one ticket; returns the job number that ``print_done`` will carry."""
        self._jobs += 1
        job = self._jobs
        if not self._closed:
            self._pool.submit(self._print, job, layout)
        return job

    def close(self) -> None:
        """Stop taking work, let the running call end, and close the printer."""
        if self._closed:
            return
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._printer.close()

    def _poll(self) -> None:
        try:
            status = self._printer.status()
        finally:
            self._poll_pending.clear()
        if not self._closed:
            self.status_read.emit(status)

    def _print(self, job: int, layout: TicketLayout) -> None:
        result: PrintResult = self._printer.print_ticket(layout)  # never raises
        if not self._closed:
            self.print_done.emit(job, result)
            after = result.status_after or result.status_before
            self.status_read.emit(after)
