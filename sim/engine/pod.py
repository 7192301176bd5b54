"""Pod lifecycle simulator: a pod's containers, probes and phase as the kubelet runs them.

The parameters live in `_pod_params`, the kubelet rules (with their source references) in
`_pod_kubelet`, and what a run reports in `_pod_report`.
"""

from __future__ import annotations

from ._pod_kubelet import PodSimulation
from ._pod_params import MAX_HORIZON, PROBE_FIELDS, PROBE_KINDS, RESTART_POLICIES, Params, Probe, parse_params
from ._pod_report import Result
from .errors import ParamError

KIND = "pod-lifecycle"


def simulate(params: Params) -> Result:
    """Run the pod for params.horizon_seconds and return its timeline."""
    return PodSimulation(params).run()


__all__ = [
    "KIND", "MAX_HORIZON", "PROBE_FIELDS", "PROBE_KINDS", "RESTART_POLICIES",
    "ParamError", "Params", "Probe", "Result", "parse_params", "simulate",
]
