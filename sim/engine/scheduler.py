"""kube-scheduler simulator: one scheduling cycle of one Pod, filter by filter and score by score.

The run follows kubernetes pkg/scheduler/schedule_one.go for the current release:

- schedulePod / findNodesThatFitPod: every node is checked (below 100 nodes
  numFeasibleNodesToFind checks them all) unless NodeAffinity's PreFilterResult (matchFields
  metadata.name In) names the candidates; the filters run in the default order and stop at the
  first failure (see _sched_plugins.py for each plugin and its source).
- With exactly one feasible node the scheduler takes it without scoring ("When only one node after
  predicate, just use it").
- prioritizeNodes: PreScore (a plugin answering Skip does not score), Score, NormalizeScore, then
  each score times the plugin's weight, summed per node.
- selectHost: a node with the highest total, chosen uniformly at random among ties (reservoir
  sampling with math/rand). Here the tie is broken by Python's random.Random(seed), a seeded
  generator that is not Go's: the same seed gives the same choice on every run of this simulator,
  not the choice a real scheduler would make.
- When no node fits: the PostFilter plugins (DynamicResources, then DefaultPreemption) and the
  FailedScheduling event with FitError's message (see _sched_preemption.py).

Modelled: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity (nodeSelector, required and
preferred matchExpressions, matchFields on metadata.name), NodeResourcesFit (pods, cpu, memory; LeastAllocated or MostAllocated
scoring), NodeResourcesBalancedAllocation and DefaultPreemption without PDBs. Simplified: NodePorts
skips (no host ports modelled); PodTopologySpread and InterPodAffinity skip (the Pod has no labels,
owners or pod affinity), ImageLocality scores 0 on every node (no images modelled) and the volume
plugins find nothing to check, so none of these changes a total; ephemeral storage, extended
resources, pod overhead and pod-level resources are not modelled. A Pod with
spec.nodeName set never reaches the scheduler (the kubelet admits it directly); the run says so
and shows what the filters would say.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

from ._sched_params import (
    LEAST_ALLOCATED,
    MAX_NODES,
    MAX_SCENARIO_BYTES,
    MOST_ALLOCATED,
    PARAM_NAMES,
    STRATEGIES,
    Params,
    load_scenario,
    parse_params,
)
from ._sched_plugins import (
    BALANCED_ALLOCATION,
    FILTER_PLUGINS,
    NODE_AFFINITY,
    NODE_RESOURCES_FIT,
    PREFILTER_REASON,
    SCORE_PLUGINS,
    SCORE_WEIGHTS,
    TAINT_TOLERATION,
    UNRESOLVABLE,
    NodeState,
    Status,
    affinity_score,
    balanced_score,
    default_normalize_score,
    fit_score,
    pod_requests,
    prefilter_node_names,
    run_filters,
    taint_score,
)
from ._sched_preemption import DRA_POSTFILTER_MESSAGE, fit_error_message, preempt
from ._sched_presets import DEFAULT_PRESET, PRESETS
from ._sched_quantity import format_cpu, format_memory
from .errors import ParamError

KIND = "scheduler"
SCHEDULER_NAME = "default-scheduler"


@dataclass(frozen=True)
class Result:
    """A finished scheduling cycle; `data` is already JSON-ready."""

    data: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return self.data


def simulate(params: Params) -> Result:
    """Run one scheduling cycle for the scenario's Pod."""
    cluster = params.cluster
    pod = cluster.pod
    request = pod_requests(pod.containers, pod.init_containers, non_zero=False)
    non_zero = pod_requests(pod.containers, pod.init_containers, non_zero=True)
    states = {node.name: NodeState(node) for node in cluster.nodes}

    rows, statuses, feasible = [], {}, []
    candidates = prefilter_node_names(pod)
    for node in cluster.nodes:
        state = states[node.name]
        if candidates is None or node.name in candidates:
            status, steps = run_filters(pod, state, request)
        else:
            status = Status(NODE_AFFINITY, UNRESOLVABLE, (PREFILTER_REASON,))
            steps = [(plugin, "prefiltered") for plugin in FILTER_PLUGINS]
        if status is None:
            feasible.append(node.name)
        else:
            statuses[node.name] = status
        rows.append({
            "name": node.name,
            "allocatable": {"cpu_m": node.allocatable_cpu_m, "memory": node.allocatable_memory,
                            "pods": node.allocatable_pods},
            "requested": {"cpu_m": state.requested[0], "memory": state.requested[1], "pods": state.pod_count},
            "non_zero_requested": {"cpu_m": state.non_zero[0], "memory": state.non_zero[1]},
            "labels": dict(node.labels),
            "taints": [t.to_dict() for t in node.taints],
            "unschedulable": node.unschedulable,
            "running_pods": [{"name": p.name, "priority": p.priority} for p in node.pods],
            "filter": None if status is None else status.to_dict(),
            "filter_steps": [{"plugin": plugin, "outcome": outcome} for plugin, outcome in steps],
            "scores": None,
            "total": None,
        })

    best_effort = request == (0, 0)
    scoring_skipped = len(feasible) == 1
    skipped_plugins = []
    if best_effort:
        skipped_plugins.append(BALANCED_ALLOCATION)
    if not pod.preferred:
        skipped_plugins.append(NODE_AFFINITY)
    selected, chosen = [], None
    if len(feasible) > 1:
        _score(params, pod, states, rows, feasible, request, non_zero, skipped_plugins)
        by_name = {row["name"]: row for row in rows}
        best = max(by_name[name]["total"] for name in feasible)
        selected = [name for name in feasible if by_name[name]["total"] == best]
        chosen = random.Random(params.seed).choice(selected)
    elif feasible:
        selected, chosen = list(feasible), feasible[0]

    bypassed = bool(pod.node_name)
    preemption, message, events, victim_events = None, None, [], []
    if bypassed:
        chosen, selected = None, []
    elif chosen is not None:
        events.append(_event("Normal", "Scheduled", f"Successfully assigned {pod.namespace}/{pod.name} to {chosen}"))
    else:
        preemption, post_message = preempt(pod, request, states, statuses)
        post_filter = f"{DRA_POSTFILTER_MESSAGE}, {post_message}" if post_message else ""
        message = fit_error_message(len(cluster.nodes), list(statuses.values()), post_filter)
        events.append(_event("Warning", "FailedScheduling", message))
        if preemption["chosen"]:
            victims = next(c for c in preemption["candidates"] if c["node"] == preemption["chosen"])["victims"]
            for victim in victims:
                # preemption.go PreemptPod: "Preempted by pod %v on node %v" with the preemptor's UID.
                victim_events.append({**_event("Normal", "Preempted",
                                               f"Preempted by pod {pod_uid(pod)} on node {preemption['chosen']}"),
                                      "object": victim["name"]})

    return Result({
        "kind": KIND,
        "strategy": params.strategy,
        "seed": params.seed,
        "pod": {
            "name": pod.name,
            "namespace": pod.namespace,
            "uid": pod_uid(pod),
            "priority": pod.priority,
            "preemption_policy": pod.preemption_policy,
            "node_name": pod.node_name,
            "requests": {"cpu_m": request[0], "memory": request[1]},
            "non_zero_requests": {"cpu_m": non_zero[0], "memory": non_zero[1]},
            "best_effort": best_effort,
            "node_selector": dict(pod.node_selector),
            "tolerations": [t.to_dict() for t in pod.tolerations],
            "has_required_affinity": pod.required is not None,
            "preferred_terms": len(pod.preferred),
        },
        "filter_plugins": list(FILTER_PLUGINS),
        "score_plugins": [{"name": name, "weight": SCORE_WEIGHTS[name], "skipped": name in skipped_plugins}
                          for name in SCORE_PLUGINS],
        "nodes": rows,
        "feasible": feasible,
        "selected": selected,
        "chosen": chosen,
        "scoring_skipped": scoring_skipped,
        "bypassed": bypassed,
        "message": message,
        "events": events,
        "victim_events": victim_events,
        "preemption": preemption,
        "nominated_node_name": preemption["nominated_node_name"] if preemption else None,
        "ignored_fields": list(cluster.ignored),
    })


def _score(params, pod, states, rows, feasible, request, non_zero, skipped):
    """prioritizeNodes over the feasible nodes: raw, normalized and weighted score per plugin."""
    raw = {
        NODE_RESOURCES_FIT: [fit_score(params.strategy, states[n], non_zero) for n in feasible],
        BALANCED_ALLOCATION: [balanced_score(states[n], request) for n in feasible],
        TAINT_TOLERATION: [taint_score(pod, states[n].node) for n in feasible],
        NODE_AFFINITY: [affinity_score(pod, states[n].node) for n in feasible],
    }
    normalized = {
        NODE_RESOURCES_FIT: raw[NODE_RESOURCES_FIT],
        BALANCED_ALLOCATION: raw[BALANCED_ALLOCATION],
        TAINT_TOLERATION: default_normalize_score(raw[TAINT_TOLERATION], reverse=True),
        NODE_AFFINITY: default_normalize_score(raw[NODE_AFFINITY], reverse=False),
    }
    by_name = {row["name"]: row for row in rows}
    for i, name in enumerate(feasible):
        scores, total = {}, 0
        for plugin in SCORE_PLUGINS:
            weight = SCORE_WEIGHTS[plugin]
            if plugin in skipped:
                scores[plugin] = {"skipped": True, "raw": None, "normalized": None, "weight": weight, "weighted": 0}
                continue
            weighted = normalized[plugin][i] * weight
            scores[plugin] = {"skipped": False, "raw": raw[plugin][i], "normalized": normalized[plugin][i],
                              "weight": weight, "weighted": weighted}
            total += weighted
        by_name[name]["scores"] = scores
        by_name[name]["total"] = total


def pod_uid(pod) -> str:
    """A stand-in for the Pod's metadata.uid: a UUID derived from its namespace and name, stable across runs."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"kubeprep-scheduler/{pod.namespace}/{pod.name}"))


def _event(kind, reason, message):
    return {"type": kind, "reason": reason, "from": SCHEDULER_NAME, "message": message}


__all__ = [
    "DEFAULT_PRESET", "KIND", "LEAST_ALLOCATED", "MAX_NODES", "MAX_SCENARIO_BYTES", "MOST_ALLOCATED", "PARAM_NAMES",
    "PRESETS", "STRATEGIES", "ParamError", "Params", "Result", "format_cpu", "format_memory", "load_scenario",
    "parse_params", "simulate",
]
