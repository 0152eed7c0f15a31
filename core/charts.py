"""Charts drawn on the server as SVG: pure functions from plain data to a `Chart`.

A `Chart` holds the geometry (in the units of its viewBox) and the same figures as a
table, so every chart has a text alternative; `core/chart.html` draws both. No
JavaScript and no style attributes: colours come from CSS classes in
static/css/charts.css, and each series also has its own pattern and a text label, so
colour is never the only cue. Empty data gives a chart with `empty=True`, which the
template shows as "No data yet." instead of an empty drawing.

The kinds: horizontal bars (`bar_chart`, negative values drawn left of a zero line),
grouped bars (`grouped_bar_chart`: budget, committed, paid), a score spread
(`spread_chart`: min, quartiles, median, max and each score as a dot), a progress bar
(`progress_chart`) and a funnel (`funnel_chart`).
"""

import hashlib
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from core.money import format_money

WIDTH = 400  # viewBox width; the SVG scales to its container
ROW = 40  # height of one row: its label on top, its bar below
BAR = 16
LABEL_GAP = 15  # from the top of a row to the baseline of its label
PAD = 4
VALUE_ROOM = 130  # room kept right of the longest bar for its value
SERIES = 3  # series classes chart-s1 … chart-s3, each with a colour and a pattern


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # 1-based; picks the colour and the pattern (0: the empty track of a progress bar)
    text: str  # the value as written next to the bar
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    css: str = "chart-axis"


@dataclass(frozen=True)
class Dot:
    cx: float
    cy: float


@dataclass(frozen=True)
class Chart:
    kind: str
    key: str  # unique enough on a page: prefixes the ids of <title>, <desc> and patterns
    title: str
    description: str
    height: float
    width: float = WIDTH
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    legend: list[tuple[int, str]] = field(default_factory=list)  # (series, name)
    table_head: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)
    empty: bool = False

    @property
    def empty_text(self) -> str:
        return _("No data yet.")

    @property
    def series_numbers(self) -> range:
        return range(1, SERIES + 1)


# --- Formatting --------------------------------------------------------------------------------


def number(value) -> str:
    """A count or a score with thousands separators: 12,345 or 12.5."""
    if value is None:
        return "—"
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def money(currency: str = "CNY") -> Callable[[object], str]:
    """A formatter writing amounts the way the rest of the site does: ¥12,345.00."""
    return lambda value: format_money(value or 0, currency)


def percent(part, whole) -> str:
    if not whole:
        return "—"
    return f"{100 * float(part) / float(whole):.0f}%"


def _key(kind: str, title: str) -> str:
    return "chart-" + hashlib.sha1(f"{kind}:{title}".encode(), usedforsecurity=False).hexdigest()[:8]


def _height(rows: int, extra: float = 0) -> float:
    return rows * ROW + PAD * 2 + extra


def _r(value: float) -> float:
    return round(value, 2)


# --- Horizontal bars ------------------------------------------------------------------------------


def bar_chart(
    *,
    title: str,
    description: str,
    items: Sequence[tuple[str, float]],
    value_label: str = "",
    fmt: Callable[[object], str] = number,
) -> Chart:
    """One bar per item, longest for the largest value; negatives go left of the zero line."""
    items = [(label, float(value or 0)) for label, value in items]
    head = [_("Item"), value_label or _("Value")]
    rows = [[label, fmt(value)] for label, value in items]
    if not items:
        return Chart("bar", _key("bar", title), title, description, height=0, empty=True, table_head=head)
    low = min(0.0, *(v for _l, v in items))
    high = max(0.0, *(v for _l, v in items))
    span = (high - low) or 1.0
    plot = WIDTH - VALUE_ROOM - PAD
    zero = PAD + plot * (-low / span)
    chart = Chart("bar", _key("bar", title), title, description, height=_height(len(items)))
    for i, (label, value) in enumerate(items):
        top = PAD + i * ROW
        length = plot * abs(value) / span
        x = zero if value >= 0 else zero - length
        bar_y = top + LABEL_GAP + 5
        chart.labels.append(Label(PAD, top + LABEL_GAP - 2, label))
        text_x = max(zero, x + length) + 4
        chart.bars.append(Bar(_r(x), _r(bar_y), _r(length), BAR, 1, fmt(value), _r(text_x), _r(bar_y + BAR - 4)))
    chart.lines.append(Line(_r(zero), PAD, _r(zero), chart.height - PAD))
    chart.table_head.extend(head)
    chart.table_rows.extend(rows)
    return chart


def grouped_bar_chart(
    *,
    title: str,
    description: str,
    series: Sequence[str],
    groups: Sequence[tuple[str, Sequence[float]]],
    fmt: Callable[[object], str] = number,
) -> Chart:
    """For each group (a call, a funder) one bar per series (budget, committed, paid),
    all on the same scale. Negative values count as zero in the drawing, not in the table."""
    series = list(series)[:SERIES]
    head = [_("Item"), *series]
    rows = [[label, *(fmt(v) for v in values[: len(series)])] for label, values in groups]
    legend = [(i + 1, name) for i, name in enumerate(series)]
    if not groups:
        return Chart("grouped", _key("grouped", title), title, description, 0, empty=True, table_head=head)
    high = max([0.0, *(float(v or 0) for _l, values in groups for v in values[: len(series)])]) or 1.0
    plot = WIDTH - VALUE_ROOM - PAD
    group_height = LABEL_GAP + 5 + len(series) * (BAR + 2) + 8
    chart = Chart(
        "grouped",
        _key("grouped", title),
        title,
        description,
        height=_r(len(groups) * group_height + PAD * 2),
        legend=legend,
        table_head=head,
        table_rows=rows,
    )
    for g, (label, values) in enumerate(groups):
        top = PAD + g * group_height
        chart.labels.append(Label(PAD, top + LABEL_GAP - 2, label))
        for s, value in enumerate(values[: len(series)]):
            length = plot * max(0.0, float(value or 0)) / high
            y = top + LABEL_GAP + 5 + s * (BAR + 2)
            text = f"{series[s]} {fmt(value)}"
            chart.bars.append(Bar(PAD, _r(y), _r(length), BAR, s + 1, text, _r(PAD + length + 4), _r(y + BAR - 4)))
    chart.lines.append(Line(PAD, PAD, PAD, chart.height - PAD))
    return chart


# --- Progress and funnel ----------------------------------------------------------------------


def progress_chart(*, title: str, description: str, done: float, total: float, done_label: str) -> Chart:
    """One bar: the part done of the total, with "12 of 30 (40%)" written beside it."""
    head = [done_label, _("Total"), _("Share")]
    done, total = max(0.0, float(done or 0)), max(0.0, float(total or 0))
    if not total:
        return Chart("progress", _key("progress", title), title, description, 0, empty=True, table_head=head)
    share = min(1.0, done / total)
    text = _("%(done)s of %(total)s (%(share)s)") % {
        "done": number(done),
        "total": number(total),
        "share": percent(done, total),
    }
    plot = WIDTH - PAD * 2
    chart = Chart(
        "progress",
        _key("progress", title),
        title,
        description,
        height=BAR + LABEL_GAP + 5 + PAD * 2,
        table_head=head,
        table_rows=[[number(done), number(total), percent(done, total)]],
    )
    chart.labels.append(Label(PAD, PAD + LABEL_GAP - 2, text))
    y = PAD + LABEL_GAP + 5
    chart.bars.append(Bar(PAD, y, _r(plot), BAR, 0, "", PAD, y))  # the track (series 0)
    chart.bars.append(Bar(PAD, y, _r(plot * share), BAR, 1, "", PAD, y))
    return chart


def funnel_chart(*, title: str, description: str, stages: Sequence[tuple[str, float]]) -> Chart:
    """One centred bar per stage, as wide as its count; each says its share of the first stage."""
    stages = [(label, max(0.0, float(count or 0))) for label, count in stages]
    first = stages[0][1] if stages else 0
    head = [_("Stage"), _("Number"), _("Share of the first stage")]
    rows = [[label, number(count), percent(count, first)] for label, count in stages]
    if not stages or not any(count for _l, count in stages):
        return Chart("funnel", _key("funnel", title), title, description, 0, empty=True, table_head=head)
    high = max(count for _l, count in stages)
    plot = WIDTH - PAD * 2
    chart = Chart(
        "funnel",
        _key("funnel", title),
        title,
        description,
        height=_height(len(stages)),
        table_head=head,
        table_rows=rows,
    )
    for i, (label, count) in enumerate(stages):
        top = PAD + i * ROW
        length = max(plot * count / high, 2.0 if count else 0.0)
        x = PAD + (plot - length) / 2
        y = top + LABEL_GAP + 5
        chart.labels.append(
            Label(WIDTH / 2, top + LABEL_GAP - 2, f"{label}: {number(count)} ({percent(count, first)})", "middle")
        )
        chart.bars.append(Bar(_r(x), _r(y), _r(length), BAR, 1, "", _r(x), _r(y)))
    return chart


# --- Score spread ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    minimum: float
    q1: float
    median: float
    q3: float
    maximum: float


def spread_of(scores: Sequence[float]) -> Spread | None:
    values = sorted(float(s) for s in scores)
    if not values:
        return None
    if len(values) == 1:
        v = values[0]
        return Spread(v, v, v, v, v)
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return Spread(values[0], q1, median, q3, values[-1])


def spread_chart(
    *,
    title: str,
    description: str,
    rows: Sequence[tuple[str, Sequence[float]]],
    low: float = 0.0,
    high: float = 100.0,
) -> Chart:
    """A box plot per row on a fixed scale (0–100 by default): whiskers from the lowest to
    the highest score, a box from the first to the third quartile, a line at the median
    and each score as a dot. Scores outside the scale are drawn at its edge."""
    head = [_("Item"), _("Scores"), _("Lowest"), _("Median"), _("Highest")]
    rows = [(label, [float(s) for s in scores]) for label, scores in rows if scores]
    if not rows:
        return Chart("spread", _key("spread", title), title, description, 0, empty=True, table_head=head)
    span = (high - low) or 1.0
    left, plot = PAD + 4, WIDTH - PAD * 2 - 8

    def x_of(value: float) -> float:
        return _r(left + plot * (min(max(value, low), high) - low) / span)

    chart = Chart(
        "spread",
        _key("spread", title),
        title,
        description,
        height=_height(len(rows), extra=16),
        table_head=head,
    )
    for i, (label, scores) in enumerate(rows):
        s = spread_of(scores)
        top = PAD + i * ROW
        mid = top + LABEL_GAP + 5 + BAR / 2
        chart.labels.append(Label(PAD, top + LABEL_GAP - 2, f"{label}: {_('median')} {number(round(s.median, 1))}"))
        chart.lines.append(Line(x_of(s.minimum), mid, x_of(s.maximum), mid, "chart-whisker"))
        chart.bars.append(Bar(x_of(s.q1), top + LABEL_GAP + 5, _r(x_of(s.q3) - x_of(s.q1)), BAR, 2, "", 0, 0))
        chart.lines.append(
            Line(x_of(s.median), top + LABEL_GAP + 3, x_of(s.median), top + LABEL_GAP + 7 + BAR, "chart-median")
        )
        chart.dots.extend(Dot(x_of(score), _r(mid)) for score in scores)
        chart.table_rows.append(
            [
                label,
                ", ".join(number(round(score, 1)) for score in sorted(scores)),
                number(round(s.minimum, 1)),
                number(round(s.median, 1)),
                number(round(s.maximum, 1)),
            ]
        )
    axis_y = chart.height - 14
    chart.lines.append(Line(left, axis_y, left + plot, axis_y))
    # The end ticks are anchored inwards so that neither is cut by the edge of the drawing.
    for tick, anchor in ((low, "start"), ((low + high) / 2, "middle"), (high, "end")):
        chart.labels.append(Label(x_of(tick), axis_y + 12, number(tick), anchor))
    return chart


# --- Indicators against their targets --------------------------------------------------------------


def kpi_chart(
    *,
    title: str,
    description: str,
    rows: Sequence[tuple[str, object, object, str]],
) -> Chart:
    """One bar per indicator (indicator, achieved, target, unit): the track is the target,
    the fill what was achieved (full when the target is met or passed). Units differ
    between indicators, so each is on its own scale and its label says
    "120 of 200 people (60%)"; an indicator with nothing reported says so."""
    head = [_("Indicator"), _("Target"), _("Achieved"), _("Share of the target")]
    if not rows:
        return Chart("kpi", _key("kpi", title), title, description, 0, empty=True, table_head=head)
    plot = WIDTH - PAD * 2
    chart = Chart("kpi", _key("kpi", title), title, description, height=_height(len(rows)), table_head=head)
    for i, (indicator, achieved, target, unit) in enumerate(rows):
        top = PAD + i * ROW
        target_value = max(0.0, float(target or 0))
        target_text = f"{number(target)} {unit}".strip()
        if achieved is None:
            text = _("%(indicator)s: target %(target)s, nothing reported yet") % {
                "indicator": indicator,
                "target": target_text,
            }
            share_text, share = "—", 0.0
        else:
            share = min(1.0, max(0.0, float(achieved)) / target_value) if target_value else 0.0
            share_text = percent(achieved, target_value)
            text = _("%(indicator)s: %(achieved)s of %(target)s (%(share)s)") % {
                "indicator": indicator,
                "achieved": number(achieved),
                "target": target_text,
                "share": share_text,
            }
        chart.labels.append(Label(PAD, top + LABEL_GAP - 2, text))
        y = top + LABEL_GAP + 5
        chart.bars.append(Bar(PAD, y, _r(plot), BAR, 0, "", PAD, y))
        chart.bars.append(Bar(PAD, y, _r(plot * share), BAR, 1, "", PAD, y))
        chart.table_rows.append(
            [indicator, target_text, "—" if achieved is None else f"{number(achieved)} {unit}".strip(), share_text]
        )
    return chart
