"""SVG geometry for the etcd simulator: the member ring, the role swimlane and the write timeline.

Everything is in viewBox units and works from the result dict the JSON API returns; the
templates only place the shapes. Colours are SVG presentation attributes (the CSP forbids
inline styles), so embeds need no stylesheet.
"""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sim.charts import COLOURS, OUTLINES, LinearScale, legend, stack_lanes, stacked, tick_step, time_ticks
from sim.messages import fault_effect

ROLE_COLOURS = {
    "leader": COLOURS["green"],
    "follower": COLOURS["sky"],
    "pre-candidate": COLOURS["yellow"],
    "candidate": COLOURS["gold"],
    "learner": COLOURS["lavender"],
    "stopped": COLOURS["silver"],
}
ROLE_LEGEND = legend(
    (gettext_lazy("leader"), "green"),
    (gettext_lazy("follower"), "sky"),
    (gettext_lazy("pre-candidate"), "yellow"),
    (gettext_lazy("candidate"), "gold"),
    (gettext_lazy("learner"), "lavender"),
    (gettext_lazy("stopped"), "silver"),
)
WRITE_COLOURS = {"committed": COLOURS["green"], "failed": COLOURS["red"], "pending": COLOURS["silver"]}
GROUP_COLOURS = OUTLINES
FULL = {"width": 960, "label": 86, "right": 14, "top": 22, "lane": 26, "bar": 18, "axis": 24}
COMPACT = {"width": 640, "label": 64, "right": 10, "top": 18, "lane": 18, "bar": 13, "axis": 20}
TICK_STEPS_MS = (500, 1000, 2000, 5000, 10_000, 20_000, 30_000)
MIN_WIDTH = 0.8


def role_label(role: str) -> str:
    """The translated name of a member's role."""
    return {
        "leader": _("leader"),
        "follower": _("follower"),
        "pre-candidate": _("pre-candidate"),
        "candidate": _("candidate"),
        "learner": _("learner"),
        "stopped": _("stopped"),
    }[role]


def seconds(ms) -> str:
    """Milliseconds as seconds for labels: 2000 -> '2', 2974.84 -> '2.97'."""
    value = ms / 1000
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _time_scale(layout, end_ms):
    return LinearScale(layout["label"], layout["width"] - layout["right"], end_ms, min_width=MIN_WIDTH)


def _ticks(scale, end_ms, max_ticks):
    step = tick_step(end_ms, max_ticks, TICK_STEPS_MS)
    return time_ticks(scale, end_ms, step, lambda t: f"{seconds(t)}s")


def build_swimlane(result: dict, *, compact: bool = False) -> dict:
    """One lane per member coloured by role, with terms, fault markers and partition bands."""
    layout = COMPACT if compact else FULL
    end = result["duration_ms"]
    scale = _time_scale(layout, end)
    lanes = []
    for lane in result["lanes"]:
        member = lane["member"]
        title = _("member %(id)s") % {"id": member} if lane["voter"] else _("learner %(id)s") % {"id": member}
        bars = []
        for segment in lane["segments"]:
            stop = segment["to_ms"] if segment["to_ms"] is not None else end
            x, width = scale.span(segment["from_ms"], stop)
            label = "" if segment["role"] == "stopped" else f"t{segment['term']}"
            bars.append({
                "x": x,
                "width": width,
                "fill": ROLE_COLOURS[segment["role"]],
                "role": segment["role"],
                "label": label,
                "show_label": bool(label) and width >= (22 if compact else 26),
                "text_x": round(x + 3, 2),
                "title": _("%(role)s, term %(term)s, %(start)s–%(stop)s s") % {
                    "role": role_label(segment["role"]), "term": segment["term"],
                    "start": seconds(segment["from_ms"]), "stop": seconds(stop)},
            })
        lanes.append({"title": title, "short": f"m{member}", "bars": bars})
    plot_bottom = stack_lanes(lanes, top=layout["top"], lane_height=layout["lane"], bar_height=layout["bar"])
    markers = []
    for number, fault in enumerate(result["faults"], start=1):
        markers.append({"x": scale.x(fault["t_ms"]), "number": number,
                        "title": f"{seconds(fault['t_ms'])} s · {fault['event']}: {fault_effect(fault['effect'])}"})
    bands = []
    for window in result["partitions"]:
        x, width = scale.span(window["from_ms"], window["to_ms"])
        groups = " | ".join("-".join(str(m) for m in group) for group in window["groups"])
        bands.append({"x": x, "width": width, "title": _("network partition %(groups)s") % {"groups": groups}})
    return {
        "compact": compact,
        "width": layout["width"],
        "height": plot_bottom + layout["axis"],
        "label_x": layout["label"] - 8,
        "plot_left": scale.left,
        "plot_right": scale.right,
        "plot_width": round(scale.right - scale.left, 2),
        "plot_top": layout["top"],
        "plot_bottom": plot_bottom,
        "plot_height": plot_bottom - layout["top"],
        "tick_label_y": plot_bottom + 15,
        "marker_label_y": layout["top"] - 8,
        "band_y": layout["top"] - 5,
        "ticks": _ticks(scale, end, 6 if compact else 10),
        "lanes": lanes,
        "markers": markers,
        "bands": bands,
        "end_s": seconds(end),
        "legend": ROLE_LEGEND,
    }


def build_write_timeline(result: dict) -> dict:
    """Writes per time bucket (committed, failed, still pending) over the windows without a usable leader."""
    layout = FULL
    end = result["duration_ms"]
    scale = _time_scale(layout, end)
    top, height = 14, 90
    bottom = top + height
    buckets = result["write_timeline"]
    peak = max((b["committed"] + b["failed"] + b["pending"] for b in buckets), default=0) or 1
    y = LinearScale(bottom, top, peak)
    bars = []
    for bucket in buckets:
        x, width = scale.span(bucket["from_ms"], bucket["to_ms"])
        width = max(round(width - 1, 2), MIN_WIDTH)
        kinds = [kind for kind in WRITE_COLOURS if bucket[kind]]
        for kind, (count, bar_top, bar_height) in zip(kinds, stacked(y, [bucket[kind] for kind in kinds])):
            bars.append({"x": x, "y": bar_top, "width": width, "height": bar_height, "fill": WRITE_COLOURS[kind],
                         "title": _("%(count)s %(kind)s, submitted %(start)s–%(stop)s s") % {
                             "count": count, "kind": {"committed": _("committed"), "failed": _("failed"),
                                                      "pending": _("still pending")}[kind],
                             "start": seconds(bucket["from_ms"]), "stop": seconds(bucket["to_ms"])}})
    outages = []
    for window in result["unavailable"]:
        x, width = scale.span(window["from_ms"], window["to_ms"])
        outages.append({"x": x, "width": width, "title": _("no leader could commit writes, %(start)s–%(stop)s s") % {
            "start": seconds(window["from_ms"]), "stop": seconds(window["to_ms"])}})
    return {
        "width": layout["width"],
        "height": bottom + layout["axis"],
        "plot_left": scale.left,
        "plot_right": scale.right,
        "plot_top": top,
        "plot_bottom": bottom,
        "plot_height": height,
        "strip_y": top - 8,
        "label_x": layout["label"] - 8,
        "peak": peak,
        "tick_label_y": bottom + 15,
        "ticks": _ticks(scale, end, 10),
        "bars": bars,
        "outages": outages,
    }


def build_ring(result: dict, *, links: dict[int, str] | None = None) -> dict:
    """The members on a circle as they are at the end of the run; `links` maps a member to a fault URL."""
    members = result["final"]
    count = len(members)
    size = 340
    centre = size / 2
    radius = 118 if count > 1 else 0
    node_radius = 30 if count <= 5 else 25 if count <= 9 else 21
    leader = next((m for m in members if m["role"] == "leader" and m["up"]), None)
    partitioned = any(m["group"] is not None for m in members)
    nodes = []
    positions = {}
    for index, member in enumerate(members):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        x = round(centre + radius * math.cos(angle), 2)
        y = round(centre + radius * math.sin(angle), 2)
        positions[member["id"]] = (x, y)
        role = member["role"]
        group = member["group"]
        nodes.append({
            "id": member["id"],
            "x": x,
            "y": y,
            "r": node_radius,
            "fill": ROLE_COLOURS[role],
            "stroke": GROUP_COLOURS[group % len(GROUP_COLOURS)] if partitioned and group is not None else COLOURS["text"],
            "stroke_width": 4 if partitioned else (3 if role == "leader" else 1.5),
            "dashed": role == "stopped" or not member["voter"],
            "role": role,
            "role_label": role_label(role),
            "term_label": f"t{member['term']}",
            "label_y": round(y + 5, 2),
            "caption_y": round(y + node_radius + 14, 2),
            "group_label": chr(ord("A") + group) if partitioned and group is not None else "",
            "href": (links or {}).get(member["id"]),
            "title": _("member %(id)s: %(role)s, term %(term)s, log index %(index)s, committed %(commit)s") % {
                "id": member["id"], "role": role_label(role), "term": member["term"],
                "index": member["last_index"], "commit": member["commit"]},
        })
    lines = []
    if leader is not None:
        lx, ly = positions[leader["id"]]
        for member in members:
            if member is leader or not member["up"] or member["lead"] != leader["id"]:
                continue
            if partitioned and member["group"] != leader["group"]:
                continue
            mx, my = positions[member["id"]]
            lines.append({"x1": lx, "y1": ly, "x2": mx, "y2": my})
    return {"size": size, "nodes": nodes, "lines": lines, "partitioned": partitioned,
            "group_colours": GROUP_COLOURS}
