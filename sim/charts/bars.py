"""Stacked bars: segments piled upward on a y scale."""

from __future__ import annotations


def stacked(y, values):
    """Segments for `values` stacked from 0 on the y scale `y`: (value, top, height) each, bottom first.

    Tops come from the running total, so rounding never accumulates up the stack.
    """
    segments = []
    total = 0
    below = y(0)
    for value in values:
        total += value
        top = y(total)
        segments.append((value, top, round(below - top, 2)))
        below = top
    return segments
