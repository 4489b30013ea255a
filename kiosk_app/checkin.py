"""Appointment check-in at the kiosk ("我有预约 / I have an appointment"), without a widget.

The booking code arrives from the on-screen keypad or from a barcode scanner that types like a
keyboard and ends with Enter (a scan of the booking's QR code; typed on the home screen it
opens the check-in screen by itself). ``submit`` sends it to the server, which decides by the
branch's policy; a ticket is shown and printed like any other, with the appointment's line.
A refusal (unknown, cancelled, used, another day, too early) stays on this screen in both
languages with the code as typed, so nothing is lost and the customer can correct it. A
check-in that got no answer keeps its idempotency key: trying again never makes two tickets.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from branchq_client.errors import ApiError, ServerUnreachable
from branchq_client.qt import ClientBridge
from branchq_client.rest import BranchApi
from kiosk_app import texts
from kiosk_app.screens import Screen
from server.contract.appointments import CheckinOut, CheckinRequest
from server.contract.common import Bilingual

if TYPE_CHECKING:
    from kiosk_app.kiosk_model import KioskModel

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # the server's booking codes: no 0/O/1/I
CODE_LENGTH = 8
SCAN_MAX = 64  # a scanner's line longer than this is not a booking code


def clean(text: str) -> str:
    """What was typed or scanned, as a code: upper case, only the code's characters; a URL or
    a prefix in front of the code is cut to its last 8 characters."""
    kept = "".join(c for c in text.upper() if c in CODE_ALPHABET)
    return kept[-CODE_LENGTH:]


def shown(code: str) -> str:
    """``K7PX3M9Q`` -> ``K7PX-3M9Q``; a partial code with blanks for what is missing."""
    padded = code.ljust(CODE_LENGTH, "_")
    return f"{padded[:4]}-{padded[4:]}"


class Checkin:
    """The check-in screen's state; ``model`` shows screens and the resulting ticket."""

    def __init__(self, model: KioskModel, bridge: ClientBridge, api: BranchApi) -> None:
        self._model, self._bridge, self._api = model, bridge, api
        self.code = ""
        self.message: Bilingual | None = None
        self.busy = False
        self._scan = ""  # characters from the keyboard (a scanner) not yet ended by Enter
        self._key: str | None = None  # idempotency key of a check-in without an answer
        self._key_code = ""

    # --- what the customer does -------------------------------------------------------------
    def open(self) -> None:
        m = self._model
        m.touched()
        if m.emergency is not None or m.screen not in (Screen.HOME, Screen.GROUP):
            return
        self.code, self.message, self._scan = "", None, ""
        m.show_screen(Screen.CHECKIN)

    def press(self, key: str) -> None:
        """A key of the on-screen keypad: a character, ``DEL`` or ``CLEAR``."""
        self._model.touched()
        if self.busy:
            return
        if key == "DEL":
            self.code = self.code[:-1]
        elif key == "CLEAR":
            self.code = ""
        elif key in CODE_ALPHABET and len(self.code) < CODE_LENGTH:
            self.code += key
        self.message = None
        self._model.changed.emit()

    def typed(self, text: str) -> None:
        """Keyboard input (a scanner types its code, then Enter)."""
        m = self._model
        if m.screen in (Screen.HOME, Screen.GROUP) and clean(text):
            self.open()
        if m.screen is not Screen.CHECKIN or self.busy:
            return
        m.touched()
        self._scan = (self._scan + text)[-SCAN_MAX:]

    def enter(self) -> None:
        """Enter from the keyboard: a scanned code ends here; else the typed code is sent."""
        if self._model.screen is not Screen.CHECKIN or self.busy:
            return
        if self._scan:
            self.code, self._scan = clean(self._scan), ""
        self.submit()

    def submit(self) -> None:
        m = self._model
        m.touched()
        if self.busy or m.screen is not Screen.CHECKIN:
            return
        if len(self.code) != CODE_LENGTH:
            self.message = texts.CHECKIN_SHORT
            m.changed.emit()
            return
        if self._key is None or self._key_code != self.code:
            self._key, self._key_code = uuid.uuid4().hex, self.code
        self.busy, self.message = True, None
        request = CheckinRequest(code=self.code, language=m.language, idempotency_key=self._key)
        self._bridge.call(
            lambda: self._api.check_in(request), on_result=self._done, on_error=self._refused
        )
        m.changed.emit()

    # --- answers ----------------------------------------------------------------------------
    def _done(self, out: CheckinOut) -> None:
        self.busy, self._key, self.code = False, None, ""
        kept = out.kind == "APPOINTMENT"
        self._model.show_ticket(
            out.ticket,
            note=out.note,
            printed_note=texts.appointment_line(out.slot_label, kept),
        )

    def _refused(self, error: BaseException) -> None:
        self.busy = False
        if isinstance(error, ServerUnreachable):
            self.message = texts.CHECKIN_OFFLINE  # the key is kept: a retry is the same
        elif isinstance(error, ApiError):
            self._key = None  # the server answered; trying again is a new check-in
            not_found = error.status == 404
            self.message = texts.CHECKIN_NOT_FOUND if not_found else error.text
        else:
            self._key = None
            self.message = texts.NO_TICKET
        self._model.changed.emit()

    def reset(self) -> None:
        """The customer has gone (idle, home): forget the code."""
        self.code, self.message, self._scan, self._key = "", None, "", None


OnTicket = Callable[..., None]
