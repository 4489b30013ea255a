"""Reports and the end-of-day reconciliation: read the day's tickets, let the domain count.

``report`` builds ``TicketRecord`` s from the ticket rows and their event log and hands them
to ``server.domain.report.build_report`` (the one place the figures are defined);
``reconcile`` counts the day's tickets by state and by print status with SQL aggregates and
lists the tickets that do not add up (``server.domain.reconcile``). Appointments kept and
missed come from ``server.services.appointments.appointment_facts``; satisfaction from the
customers' ratings of the range's tickets; complaints from those opened in the range
(resolved: resolved by now).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from server.contract.common import Bilingual
from server.contract.reports import (
    MAX_REPORT_DAYS,
    ReconcileCounts,
    ReconcileDifference,
    ReconcileOut,
    ReportFigures,
    ReportGrouping,
    ReportOut,
    ReportRowOut,
    SecondsStats,
)
from server.domain.model import BranchConfig
from server.domain.reconcile import differences
from server.domain.report import (
    GROUPINGS,
    AppointmentFact,
    ComplaintFact,
    Figures,
    RatingFact,
    Report,
    Stats,
    build_report,
    counters_by_hour,
)
from server.domain.states import TicketState
from server.domain.transitions import ACTIVE_STATES, Action
from server.domain.visits import STEP_ACTIONS, Step, TicketRecord
from server.services import report_charts, report_export
from server.services.appointments import appointment_facts
from server.services.context import BranchContext, live_config
from server.services.errors import BadRequest
from server.services.report_charts import ChartData, ChartFormat, ChartName
from server.services.report_export import Lang
from server.store import report_repo


def check_range(first_day: date, last_day: date) -> None:
    """A range the report covers: ``to`` not before ``from``, at most MAX_REPORT_DAYS days."""
    if last_day < first_day:
        raise BadRequest(
            "to",
            f"{last_day.isoformat()} is before from {first_day.isoformat()}",
            f"结束日期 {last_day.isoformat()} 早于开始日期 {first_day.isoformat()}",
        )
    if (last_day - first_day).days + 1 > MAX_REPORT_DAYS:
        raise BadRequest(
            "to",
            f"the range covers {(last_day - first_day).days + 1} days; at most "
            f"{MAX_REPORT_DAYS} days per report",
            f"日期范围超过 {MAX_REPORT_DAYS} 天",
        )


def load_records(session: Session, *, first_day: date, last_day: date) -> list[TicketRecord]:
    """The tickets of the business days as the domain's records (with their steps)."""
    days = {"first_day": first_day, "last_day": last_day}
    rows = report_repo.tickets_of_days(session, **days)
    events = report_repo.events_of_days(session, **days, actions=STEP_ACTIONS)
    transfers = report_repo.transfers_of_days(session, **days) if events else {}
    names = report_repo.user_names(session) if events else {}
    return [_record(row, events.get(row.id, []), transfers.get(row.id, []), names) for row in rows]


def _record(
    row: report_repo.TicketRow,
    events: list[report_repo.EventRow],
    transfers: list[dict[str, Any]],
    names: dict[int, str],
) -> TicketRecord:
    moves = iter(transfers)
    steps = []
    for e in events:
        to_service = None
        if e.action == TRANSFER:
            to_service = next(moves, {}).get("to_service")
        teller = names.get(e.teller_user_id) if e.teller_user_id is not None else None
        steps.append(Step(e.action, e.at, e.counter_number, teller, to_service))
    issued_service = (
        str(transfers[0].get("from_service") or row.service_code) if transfers else row.service_code
    )
    return TicketRecord(
        ticket_id=row.id,
        number=row.number,
        business_day=row.business_day,
        service_code=issued_service,
        category=row.category,
        issued_at=row.issued_at,
        state=row.state,
        steps=tuple(steps),
        print_status=row.print_status,
        appointment_at=row.appointment_at,
    )


TRANSFER = Action.TRANSFER.value


@dataclass(frozen=True)
class Loaded:
    """A range's records and the branch's definitions, read once for several reports."""

    first_day: date
    last_day: date
    records: list[TicketRecord]
    config: BranchConfig
    appointments: list[AppointmentFact]
    ratings: list[RatingFact]
    complaints: list[ComplaintFact]

    def build(self, by: ReportGrouping) -> Report:
        return build_report(
            self.records,
            by=by,
            services=self.config.services,
            counters=self.config.counters,
            timezone=self.config.timezone,
            first_day=self.first_day,
            last_day=self.last_day,
            appointments=self.appointments,
            ratings=self.ratings,
            complaints=self.complaints,
        )


def load(ctx: BranchContext, *, first_day: date, last_day: date) -> Loaded:
    check_range(first_day, last_day)
    with ctx.reading() as uow:
        session = uow.session
        records = load_records(session, first_day=first_day, last_day=last_day)
        config = live_config(session, ctx)
        scores = report_repo.scores_of_days(session, first_day=first_day, last_day=last_day)
        names = report_repo.user_names(session)
        complaints = [
            ComplaintFact(
                opened_at=c.opened_at,
                resolved=c.state == report_repo.RESOLVED,
                service_code=c.service_code,
                counter_number=c.counter_number,
                teller=names.get(c.teller_user_id) if c.teller_user_id is not None else None,
            )
            for c in report_repo.complaints_of_days(session, first_day=first_day, last_day=last_day)
        ]
    booked = appointment_facts(ctx, first_day=first_day, last_day=last_day)
    ratings = [RatingFact(ticket_id, score) for ticket_id, score in scores.items()]
    return Loaded(first_day, last_day, records, config, booked, ratings, complaints)


def report(ctx: BranchContext, *, first_day: date, last_day: date, by: ReportGrouping) -> ReportOut:
    """The report of business days ``first_day``..``last_day`` grouped ``by``."""
    return report_out(ctx, load(ctx, first_day=first_day, last_day=last_day).build(by))


def chart_data(ctx: BranchContext, loaded: Loaded) -> ChartData:
    return ChartData(
        by_hour=report_out(ctx, loaded.build("hour")),
        by_service=report_out(ctx, loaded.build("service")),
        counters_by_hour=counters_by_hour(loaded.records, timezone=loaded.config.timezone),
        targets_s={s.code: s.target_wait_s for s in loaded.config.services},
    )


def chart(
    ctx: BranchContext,
    *,
    first_day: date,
    last_day: date,
    name: ChartName,
    lang: Lang,
    fmt: ChartFormat,
) -> bytes:
    """One chart of the range (see ``server.services.report_charts``)."""
    loaded = load(ctx, first_day=first_day, last_day=last_day)
    return report_charts.render(name, chart_data(ctx, loaded), lang=lang, fmt=fmt)


def csv_export(
    ctx: BranchContext, *, first_day: date, last_day: date, by: ReportGrouping, lang: Lang
) -> bytes:
    return report_export.to_csv(report(ctx, first_day=first_day, last_day=last_day, by=by), lang)


def xlsx_export(ctx: BranchContext, *, first_day: date, last_day: date, lang: Lang) -> bytes:
    """The workbook: summary, a sheet per grouping, the charts as pictures."""
    loaded = load(ctx, first_day=first_day, last_day=last_day)
    reports = [report_out(ctx, loaded.build(by)) for by in GROUPINGS]
    charts = report_charts.render_all(chart_data(ctx, loaded), lang=lang, fmt="png")
    return report_export.to_xlsx(reports, lang, charts)


def report_out(ctx: BranchContext, done: Report) -> ReportOut:
    return ReportOut(
        first_day=done.first_day,
        last_day=done.last_day,
        by=done.by,
        timezone=done.timezone,
        generated_at=ctx.now(),
        rows=[
            ReportRowOut(
                key=r.key, name=Bilingual(zh=r.name_zh, en=r.name_en), figures=_wire(r.figures)
            )
            for r in done.rows
        ],
        total=_wire(done.total),
    )


def _stats(s: Stats) -> SecondsStats:
    return SecondsStats(count=s.count, mean_s=s.mean, p50_s=s.p50, p90_s=s.p90, max_s=s.max)


def _wire(f: Figures) -> ReportFigures:
    return ReportFigures(
        issued=f.issued,
        transferred_in=f.transferred_in,
        called=f.called,
        served=f.served,
        no_show=f.no_show,
        cancelled=f.cancelled,
        abandoned=f.abandoned,
        transferred=f.transferred,
        open=f.open,
        wait=_stats(f.wait),
        within_target=f.within_target,
        service=_stats(f.service),
        counters_serving=f.counters_serving,
        satisfaction_avg=f.satisfaction_avg,
        satisfaction_count=f.satisfaction_count,
        appointments_kept=f.appointments_kept,
        appointments_missed=f.appointments_missed,
        complaints_opened=f.complaints_opened,
        complaints_resolved=f.complaints_resolved,
    )


def yesterday(ctx: BranchContext) -> date:
    """The business day before today's (the last whole day)."""
    return ctx.business_day(ctx.now()) - timedelta(days=1)


def reconcile(ctx: BranchContext, *, day: date) -> ReconcileOut:
    """End-of-day reconciliation of one business day (see ``server.domain.reconcile``)."""
    with ctx.reading() as uow:
        session = uow.session
        states = report_repo.state_counts(session, business_day=day)
        prints = report_repo.print_counts(session, business_day=day)
        transfers = report_repo.action_count(
            session, business_day=day, action=Action.TRANSFER.value
        )
        numbered = report_repo.numbering_issued(session, business_day=day)
        records = load_records(session, first_day=day, last_day=day)
    counts = ReconcileCounts(
        issued=sum(states.values()),
        numbering_issued=numbered,
        served=states.get(TicketState.DONE, 0),
        no_show=states.get(TicketState.NO_SHOW, 0),
        cancelled=states.get(TicketState.CANCELLED, 0),
        abandoned=states.get(TicketState.ABANDONED, 0),
        open=sum(states.get(s, 0) for s in ACTIVE_STATES),
        transferred=transfers,
        printed=prints.get("printed", 0),
        print_failed=prints.get("failed", 0),
        print_pending=prints.get("pending", 0),
    )
    found = [
        ReconcileDifference(
            number=d.number,
            service_code=d.service_code,
            state=d.state.value,
            kind=d.kind,
            detail=Bilingual(zh=d.zh, en=d.en),
        )
        for d in differences(records)
    ]
    ended = counts.served + counts.no_show + counts.cancelled + counts.abandoned
    balanced = not found and counts.issued == ended == counts.numbering_issued
    return ReconcileOut(
        business_day=day,
        generated_at=ctx.now(),
        balanced=balanced,
        counts=counts,
        differences=found,
    )
