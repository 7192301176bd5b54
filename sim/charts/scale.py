"""Linear scales and time-axis ticks (viewBox units)."""

from __future__ import annotations

# Seconds between ticks: the first step that keeps the axis under its tick budget.
TICK_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


class LinearScale:
    """Maps a value in [0, end] onto [left, right]; right < left gives an upward y axis.

    Values outside [0, end] are clamped; `span` gives a bar's start and width, never thinner
    than `min_width` so that short events stay visible.
    """

    def __init__(self, left, right, end, *, min_width=0):
        self.left = left
        self.right = right
        self.end = max(end, 1)
        self.min_width = min_width

    def x(self, value):
        return round(self.left + min(max(value, 0), self.end) / self.end * (self.right - self.left), 2)

    __call__ = x

    def span(self, start, stop):
        x0 = self.x(start)
        return x0, max(round(self.x(stop) - x0, 2), self.min_width)


def tick_step(end, max_ticks, steps=TICK_STEPS_S):
    """The smallest step in `steps` giving at most `max_ticks` intervals over [0, end]."""
    for step in steps:
        if end / step <= max_ticks:
            return step
    return steps[-1] * (int(end / (steps[-1] * max_ticks)) + 1)


def time_ticks(scale, end, step, label):
    """One tick per `step` from 0 to `end`: its x and `label(t)`."""
    return [{"x": scale.x(t), "label": label(t)} for t in range(0, end + 1, step)]
