"""Geometry for the dashboard's SVG charts: plain numbers in, coordinates out; templates draw them.

Charts other than the heatmap are laid out 360 units wide so that at phone width one unit is about
one CSS pixel and 12-unit text stays readable; the heatmap scrolls sideways instead of shrinking.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

WIDTH = 360


class HeatCell(NamedTuple):  # a tuple: 365 per heatmap, made three times faster than a frozen dataclass
    x: int
    y: int
    level: int
    day: date
    count: int


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Heatmap:
    width: int
    height: int
    cell: int
    cells: list[HeatCell]
    month_labels: list[Label]
    weekday_labels: list[Label]
    total: int
    active_days: int

    @property
    def cells_svg(self) -> SafeString:
        """The cells as SVG rects, drawn here rather than in the template: 365 cells of seven variables
        each (every one localised) were three quarters of the dashboard's render. Integers and ISO dates
        only, so nothing needs escaping; the markup is what the template loop produced."""
        size = self.cell
        return mark_safe("".join(
            f'<rect class="heat-{c.level}" x="{c.x}" y="{c.y}" width="{size}" height="{size}" rx="2">'
            f"<title>{c.day.isoformat()}: {c.count}</title></rect>"
            for c in self.cells
        ))


def heat_level(count: int, peak: int) -> int:
    """0 for no reviews, else 1-4 by share of the busiest day."""
    if count <= 0 or peak <= 0:
        return 0
    return max(1, min(4, math.ceil(4 * count / peak)))


def heatmap(counts: dict[date, int], *, today: date, month_name, weekday_name, days: int = 365) -> Heatmap:
    """A week-per-column calendar of the last `days` days ending today (weeks start on Monday)."""
    # right: room for a month label that starts in the last column ("Dec", "十二月" at 11 px).
    cell, gap, left, top, right = 11, 2, 30, 16, 36
    pitch = cell + gap
    first = today - timedelta(days=days - 1)
    first_monday = first - timedelta(days=first.weekday())
    window = [first + timedelta(days=offset) for offset in range(days)]
    peak = max((counts.get(day, 0) for day in window), default=0)
    cells = []
    month_labels = []
    for day in window:
        column = (day - first_monday).days // 7
        x = left + column * pitch
        cells.append(HeatCell(x=x, y=top + day.weekday() * pitch, level=heat_level(counts.get(day, 0), peak),
                              day=day, count=counts.get(day, 0)))
        if day.day == 1 or (day == first and day.day < 24):
            month_labels.append(Label(x=x, y=top - 5, text=month_name(day)))
    columns = (today - first_monday).days // 7 + 1
    weekday_labels = [
        Label(x=left - 4, y=top + row * pitch + cell - 2, text=weekday_name(first_monday + timedelta(days=row)))
        for row in (0, 2, 4)
    ]
    return Heatmap(
        width=left + columns * pitch + right,
        height=top + 7 * pitch,
        cell=cell,
        cells=cells,
        month_labels=month_labels,
        weekday_labels=weekday_labels,
        total=sum(c.count for c in cells),
        active_days=sum(1 for c in cells if c.count),
    )


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    baseline: float
    bars: list[Bar]
    tick_labels: list[Label]
    peak: int
    total: int

    @property
    def bars_svg(self) -> SafeString:
        """The bars as SVG rects with their titles, drawn here as the heatmap's cells are (a third of the charts'
        render was these variables); the markup is what the template loop produced."""
        return mark_safe("".join(
            f'<rect class="bar" x="{bar.x}" y="{bar.y}" width="{bar.width}" height="{bar.height}">'
            f"<title>{escape(bar.label)}: {bar.value}</title></rect>"
            for bar in self.bars
        ))


def nice_ceiling(value: int) -> int:
    """The next 'round' number at or above value (1, 2, 5 times a power of ten), for an axis top."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def column_chart(values: list[int], *, labels: list[str], tick_every: int = 7, height: int = 150) -> BarChart:
    """Vertical bars, one per value, scaled to a round axis maximum; every `tick_every`-th bar is labelled."""
    left, right, top, bottom = 34, 6, 10, 22
    plot_width = WIDTH - left - right
    plot_height = height - top - bottom
    step = plot_width / max(1, len(values))
    peak = nice_ceiling(max(values, default=0))
    baseline = top + plot_height
    bars = []
    ticks = []
    for index, (value, label) in enumerate(zip(values, labels, strict=True)):
        bar_height = round(plot_height * value / peak, 2)
        x = round(left + index * step + step * 0.1, 2)
        bars.append(Bar(x=x, y=round(baseline - bar_height, 2), width=round(step * 0.8, 2), height=bar_height,
                        value=value, label=label))
        if index % tick_every == 0:
            ticks.append(Label(x=round(x + step * 0.4, 2), y=height - 6, text=label))
    return BarChart(width=WIDTH, height=height, baseline=baseline, bars=bars, tick_labels=ticks, peak=peak,
                    total=sum(values))


@dataclass(frozen=True)
class RetentionRow:
    name: str
    passed: int
    total: int
    label_y: float
    bar_y: float
    bar_width: float
    track_width: float

    @property
    def value_x(self) -> float:
        return self.track_width + 6

    @property
    def value_y(self) -> float:
        return self.bar_y + 11

    @property
    def percent(self) -> int:
        return round(100 * self.passed / self.total) if self.total else 0


@dataclass(frozen=True)
class RetentionChart:
    width: int
    height: int
    rows: list[RetentionRow]

    @property
    def rows_svg(self) -> SafeString:
        """One labelled bar per row with its title in the active language, drawn here as `BarChart.bars_svg` is."""
        return mark_safe("".join(
            RETENTION_ROW_SVG.format(row=row, name=escape(row.name), title=_retention_title(row)) for row in self.rows
        ))


RETENTION_ROW_SVG = (
    "\n    <g>"
    '\n      <text class="row-label" x="0" y="{row.label_y}">{name}</text>'
    '\n      <rect class="track" x="0" y="{row.bar_y}" width="{row.track_width}" height="12" rx="3"/>'
    '\n      <rect class="bar-pass" x="0" y="{row.bar_y}" width="{row.bar_width}" height="12" rx="3"/>'
    '\n      <text class="value-label" x="{row.value_x}" y="{row.value_y}">{row.percent}% · {row.total}</text>'
    "\n      <title>{title}</title>"
    "\n    </g>\n    "
)


def _retention_title(row: RetentionRow) -> str:
    # The template's blocktranslate message: its variables escaped, its text not.
    return gettext("%(name)s: %(percent)s%% (%(passed)s of %(total)s reviews not rated Again)") % {
        "name": escape(row.name), "percent": row.percent, "passed": row.passed, "total": row.total,
    }


def retention_chart(rows: list[tuple[str, int, int]]) -> RetentionChart:
    """One labelled bar per topic: (name, passed, total) -> bar length proportional to passed/total."""
    row_height, track = 38, WIDTH - 80
    drawn = []
    for index, (name, passed, total) in enumerate(rows):
        y = index * row_height
        drawn.append(RetentionRow(
            name=name, passed=passed, total=total, label_y=y + 14, bar_y=y + 20,
            bar_width=round(track * passed / total, 2) if total else 0, track_width=track,
        ))
    return RetentionChart(width=WIDTH, height=max(1, len(rows) * row_height), rows=drawn)


@dataclass(frozen=True)
class Segment:
    key: str
    name: str
    count: int
    x: float
    width: float
    legend_x: float
    legend_y: float

    @property
    def swatch_y(self) -> float:
        return self.legend_y - 10

    @property
    def text_x(self) -> float:
        return self.legend_x + 18


@dataclass(frozen=True)
class StackedBar:
    width: int
    height: int
    total: int
    segments: list[Segment]


def stacked_bar(parts: list[tuple[str, str, int]]) -> StackedBar:
    """A single 100% bar split into (key, name, count) parts, with a two-column legend beneath."""
    total = sum(count for _key, _name, count in parts)
    x = 0.0
    segments = []
    for index, (key, name, count) in enumerate(parts):
        width = round(WIDTH * count / total, 2) if total else 0
        segments.append(Segment(key=key, name=name, count=count, x=round(x, 2), width=width,
                                legend_x=(index % 2) * (WIDTH / 2), legend_y=44 + (index // 2) * 22))
        x += width
    rows = (len(parts) + 1) // 2
    return StackedBar(width=WIDTH, height=44 + rows * 22, total=total, segments=segments)


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    label_x: float
    value: float
    retention: float
    current: bool
    optimal: bool


@dataclass(frozen=True)
class WorkloadChart:
    width: int
    height: int
    baseline: float
    peak: int
    columns: list[Column]
    optimal: float | None
    current: "Column | None"


def workload_chart(points, *, optimal: float | None, height: int = 180) -> WorkloadChart:
    """One column per desired retention, height = mean reviews per day; the learner's setting and the optimum are marked."""
    left, right, top, bottom = 34, 6, 10, 24
    plot_width, plot_height = WIDTH - left - right, height - top - bottom
    step = plot_width / max(1, len(points))
    peak = nice_ceiling(math.ceil(max((p.reviews_per_day for p in points), default=0)))
    baseline = top + plot_height
    columns = []
    for index, point in enumerate(points):
        bar_height = round(plot_height * point.reviews_per_day / peak, 2)
        x = round(left + index * step + step * 0.15, 2)
        columns.append(Column(
            x=x, y=round(baseline - bar_height, 2), width=round(step * 0.7, 2), height=bar_height,
            label_x=round(x + step * 0.35, 2), value=round(point.reviews_per_day, 1), retention=point.retention,
            current=point.current, optimal=optimal is not None and abs(point.retention - optimal) < 0.015,
        ))
    current = next((column for column in columns if column.current), None)
    return WorkloadChart(width=WIDTH, height=height, baseline=baseline, peak=peak, columns=columns, optimal=optimal,
                         current=current)


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    rating: int


@dataclass(frozen=True)
class CurveChart:
    width: int
    height: int
    points: str
    markers: list[Marker]
    now_x: float
    due_x: float | None
    interview_x: float | None
    target_y: float
    top: float
    baseline: float
    left: float
    days: int


def forgetting_curve(segments, *, recall, first, end, now, due, interview, target, reviews, height: int = 170) -> CurveChart:
    """A polyline of retrievability from the first review to `end`; each segment restarts at a review.

    `segments` are (start, stop, stability); `recall(start, stability, moment)` gives FSRS retrievability.
    """
    left, right, top, bottom = 34, 8, 10, 22
    plot_width, plot_height = WIDTH - left - right, height - top - bottom
    span = max((end - first).total_seconds(), 1.0)

    def x_of(moment):
        return round(left + plot_width * min(max((moment - first).total_seconds() / span, 0), 1), 2)

    def y_of(value):
        return round(top + plot_height * (1 - value), 2)

    points = []
    for start, stop, stability in segments:
        samples = 40
        for index in range(samples + 1):
            moment = start + (stop - start) * index / samples
            points.append(f"{x_of(moment)},{y_of(recall(start, stability, moment))}")
    by_start = {start: (start, stability) for start, _stop, stability in segments}
    markers = []
    previous = None
    for moment, rating in reviews:
        value = recall(previous[0], previous[1], moment) if previous else 1.0
        markers.append(Marker(x=x_of(moment), y=y_of(value), rating=rating))
        previous = by_start.get(moment, previous)
    return CurveChart(
        width=WIDTH, height=height, points=" ".join(points), markers=markers, now_x=x_of(now),
        due_x=x_of(due) if due else None, interview_x=x_of(interview) if interview else None,
        target_y=y_of(target), top=top, baseline=top + plot_height, left=left,
        days=round(span / 86400),
    )
