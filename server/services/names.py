"""Service and counter names, loaded once per use case (their home: every read model asks
here for the bilingual name of a code or a number)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from server.contract.common import Bilingual
from server.store import repo
from server.store.tables import Counter, Service


class Names:
    """Service and counter names, loaded once per use case (a handful of rows)."""

    def __init__(
        self,
        session: Session,
        *,
        services: Sequence[Service] | None = None,
        counters: Sequence[Counter] | None = None,
    ) -> None:
        if services is None:
            services = repo.list_services(session)
        if counters is None:
            counters = repo.list_counters(session)
        self.services: dict[str, Service] = {s.code: s for s in services}
        self.counters: dict[int, Counter] = {c.number: c for c in counters}

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
