"""Service and counter names, loaded once per use case (their home: every read model asks
here for the bilingual name of a code or a number)."""

from __future__ import annotations

from sqlmodel import Session

from server.contract.common import Bilingual
from server.domain.model import ServiceDef
from server.store import branch_rows
from server.store.branch_rows import CounterRow


class Names:
    """Services and counters as they stand, loaded once per use case (a handful of rows, two
    prepared statements): services in the branch's order, counters by number."""

    def __init__(self, session: Session) -> None:
        conn = session.connection()
        self.services: dict[str, ServiceDef] = {s.code: s for s in branch_rows.services(conn)}
        self.counters: dict[int, CounterRow] = {c.number: c for c in branch_rows.counters(conn)}

    def service(self, code: str) -> Bilingual:
        row = self.services.get(code)
        if row is None:  # removed from the branch file since the ticket was issued
            return Bilingual(zh=code, en=code)
        return Bilingual(zh=row.name_zh, en=row.name_en)

    def counter(self, number: int) -> Bilingual:
        row = self.counters.get(number)
        if row is None:
            return Bilingual(zh=f"{number}号窗口", en=f"Counter {number}")
        return Bilingual(zh=row.name_zh, en=row.name_en)
