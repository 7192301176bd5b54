"""The one colour table for simulator charts and their legends.

Colours are SVG presentation attributes, not CSS (the CSP forbids inline styles), so an embedded
run is legible without any stylesheet. Kinds name what a colour means in their chart module
(`ROLE_COLOURS = {"leader": COLOURS["green"], ...}`) and build legends from the same names.
"""

from __future__ import annotations

from typing import NamedTuple

COLOURS = {
    "green": "#2da44e",
    "dark-green": "#1a7f37",
    "light-green": "#8fd19e",
    "blue": "#326ce5",
    "sky": "#54aeff",
    "red": "#cf222e",
    "pink": "#f2b8b5",
    "amber": "#bf8700",
    "orange": "#fb8f44",
    "gold": "#d4a72c",
    "yellow": "#f5d76e",
    "brown": "#9a6700",
    "lavender": "#d8b9ff",
    "purple": "#8250df",
    "grey": "#8c959f",
    "silver": "#afb8c1",
    "mist": "#c8d1dc",
    "light": "#d0d7de",
    "pale": "#e1e4e8",
    "blush": "#ffebe9",
    # Axis, grid, lane background and text, as the templates draw them ({% sim_colour "grid" %}).
    "text": "#1b1f24",
    "muted": "#57606a",
    "grid": "#d0d7de",
    "panel": "#f6f8fa",
}
# Outlines that tell groups apart (etcd's network partitions), distinct from the fills above.
OUTLINES = ("#0969da", "#8250df", "#bf3989", "#1a7f37", "#9a6700", "#57606a")


class Swatch(NamedTuple):
    """One legend entry: a label and how its swatch is drawn.

    `shape` is `box` (a filled square), `line` (a thick line) or `band` (a pale fill between a
    dashed `top` and `bottom` edge, for an allowed range).
    """

    label: str
    fill: str
    shape: str = "box"
    top: str = ""
    bottom: str = ""


def legend(*entries) -> list[Swatch]:
    """Legend entries from `(label, colour name[, shape[, top colour name, bottom colour name]])`.

    An unknown colour name is a KeyError, so every legend draws from the one table.
    """
    swatches = []
    for label, colour, *rest in entries:
        shape = rest[0] if rest else "box"
        edges = [COLOURS[name] for name in rest[1:]]
        swatches.append(Swatch(label, COLOURS[colour], shape, *edges))
    return swatches
