"""Swimlanes: one horizontal lane per thing, bars along a time axis."""

from __future__ import annotations


def stack_lanes(lanes, *, top, lane_height, bar_height):
    """Give each lane dict its y, bar_y, bar_height and text_y (top to bottom); returns the plot's bottom."""
    for index, lane in enumerate(lanes):
        y = top + index * lane_height
        lane["y"] = y
        lane["bar_y"] = y + (lane_height - bar_height) / 2
        lane["bar_height"] = bar_height
        lane["text_y"] = y + lane_height / 2 + 4
    return top + len(lanes) * lane_height
