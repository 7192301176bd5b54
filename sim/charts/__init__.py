"""SVG geometry every simulator chart shares: scales and ticks, swimlanes, stacked bars, and legends
drawn from one colour table. The kinds' chart modules (`sim/charts_<kind>.py`) compose these; the
templates only place the shapes, in viewBox units.
"""

from .bars import stacked
from .colours import COLOURS, OUTLINES, Swatch, legend
from .scale import LinearScale, tick_step, time_ticks
from .swimlane import stack_lanes

__all__ = ["COLOURS", "OUTLINES", "LinearScale", "Swatch", "legend", "stack_lanes", "stacked", "tick_step", "time_ticks"]
