"""Pod lifecycle simulator: a pod's containers, probes and phase as the kubelet runs them.

First cut: parameters are final; the simulation below is a placeholder that the kubelet-faithful
engine replaces.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ._pod_params import Params, Probe, parse_params
from .errors import ParamError

KIND = "pod-lifecycle"


@dataclass
class Result:
    """The outcome of a run, JSON-ready through to_dict()."""

    horizon_seconds: int
    events: list = field(default_factory=list)
    phases: list = field(default_factory=list)
    conditions: list = field(default_factory=list)
    status_column: list = field(default_factory=list)
    restarts: int = 0
    restart_delays: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "horizon_seconds": self.horizon_seconds,
            "events": self.events,
            "phases": self.phases,
            "conditions": self.conditions,
            "status_column": self.status_column,
            "restarts": self.restarts,
            "restart_delays": self.restart_delays,
        }


def simulate(params: Params) -> Result:
    """Run the pod for params.horizon_seconds and return its timeline."""
    result = Result(horizon_seconds=params.horizon_seconds)
    result.events.append({"t": 0, "type": "Scheduled", "container": "", "message": "Successfully assigned default/demo to node-1"})
    result.phases.append({"t": 0, "phase": "Pending"})
    result.conditions.append({"t": 0, "type": "PodScheduled", "status": "True"})
    result.status_column.append({"t": 0, "status": "Pending", "ready": "0/1", "restarts": 0})
    started = params.image_pull_seconds
    if started < params.horizon_seconds and not params.image_pull_fails:
        result.events.append({"t": started, "type": "Started", "container": "app", "message": "Started container app"})
        result.phases.append({"t": started, "phase": "Running"})
        result.status_column.append({"t": started, "status": "Running", "ready": "1/1", "restarts": 0})
    return result


__all__ = ["KIND", "ParamError", "Params", "Probe", "Result", "parse_params", "simulate"]
