"""SVG geometry for the pod lifecycle swimlane: one row per container, probe, phase and condition.

Everything is in viewBox units; the template only places the shapes. Colours are SVG
presentation attributes (the CSP forbids inline styles) so embeds need no stylesheet.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sim.charts import COLOURS, LinearScale, legend, stack_lanes, tick_step, time_ticks

FULL = {"width": 960, "label": 150, "right": 16, "top": 8, "lane": 24, "bar": 16, "axis": 30}
COMPACT = {"width": 640, "label": 118, "right": 10, "top": 6, "lane": 19, "bar": 13, "axis": 24}
MIN_WIDTH = 1.2

PHASE_COLOURS = {"Pending": COLOURS["gold"], "Running": COLOURS["blue"], "Succeeded": COLOURS["dark-green"],
                 "Failed": COLOURS["red"]}
OTHER_PHASE_COLOUR = COLOURS["grey"]
WAITING_COLOURS = {
    "CrashLoopBackOff": COLOURS["pink"],
    "ImagePullBackOff": COLOURS["pink"],
    "ErrImagePull": COLOURS["pink"],
    "Pulling image": COLOURS["mist"],
}
OTHER_WAITING_COLOUR = COLOURS["pale"]
RUNNING_COLOURS = {"": COLOURS["green"], "postStart hook": COLOURS["light-green"], "preStop hook": COLOURS["amber"],
                   "SIGTERM": COLOURS["orange"]}
EXIT_COLOURS = {True: COLOURS["dark-green"], False: COLOURS["red"]}
HEALTH_COLOURS = {"starting": COLOURS["mist"], "healthy": COLOURS["light-green"], "hung": COLOURS["red"]}
RESULT_COLOURS = {"success": COLOURS["green"], "failure": COLOURS["red"]}
CONDITION_COLOURS = {"True": COLOURS["green"], "False": COLOURS["light"]}
ENDPOINT_COLOUR = COLOURS["blue"]
LEGEND = legend(
    (gettext_lazy("running / probe success / condition True"), "green"),
    (gettext_lazy("probe failure / exit with an error / app hung"), "red"),
    (gettext_lazy("waiting in a back-off"), "pink"),
    (gettext_lazy("preStop hook"), "amber"),
    (gettext_lazy("SIGTERM sent, waiting for the exit"), "orange"),
    (gettext_lazy("a ready Service endpoint"), "blue"),
)


def _tick_label(seconds: int, step: int) -> str:
    """Seconds for short steps; minutes (or hours) once the ticks are whole minutes apart."""
    if step % 60:
        return f"{seconds}s"
    if seconds and seconds % 3600 == 0 and step % 3600 == 0:
        return f"{seconds // 3600}h"
    return f"{seconds // 60}m"


def _segments_between(changes, end, *, value_of):
    """Turn a list of timestamped changes into [start, stop) segments up to end."""
    segments = []
    for index, change in enumerate(changes):
        stop = changes[index + 1]["t"] if index + 1 < len(changes) else end
        if stop > change["t"] or index + 1 == len(changes):
            segments.append((change["t"], max(stop, change["t"]), value_of(change)))
    return segments


def build_chart(result: dict, *, probes=(), compact: bool = False) -> dict:
    """Swimlane geometry for a result dict (as the API returns it); `probes` lists the enabled probes."""
    layout = COMPACT if compact else FULL
    end = result["final"]["end"]
    scale = LinearScale(layout["label"], layout["width"] - layout["right"], end, min_width=MIN_WIDTH)
    lanes = []

    def lane(title, css, bars, *, group):
        lanes.append({"title": title, "css": css, "bars": bars, "group": group})

    phase_bars = []
    for start, stop, phase in _segments_between(result["phases"], end, value_of=lambda c: c["phase"]):
        x, width = scale.span(start, stop)
        phase_bars.append({"x": x, "width": width, "fill": PHASE_COLOURS.get(phase, OTHER_PHASE_COLOUR), "label": phase,
                           "title": f"{phase} · {start}–{stop} s"})
    lane(_("Pod phase"), "phase", phase_bars, group="pod")

    for container in result["containers"]:
        bars = []
        for segment in result["container_states"]:
            if segment["container"] != container["name"]:
                continue
            state, detail = segment["state"], segment["detail"]
            if state == "terminated":
                x = scale.x(segment["from"])
                colour = EXIT_COLOURS[segment["exit_code"] == 0]
                bars.append({"x": round(x - 1.5, 2), "width": 3, "fill": colour, "marker": True,
                             "title": f"{detail} (exit {segment['exit_code']}) · t = {segment['from']} s"})
                continue
            x, width = scale.span(segment["from"], segment["to"])
            if state == "running":
                colour = RUNNING_COLOURS.get(detail, RUNNING_COLOURS[""])
                label = detail or "Running"
            else:
                colour = WAITING_COLOURS.get(detail, OTHER_WAITING_COLOUR)
                label = detail or "Waiting"
            bars.append({"x": x, "width": width, "fill": colour, "label": label,
                         "title": f"{state.capitalize()}{': ' + detail if detail else ''} · {segment['from']}–{segment['to']} s"})
        lane(container["name"], "container", bars, group="containers")

    if not compact and result["app_health"]:
        bars = []
        for interval in result["app_health"]:
            x, width = scale.span(interval["from"], interval["to"])
            bars.append({"x": x, "width": width, "fill": HEALTH_COLOURS[interval["state"]], "label": interval["state"],
                         "title": f"{interval['state']} · {interval['from']}–{interval['to']} s"})
        lane(_("App (inside)"), "health", bars, group="containers")

    for probe in ("startup", "liveness", "readiness"):
        runs = [run for run in result["probe_runs"] if run["probe"] == probe]
        if not runs and probe not in probes:
            continue
        bars = []
        for run in runs:
            x, width = scale.span(run["from"], run["to"])
            bars.append({"x": x, "width": max(width, 2.5), "fill": RESULT_COLOURS[run["result"]], "label": run["result"],
                         "title": f"{probe}: {run['count']} × {run['result']} · {run['from']}–{run['to']} s"})
        lane(_("%(probe)s probe") % {"probe": probe}, "probe", bars, group="probes")

    conditions_by_type = {}
    for change in result["conditions"]:
        conditions_by_type.setdefault(change["type"], []).append(change)
    for kind in ("Initialized", "ContainersReady", "Ready"):
        changes = conditions_by_type.get(kind, [])
        bars = []
        for start, stop, status in _segments_between(changes, end, value_of=lambda c: c["status"]):
            x, width = scale.span(start, stop)
            bars.append({"x": x, "width": width, "fill": CONDITION_COLOURS[status], "label": status,
                         "title": f"{kind}={status} · {start}–{stop} s"})
        lane(kind, "condition", bars, group="conditions")

    bars = []
    for interval in result["endpoints"]:
        x, width = scale.span(interval["from"], interval["to"])
        bars.append({"x": x, "width": width, "fill": ENDPOINT_COLOUR, "label": "",
                     "title": _("A ready endpoint of the Service") + f" · {interval['from']}–{interval['to']} s"})
    lane(_("Service endpoints"), "endpoints", bars, group="conditions")

    plot_bottom = stack_lanes(lanes, top=layout["top"], lane_height=layout["lane"], bar_height=layout["bar"])
    for item in lanes:
        for bar in item["bars"]:
            bar["text_x"] = round(bar["x"] + 3, 2)
            bar["show_label"] = bool(bar.get("label")) and bar["width"] >= 8 * len(bar["label"]) + 6
    step = tick_step(end, 6 if compact else 10)
    ticks = time_ticks(scale, end, step, lambda t: _tick_label(t, step))
    for tick in ticks:
        tick["anchor"] = "end" if tick["x"] > scale.right - 24 else "middle"
    markers = []
    for restart in result["restart_log"]:
        markers.append({"x": scale.x(restart["t"]), "title": _("restart of %(container)s after %(delay)s s")
                        % {"container": restart["container"], "delay": restart["delay"]}, "css": "restart"})
    for termination in result["terminations"]:
        markers.append({"x": scale.x(termination["killing_at"]), "title": _("Killing %(container)s (%(cause)s)")
                        % {"container": termination["container"], "cause": termination["cause"]}, "css": "killing"})
    return {
        "compact": compact,
        "width": layout["width"],
        "height": plot_bottom + layout["axis"],
        "plot_left": scale.left,
        "plot_right": scale.right,
        "plot_width": round(scale.right - scale.left, 2),
        "plot_top": layout["top"],
        "plot_bottom": plot_bottom,
        "label_x": scale.left - 6,
        "lanes": lanes,
        "ticks": ticks,
        "tick_label_y": plot_bottom + 16,
        "markers": markers,
        "end": end,
        "legend": LEGEND,
    }
