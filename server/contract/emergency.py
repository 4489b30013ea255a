"""Emergency mode and service pause (应急 / 暂停服务): the admin's switch and its state.

While the branch is in emergency or paused, no ticket is issued (``POST /tickets`` answers
409 ``branch_emergency`` or ``branch_paused`` with the notice), tickets already waiting stay,
and the notice covers the kiosks and lobby displays and shows on counter terminals and phone
pages (``Snapshot.emergency``, ``EmergencyChanged``). ``drill`` marks a practice run.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import field_validator

from server.contract.common import Bilingual, WireInput, WireModel

NOTICE_MAX_CHARS = 200  # per language: it must fit a kiosk screen in large type


class EmergencyKind(StrEnum):
    EMERGENCY = "emergency"  # 应急: something is wrong (fire alarm, system outage, ...)
    PAUSE = "pause"  # 暂停服务: issuing paused for a while (staff meeting, cash delivery, ...)


class EmergencyOn(WireInput):
    """Switch the branch into emergency (or pause), or change the notice while it is on."""

    notice: Bilingual
    kind: EmergencyKind = EmergencyKind.EMERGENCY
    drill: bool = False  # a practice run: recorded so reports can tell it apart

    @field_validator("notice")
    @classmethod
    def _notice_text(cls, notice: Bilingual) -> Bilingual:
        for lang in ("zh", "en"):
            text = getattr(notice, lang).strip()
            if not text:
                raise ValueError(f"notice.{lang} is empty; the notice is needed in both languages")
            if len(text) > NOTICE_MAX_CHARS:
                raise ValueError(
                    f"notice.{lang} has {len(text)} characters; at most {NOTICE_MAX_CHARS}"
                )
        return Bilingual(zh=notice.zh.strip(), en=notice.en.strip())


class EmergencyStatus(WireModel):
    """The branch's emergency state now (``active`` False: issuing normally)."""

    active: bool
    kind: EmergencyKind | None = None
    notice: Bilingual | None = None
    drill: bool = False
    since: datetime | None = None
    by: str | None = None  # who switched it on


class EmergencySwitchOut(WireModel):
    """One entry of the switch log, newest first in ``GET /admin/emergency/log``."""

    at: datetime
    action: Literal["on", "off"]
    kind: EmergencyKind
    drill: bool
    notice: Bilingual | None = None
    by: str
