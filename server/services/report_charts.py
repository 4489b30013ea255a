"""The report's charts, drawn on the server with matplotlib: SVG for the console (glyphs as
paths: no fonts, scripts or outside files needed, so they show under the console's CSP) and
PNG for the XLSX workbook.

- ``waits``: p50 and p90 wait per hour of arrival (minutes) against the services' targets;
- ``load``: tickets issued per hour (bars) against the counters serving in that hour (line);
- ``mix``: tickets issued per service, with the share of each.

Chinese text uses Noto Sans CJK SC (``fonts-noto-cjk``), falling back to DejaVu Sans.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import matplotlib

matplotlib.use("Agg")  # no display: render to files only

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from server.contract.reports import ReportFigures, ReportOut

ChartName = Literal["waits", "load", "mix"]
CHART_NAMES: tuple[ChartName, ...] = ("waits", "load", "mix")
ChartFormat = Literal["svg", "png"]
Lang = Literal["zh", "en"]

FONT_FAMILY = ["Noto Sans CJK SC", "Noto Serif CJK SC", "DejaVu Sans"]
SIZE_IN = (8.0, 4.0)
DPI = 100
P50_COLOR, P90_COLOR, TARGET_COLOR = "#2b6cb0", "#dd6b20", "#c53030"
ISSUED_COLOR, COUNTERS_COLOR = "#4a90c2", "#2f855a"
TARGET_STYLES = ("--", ":", "-.", (0, (5, 1)), (0, (1, 3)))

TITLES: dict[ChartName, tuple[str, str]] = {
    "waits": ("各时段等候时间（分钟）", "Waits by hour of arrival (minutes)"),
    "load": ("各时段取号量与服务窗口数", "Tickets issued per hour and counters serving"),
    "mix": ("业务构成（取号数）", "Service mix (tickets issued)"),
}

_WORDS = {
    "p50": ("中位数", "p50"),
    "p90": ("P90", "p90"),
    "target": ("目标", "target"),
    "issued": ("取号数", "issued"),
    "counters": ("服务窗口数", "counters serving"),
    "hour": ("时段", "hour"),
    "none": ("该时段无数据", "no data for this range"),
}


def _w(word: str, lang: Lang) -> str:
    zh, en = _WORDS[word]
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class ChartData:
    """What the charts draw: the report by hour and by service, the counters serving per
    hour and each service's target wait (seconds)."""

    by_hour: ReportOut
    by_service: ReportOut
    counters_by_hour: Mapping[str, int]
    targets_s: Mapping[str, int]


def title(name: ChartName, lang: Lang) -> str:
    zh, en = TITLES[name]
    return zh if lang == "zh" else en


def render(
    name: ChartName, data: ChartData, *, lang: Lang = "zh", fmt: ChartFormat = "svg"
) -> bytes:
    """One chart as SVG or PNG bytes."""
    fig = Figure(figsize=SIZE_IN, dpi=DPI, layout="constrained")
    with matplotlib.rc_context({"font.family": FONT_FAMILY, "svg.fonttype": "path"}):
        ax = fig.add_subplot()
        ax.set_title(title(name, lang))
        if name == "waits":
            _waits(ax, data, lang)
        elif name == "load":
            _load(ax, data, lang)
        else:
            _mix(ax, data, lang)
        out = io.BytesIO()
        fig.savefig(out, format=fmt, metadata=_metadata(fmt))
    return out.getvalue()


def _metadata(fmt: ChartFormat) -> dict[str, str | None]:
    # no creation date in an SVG: the same report draws the same bytes
    return {"Date": None} if fmt == "svg" else {}


def _empty(ax: Axes, lang: Lang) -> None:
    ax.text(0.5, 0.5, _w("none", lang), ha="center", va="center", transform=ax.transAxes)


def _hours(data: ChartData) -> list[str]:
    """Every hour from the first to the last reported (an hour without tickets is shown)."""
    keys = [int(row.key) for row in data.by_hour.rows if row.key.isdigit()]
    if not keys:
        return []
    return [f"{h:02d}" for h in range(min(keys), max(keys) + 1)]


def _hour_rows(data: ChartData) -> dict[str, ReportFigures]:
    return {row.key: row.figures for row in data.by_hour.rows}


def _waits(ax: Axes, data: ChartData, lang: Lang) -> None:
    hours = _hours(data)
    if not hours:
        _empty(ax, lang)
        return
    rows = _hour_rows(data)
    p50 = [_minutes(rows[h].wait.p50_s if h in rows else None) for h in hours]
    p90 = [_minutes(rows[h].wait.p90_s if h in rows else None) for h in hours]
    ax.plot(hours, p50, marker="o", color=P50_COLOR, label=_w("p50", lang))
    ax.plot(hours, p90, marker="s", color=P90_COLOR, label=_w("p90", lang))
    for (target_s, codes), style in zip(_targets(data).items(), TARGET_STYLES, strict=False):
        ax.axhline(
            target_s / 60,
            color=TARGET_COLOR,
            linestyle=style,
            label=f"{_w('target', lang)} {'/'.join(codes)}",
        )
    ax.set_xlabel(_w("hour", lang))
    ax.set_ylim(bottom=0)
    ax.legend(loc="best", framealpha=0.9)
    ax.grid(axis="y", alpha=0.3)


def _targets(data: ChartData) -> dict[int, list[str]]:
    """target seconds -> the codes of the reported services with that target."""
    out: dict[int, list[str]] = {}
    reported = {r.key for r in data.by_service.rows}
    for code, target in sorted(data.targets_s.items()):
        if code in reported:
            out.setdefault(target, []).append(code)
    return out


def _minutes(seconds: float | None) -> float:
    return float("nan") if seconds is None else seconds / 60


def _load(ax: Axes, data: ChartData, lang: Lang) -> None:
    hours = _hours(data)
    if not hours:
        _empty(ax, lang)
        return
    rows = _hour_rows(data)
    issued = [(rows[h].issued or 0) if h in rows else 0 for h in hours]
    ax.bar(hours, issued, color=ISSUED_COLOR, label=_w("issued", lang))
    ax.set_ylabel(_w("issued", lang))
    ax.set_xlabel(_w("hour", lang))
    right = ax.twinx()
    counters = [data.counters_by_hour.get(h, 0) for h in hours]
    right.plot(hours, counters, color=COUNTERS_COLOR, marker="o", label=_w("counters", lang))
    right.set_ylabel(_w("counters", lang))
    right.set_ylim(0, max([*counters, 1]) + 1)
    right.yaxis.set_major_locator(MaxNLocator(integer=True))
    handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper left")
    ax.grid(axis="y", alpha=0.3)


def _mix(ax: Axes, data: ChartData, lang: Lang) -> None:
    rows = [r for r in data.by_service.rows if (r.figures.issued or 0) > 0]
    if not rows:
        _empty(ax, lang)
        return
    total = sum(r.figures.issued or 0 for r in rows)
    labels = [f"{r.key} {r.name.zh if lang == 'zh' else r.name.en}" for r in rows]
    counts = [r.figures.issued or 0 for r in rows]
    bars = ax.barh(labels[::-1], counts[::-1], color=ISSUED_COLOR)
    ax.bar_label(bars, labels=[f"{n} ({n / total:.0%})" for n in counts[::-1]], padding=3)
    ax.set_xlim(0, max(counts) * 1.25)
    ax.set_xlabel(_w("issued", lang))


def render_all(data: ChartData, *, lang: Lang, fmt: ChartFormat) -> list[tuple[str, bytes]]:
    """Every chart: (title, bytes)."""
    return [(title(n, lang), render(n, data, lang=lang, fmt=fmt)) for n in CHART_NAMES]


__all__ = ["CHART_NAMES", "ChartData", "render", "render_all", "title"]
