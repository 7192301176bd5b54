"""Geometry of the Service simulator's figures: nodes with their Pods, the client and the path.

Colours are SVG attributes (fill/stroke) so embeds need no stylesheet; text is set in the template.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from sim.charts import COLOURS, legend

STATE_COLOUR_NAMES = {
    "ready": "dark-green",
    "notready": "grey",
    "terminating": "amber",
    "terminating-notserving": "red",
}
STATE_FILL = {state: COLOURS[name] for state, name in STATE_COLOUR_NAMES.items()}
POD = 26
POD_GAP = 6
PAD = 10
NODE_GAP = 14
HEADER = 34
EXTERNAL_BAND = 56


def build_diagram(result, *, compact=False):
    """Nodes as boxes in a grid (at most 5 a row), Pods as squares inside, client and path."""
    width = 480
    nodes = result["nodes"]
    columns = min(len(nodes), 3) or 1
    box_width = (width - NODE_GAP * (columns + 1)) / columns
    per_row = max(1, int((box_width - 2 * PAD + POD_GAP) // (POD + POD_GAP)))
    pods_by_node = {node["name"]: [] for node in nodes}
    for ep in result["endpoints"]:
        pods_by_node[ep["node"]].append(ep)
    client = result["client"]
    external = client["kind"] == "external"
    top = EXTERNAL_BAND

    def pod_rows(node):
        return max(1, -(-len(pods_by_node[node["name"]]) // per_row))

    boxes = []
    pods = {}
    y = top
    usable = set(result["usable"])
    for row_start in range(0, len(nodes), columns):
        row = nodes[row_start:row_start + columns]
        height = HEADER + max(pod_rows(node) for node in row) * (POD + POD_GAP) + PAD
        for col, node in enumerate(row):
            x = NODE_GAP + col * (box_width + NODE_GAP)
            items = []
            for i, ep in enumerate(pods_by_node[node["name"]]):
                px = x + PAD + (i % per_row) * (POD + POD_GAP)
                py = y + HEADER + (i // per_row) * (POD + POD_GAP)
                item = {
                    **ep, "x": round(px, 1), "y": round(py, 1), "size": POD,
                    "cx": round(px + POD / 2, 1), "cy": round(py + POD / 2, 1),
                    "fill": STATE_FILL[ep["state"]], "in_use": ep["ip"] in usable,
                    "chosen": ep["ip"] == result["chosen"],
                }
                items.append(item)
                pods[ep["ip"]] = item
            client_marker = None
            if not external and client["node"] == node["name"] and client["kind"] != "hairpin":
                client_marker = {"cx": round(x + box_width - 18, 1), "cy": round(y + 17, 1)}
            boxes.append({
                **node, "x": round(x, 1), "y": round(y, 1), "width": round(box_width, 1), "height": height,
                "label_x": round(x + PAD, 1), "label_y": round(y + 15, 1), "ip_y": round(y + 28, 1),
                "pods": items, "client": client_marker, "handles": node["name"] == result["handled_by"],
            })
        y += height + NODE_GAP
    height = y
    service_box = {"x": width - 14 - 230, "y": 8, "width": 230, "height": 32, "cx": width - 14 - 115, "cy": 24,
                   "label": result["destination"]}
    start = None
    if external:
        start = {"cx": 14 + 90, "cy": 24, "x": 14, "y": 8, "width": 180, "height": 32}
    elif client["kind"] == "hairpin":
        ip = client["ips"][0]
        start = {"cx": pods[ip]["cx"], "cy": pods[ip]["cy"]}
    else:
        for box in boxes:
            if box["client"]:
                start = box["client"]
    via = (service_box["cx"], service_box["y"] + service_box["height"])
    path = None
    if start:
        points = [(start["cx"], start["cy"]), via]
        if result["chosen"]:
            end = pods[result["chosen"]]
            points.append((end["cx"], end["y"]))
        path = {"points": " ".join(f"{round(px, 1)},{round(py, 1)}" for px, py in points)}
    stop = None
    if not result["chosen"]:
        x, y0 = service_box["x"] + service_box["width"] - 24, service_box["y"] + 8
        stop = {"x": x, "y": y0, "d": f"M {x + 4} {y0 + 4} l 8 8 m 0 -8 l -8 8"}
    return {
        "width": width, "height": round(height, 1), "compact": compact, "boxes": boxes, "start": start,
        "external": external, "path": path, "stop": stop, "service": service_box,
        "legend": legend(
            (_("ready"), STATE_COLOUR_NAMES["ready"]),
            (_("not ready"), STATE_COLOUR_NAMES["notready"]),
            (_("terminating, serving"), STATE_COLOUR_NAMES["terminating"]),
            (_("terminating, not serving"), STATE_COLOUR_NAMES["terminating-notserving"]),
            (_("this connection"), "blue", "line"),
        ),
    }


def build_bars(result):
    """One row per usable endpoint in rule order: its share under the rules and its simulated share."""
    requests = result["distribution"]["requests"] or 1
    counts = {row["ip"]: row["count"] for row in result["distribution"]["counts"]}
    shares = {row["ip"]: row["share"] for row in result["share"]}
    names = {ep["ip"]: ep for ep in result["endpoints"]}
    written = result["probabilities"]
    saved = result["probabilities_saved"]
    rows = []
    bar = 160
    for i, ip in enumerate(result["usable"]):
        share = shares.get(ip, 0.0)
        simulated = counts.get(ip, 0) / requests
        rows.append({
            "rule": i + 1,
            "ip": ip,
            "name": names[ip]["name"],
            "node": names[ip]["node"],
            "written": written[i] if i < len(written) else None,
            "saved": saved[i] if i < len(saved) else None,
            "share_percent": f"{share * 100:.2f}",
            "share_width": round(share * bar, 1),
            "count": counts.get(ip, 0),
            "simulated_percent": f"{simulated * 100:.2f}",
            "simulated_width": round(simulated * bar, 1),
            "bar": bar,
        })
    return rows
