from datetime import date, timedelta

import pytest
from django.utils import translation

from quiz.charts import column_chart, heat_level, heatmap, nice_ceiling, retention_chart, stacked_bar


def names(day):
    return day.strftime("%b")


def test_heatmap_has_one_cell_per_day_with_weeks_as_columns():
    today = date(2026, 5, 10)  # a Sunday
    chart = heatmap({today: 4, today - timedelta(days=7): 2}, today=today, month_name=names, weekday_name=names)

    assert len(chart.cells) == 365
    assert chart.cells[-1].day == today
    last, week_before = chart.cells[-1], chart.cells[-8]
    assert last.y == week_before.y  # same weekday row
    assert last.x - week_before.x == 13  # next column
    assert (last.level, week_before.level) == (4, 2)
    assert chart.total == 6 and chart.active_days == 2
    assert max(cell.x for cell in chart.cells) + chart.cell <= chart.width


def test_heatmap_labels_each_month_once():
    chart = heatmap({}, today=date(2026, 5, 10), month_name=names, weekday_name=names)

    labels = [label.text for label in chart.month_labels]
    assert labels.count("Jan") == 1
    assert len(labels) in (12, 13)


def test_heat_levels_scale_with_the_busiest_day():
    assert [heat_level(count, 100) for count in (0, 1, 25, 26, 50, 75, 100)] == [0, 1, 1, 2, 2, 3, 4]
    assert heat_level(3, 0) == 0


def test_column_chart_scales_bars_to_a_round_maximum():
    chart = column_chart([0, 5, 10, 37], labels=["a", "b", "c", "d"], tick_every=2)

    assert chart.peak == 50
    heights = [bar.height for bar in chart.bars]
    assert heights[0] == 0
    assert heights[2] == 2 * heights[1]
    assert all(bar.y + bar.height == chart.baseline for bar in chart.bars)
    assert [label.text for label in chart.tick_labels] == ["a", "c"]
    assert chart.bars[-1].x + chart.bars[-1].width <= chart.width


def test_nice_ceiling_rounds_up_to_1_2_5():
    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 12, 20, 21, 450, 501)] == [1, 1, 5, 10, 20, 20, 50, 500, 1000]


def test_retention_bars_are_proportional_to_the_pass_rate():
    chart = retention_chart([("Pods", 9, 10), ("Probes", 1, 2)])

    assert [row.percent for row in chart.rows] == [90, 50]
    assert chart.rows[0].bar_width == round(0.9 * chart.rows[0].track_width, 2)
    assert chart.rows[1].label_y > chart.rows[0].bar_y


def test_stacked_bar_segments_fill_the_width_in_order():
    chart = stacked_bar([("new", "New", 2), ("learning", "Learning", 0), ("review", "Review", 6)])

    assert chart.total == 8
    assert [s.width for s in chart.segments] == [90.0, 0, 270.0]
    assert chart.segments[2].x == 90.0


def test_an_empty_stacked_bar_draws_nothing():
    chart = stacked_bar([("new", "New", 0)])

    assert chart.segments[0].width == 0


@pytest.mark.parametrize("month", [["Dec"], ["十二月"]])
def test_heatmap_leaves_room_for_a_month_label_in_the_last_column(month):
    chart = heatmap({}, today=date(2026, 12, 3), month_name=lambda day: month[0] if day.month == 12 else "M",
                    weekday_name=lambda day: "W")
    last = max(chart.month_labels, key=lambda label: label.x)
    assert last.text == month[0]
    assert last.x + 11 * len(last.text) <= chart.width  # 11 px per character at the chart's font size


def test_the_heatmap_cells_are_drawn_as_svg_rects_one_per_day():
    today = date(2026, 5, 10)
    chart = heatmap({today: 4, today - timedelta(days=7): 2}, today=today, month_name=names, weekday_name=names)

    svg = str(chart.cells_svg)

    assert svg.count("<rect ") == 365
    last = chart.cells[-1]
    assert svg.endswith(
        f'<rect class="heat-4" x="{last.x}" y="{last.y}" width="11" height="11" rx="2"><title>2026-05-10: 4</title></rect>'
    )
    assert '<title>2026-05-03: 2</title>' in svg and '<title>2026-05-04: 0</title>' in svg


def test_the_forecast_bars_are_drawn_as_svg_rects_with_their_labels_escaped():
    chart = column_chart([2, 0, 5], labels=["Today", "<b>", "6/12"])

    svg = str(chart.bars_svg)

    assert svg.count("<rect ") == 3
    first = chart.bars[0]
    assert svg.startswith(
        f'<rect class="bar" x="{first.x}" y="{first.y}" width="{first.width}" height="{first.height}"><title>Today: 2</title></rect>'
    )
    assert "<title>&lt;b&gt;: 0</title>" in svg


@pytest.mark.parametrize(("language", "title"), [
    ("en", "Pods &amp; &lt;probes&gt;: 75% (3 of 4 reviews not rated Again)"),
    ("zh-hans", "Pods &amp; &lt;probes&gt;：75%（4 次复习中有 3 次没有评为“重来”）"),
])
def test_the_retention_rows_are_drawn_with_escaped_names_and_titles_in_the_language(language, title):
    chart = retention_chart([("Pods & <probes>", 3, 4), ("Services", 0, 2)])

    with translation.override(language):
        svg = str(chart.rows_svg)

    assert svg.count("<g>") == 2
    assert '<text class="row-label" x="0" y="14">Pods &amp; &lt;probes&gt;</text>' in svg
    assert f"<title>{title}</title>" in svg
    assert '<text class="value-label" x="286" y="69">0% · 2</text>' in svg
