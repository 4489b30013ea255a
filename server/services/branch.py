"""The branch as its screens introduce it: names, local clock, contacts, notices, the menu."""

from __future__ import annotations

from sqlalchemy import text

from server.contract.common import Bilingual, Category
from server.contract.rest import BranchInfo, Contact, Health, MenuItem
from server.domain.model import MenuEntry
from server.services.unit import Unit, reads
from server.store import appointment_repo, repo


@reads
def branch_info(uow: Unit) -> BranchInfo:
    """GET /branch: everything here comes from the branch file; a file without a menu gets
    one button per service (names as the services have them now)."""
    ctx = uow.ctx
    config = ctx.config
    menu = [_menu_item(entry) for entry in config.menu]
    session = uow.session
    bookable = any(r.enabled for r in appointment_repo.schedules(session).values())
    if not menu:
        menu = [
            MenuItem(
                label=Bilingual(zh=s.name_zh, en=s.name_en),
                service_code=s.code,
                category=Category.NORMAL,
            )
            for s in repo.list_services(session)
        ]
    return BranchInfo(
        name=Bilingual(zh=config.name_zh, en=config.name_en),
        timezone=config.timezone,
        business_day=ctx.business_day(ctx.now()).isoformat(),
        contacts=[
            Contact(label=Bilingual(zh=c.label_zh, en=c.label_en), phone=c.phone)
            for c in config.contacts
        ],
        notices=[Bilingual(zh=n.zh, en=n.en) for n in config.notices],
        menu=menu,
        appointments=bookable,
    )


@reads
def health(uow: Unit) -> Health:
    """Liveness and database check (``SELECT 1``)."""
    uow.session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    ctx = uow.ctx
    return Health(database=ctx.engine.dialect.name, business_day=str(ctx.business_day(ctx.now())))


def _menu_item(entry: MenuEntry) -> MenuItem:
    return MenuItem(
        label=Bilingual(zh=entry.label_zh, en=entry.label_en),
        service_code=entry.service_code,
        category=entry.category,
        children=[_menu_item(child) for child in entry.children],
    )
