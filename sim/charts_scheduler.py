"""SVG geometry for the scheduler's bar chart: one horizontal bar per scored node, split by plugin.

Coordinates are computed here so the template only places shapes; everything is in viewBox units.
"""

from __future__ import annotations

from sim.charts import COLOURS, legend

FULL = {"width": 640, "row": 30, "bar": 20, "top": 8, "bottom": 26, "label": 120, "right": 56}
COMPACT = {"width": 480, "row": 24, "bar": 16, "top": 6, "bottom": 22, "label": 96, "right": 48}
PLUGIN_COLOURS = {
    "NodeResourcesFit": "blue",
    "NodeResourcesBalancedAllocation": "purple",
    "TaintToleration": "dark-green",
    "NodeAffinity": "amber",
}


def build_chart(result: dict, *, compact: bool = False) -> dict | None:
    """Stacked bars of each feasible node's weighted scores; None when nothing was scored."""
    rows = [row for row in result["nodes"] if row["total"] is not None]
    if not rows:
        return None
    layout = COMPACT if compact else FULL
    top_value = max(max(row["total"] for row in rows), 1)
    plot_left = layout["label"]
    plot_right = layout["width"] - layout["right"]
    plot_width = plot_right - plot_left
    height = layout["top"] + layout["row"] * len(rows) + layout["bottom"]
    bars = []
    for i, row in enumerate(rows):
        y = layout["top"] + i * layout["row"]
        x = plot_left
        segments = []
        for plugin in (p["name"] for p in result["score_plugins"]):
            weighted = row["scores"][plugin]["weighted"]
            if not weighted:
                continue
            width = round(weighted / top_value * plot_width, 2)
            segments.append({"plugin": plugin, "x": round(x, 2), "width": width, "value": weighted,
                             "fill": COLOURS[PLUGIN_COLOURS[plugin]]})
            x += width
        bars.append({
            "name": row["name"],
            "total": row["total"],
            "chosen": row["name"] == result["chosen"],
            "y": y,
            "bar_y": y + (layout["row"] - layout["bar"]) / 2,
            "bar_height": layout["bar"],
            "text_y": y + layout["row"] / 2 + 4,
            "segments": segments,
            "total_x": round(x + 4, 2),
        })
    return {
        "compact": compact,
        "width": layout["width"],
        "height": height,
        "plot_left": plot_left,
        "plot_right": plot_right,
        "label_x": plot_left - 6,
        "axis_y": height - layout["bottom"] + 4,
        "bars": bars,
        "text": COLOURS["text"],
        "axis": COLOURS["muted"],
        "legend": legend(*PLUGIN_COLOURS.items()),
    }
