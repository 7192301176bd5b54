"""SVG geometry for the rolling-update chart: old/new pods per step, the available line, the allowed band.

Coordinates are computed here so the template only places shapes; everything is in viewBox units.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sim.charts import LinearScale, legend, stacked

FULL = {"width": 640, "height": 300, "left": 52, "right": 58, "top": 14, "bottom": 40, "max_columns": 120, "max_labels": 12}
COMPACT = {"width": 480, "height": 190, "left": 36, "right": 50, "top": 10, "bottom": 28, "max_columns": 40, "max_labels": 10}
LIMIT_LABEL_GAP = 19
LEGEND = legend(
    (_("old ReplicaSet"), "grey"),
    (_("new ReplicaSet"), "blue"),
    (_("available pods"), "dark-green", "line"),
    (_("allowed band (min available to max total)"), "blue", "band", "red", "brown"),
)


def sample_indexes(count: int, limit: int) -> list[int]:
    """At most `limit` evenly spread indexes into range(count), always keeping the first and last."""
    if count <= limit:
        return list(range(count))
    last = count - 1
    picked = {round(i * last / (limit - 1)) for i in range(limit)}
    return sorted(picked)


def _columns_source(result: dict) -> list[dict]:
    """The steps, plus the final state when it differs from the last step (pods that became ready later)."""
    steps = result["steps"]
    final = result["final"]
    last = steps[-1]
    if (final["available"], final["ready"], final["t"]) != (last["available"], last["ready"], last["t"]):
        end = {**final, "event": "", "index": len(steps), "is_end": True}
        return [*({**step, "index": i, "is_end": False} for i, step in enumerate(steps)), end]
    return [{**step, "index": i, "is_end": False} for i, step in enumerate(steps)]


def build_chart(result: dict, *, compact: bool = False) -> dict:
    """Chart geometry for a result dict (as returned by the API); `compact` for embeds."""
    layout = COMPACT if compact else FULL
    source = _columns_source(result)
    shown = [source[i] for i in sample_indexes(len(source), layout["max_columns"])]
    resolved = result["resolved"]
    top_value = max(
        1,
        resolved["max_total"],
        max(column["old"] + column["new"] for column in source),
    )
    # Margins and label spacing grow with the longest number so that labels stay readable on a phone,
    # where the stylesheet enlarges the text (about 11 viewBox units per digit).
    digits = len(str(top_value))
    plot_left = max(layout["left"], 12 + digits * 11)
    plot_right = layout["width"] - max(layout["right"], 52 + digits * 12)
    plot_top = layout["top"]
    plot_bottom = layout["height"] - layout["bottom"]
    slot = (plot_right - plot_left) / len(shown)

    y = LinearScale(plot_bottom, plot_top, top_value)

    max_labels = min(layout["max_labels"], int((plot_right - plot_left) // (len(str(len(source))) * 11 + 12)))
    label_every = max(1, -(-len(shown) // max(1, max_labels)))
    columns = []
    last = len(shown) - 1
    for position, column in enumerate(shown):
        x = plot_left + position * slot
        bar_width = slot * 0.7
        (_, old_top, old_height), (_, new_top, new_height) = stacked(y, (column["old"], column["new"]))
        columns.append(
            {
                "step": column,
                "x": round(x + slot * 0.15, 2),
                "width": round(bar_width, 2),
                "center": round(x + slot / 2, 2),
                "old_y": old_top,
                "old_height": old_height,
                "new_y": new_top,
                "new_height": new_height,
                "available_y": y(column["available"]),
                "show_label": position == last
                or (position % label_every == 0 and last - position >= label_every),
            }
        )
    band_top = y(resolved["max_total"])
    band_bottom = y(resolved["min_available"])
    ticks = sorted({0, resolved["min_available"], resolved["max_total"], top_value})
    return {
        "width": layout["width"],
        "height": layout["height"],
        "plot_left": plot_left,
        "plot_right": plot_right,
        "plot_top": plot_top,
        "plot_bottom": plot_bottom,
        "plot_width": plot_right - plot_left,
        "label_x": plot_left - 5,
        "limit_label_x": plot_right + 4,
        "label_y": plot_bottom + (16 if not compact else 13),
        "axis_label_y": layout["height"] - 4,
        "columns": columns,
        "available_points": " ".join(f"{c['center']},{c['available_y']}" for c in columns),
        "show_markers": len(columns) <= 40,
        "band": {"y": band_top, "height": round(band_bottom - band_top, 2)},
        "max_total_y": band_top,
        "min_available_y": band_bottom,
        **_limit_label_positions(band_top, band_bottom, top=plot_top),
        "ticks": [
            {"value": value, "y": y(value), "text_y": round(y(value) + 4, 2)}
            for value in ticks
            if _far_enough(value, ticks, top_value)
        ],
        "shown": len(shown),
        "total": len(source),
        "compact": compact,
        "legend": LEGEND,
    }


def _limit_label_positions(max_total_y: float, min_available_y: float, *, top: float) -> dict:
    """Text baselines for the max/min labels right of the plot, pushed apart when the lines are close."""
    max_label_y = max_total_y + 4
    min_label_y = min_available_y + 4
    shortfall = LIMIT_LABEL_GAP - (min_label_y - max_label_y)
    if shortfall > 0:
        max_label_y -= shortfall / 2
        min_label_y += shortfall / 2
    if max_label_y < top + 4:
        min_label_y += top + 4 - max_label_y
        max_label_y = top + 4
    return {"max_total_label_y": round(max_label_y, 2), "min_available_label_y": round(min_label_y, 2)}


def _far_enough(value: int, ticks: list[int], top_value: int) -> bool:
    """Drop a tick label that would overlap a larger neighbour (closer than 6% of the axis)."""
    larger = [other for other in ticks if other > value]
    return not larger or (min(larger) - value) / top_value >= 0.06
