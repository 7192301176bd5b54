"""DefaultPreemption's PostFilter and the FailedScheduling message, as the current scheduler builds them.

Sources (kubernetes/kubernetes):

- pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go: PodEligibleToPreemptOthers
  ("not eligible due to preemptionPolicy=Never."), SelectVictimsOnNode (remove every lower-priority
  pod; "No preemption victims found for incoming pod" when there is none; if the Pod still does not
  fit, the filter's status; else reprieve victims from the highest priority down while the Pod
  still fits), PostFilter (prefixes the message with "preemption: ").
- pkg/scheduler/framework/preemption/preemption.go: Preempt / findCandidates (only nodes whose
  filter status is Unschedulable are tried; the others count as "Preemption is not helpful for
  scheduling" through SetAbsentNodesStatus), pickOneNodeForPreemption (fewest PDB violations, lowest
  highest-victim priority, smallest sum of priorities each offset by MaxInt32+1, fewest victims,
  latest start time, then the first candidate).
- pkg/scheduler/framework/types.go FitError.Error(): "0/N nodes are available: " then the reasons
  counted over nodes, formatted "%v %v" (count, reason), sorted with sort.Strings and joined with
  ", ", then "." and the PostFilter message after a space.
- pkg/scheduler/framework/runtime/framework.go RunPostFilterPlugins: the PostFilter plugins run in
  order (DynamicResources before DefaultPreemption, apis/config/v1/default_plugins.go
  applyFeatureGates); their rejection reasons are joined with ", ". DynamicResources.PostFilter
  answers "no new claims to deallocate" for a Pod without ResourceClaims. On success the messages
  are dropped.

Not modelled: PodDisruptionBudgets (every candidate has 0 violations), pod start times (victims of
equal priority keep the order they are listed in; the start-time criterion ties), nominated pods
and extenders. Ties left after every criterion are broken in Go by map iteration order; here the
first candidate in scenario order wins.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._sched_plugins import UNSCHEDULABLE, NodeState, Status, run_filters

INT32_MAX = 2**31 - 1
DRA_POSTFILTER_MESSAGE = "no new claims to deallocate"
NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"
NEVER = "not eligible due to preemptionPolicy=Never."


@dataclass(frozen=True)
class Candidate:
    node: str
    victims: tuple  # RunningPod, highest priority first
    num_pdb_violations: int = 0

    def to_dict(self) -> dict:
        priorities = [v.priority for v in self.victims]
        return {
            "node": self.node,
            "victims": [{"name": v.name, "priority": v.priority} for v in self.victims],
            "num_pdb_violations": self.num_pdb_violations,
            "highest_priority": max(priorities),
            "sum_priorities": sum(p + INT32_MAX + 1 for p in priorities),
            "count": len(priorities),
        }


def fit_error_message(num_nodes: int, statuses: list[Status], post_filter_message: str = "") -> str:
    """FitError.Error() for a Filter failure on every node."""
    counts: dict[str, int] = {}
    for status in statuses:
        for reason in status.reasons:
            counts[reason] = counts.get(reason, 0) + 1
    message = f"0/{num_nodes} nodes are available:"
    histogram = sorted(f"{count} {reason}" for reason, count in counts.items())
    if histogram:
        message += f" {', '.join(histogram)}."
    if post_filter_message:
        message += f" {post_filter_message}"
    return message


def select_victims_on_node(pod, pod_request, state: NodeState):
    """SelectVictimsOnNode without PDBs: (victims highest priority first, None) or (None, Status)."""
    potential = [p for p in state.pods if p.priority < pod.priority]
    if not potential:
        return None, Status("DefaultPreemption", "UnschedulableAndUnresolvable", (NO_VICTIMS,))
    remaining = NodeState(state.node, [p for p in state.pods if p.priority >= pod.priority])
    failure, _ = run_filters(pod, remaining, pod_request)
    if failure is not None:
        return None, failure
    # MoreImportantPod: higher priority first; equal priorities keep the listed order (start times not modelled).
    potential.sort(key=lambda p: -p.priority)
    victims = []
    for candidate in potential:
        trial = remaining.plus(candidate)
        failure, _ = run_filters(pod, trial, pod_request)
        if failure is None:
            remaining = trial
        else:
            victims.append(candidate)
    return victims, None


def pick_one_node_for_preemption(candidates: list[Candidate]) -> tuple[Candidate, list[dict]]:
    """pickOneNodeForPreemption's criteria in order; also returns which criterion decided and the ties left."""
    criteria = [
        ("fewest_pdb_violations", lambda c: -c.num_pdb_violations),
        ("lowest_highest_priority", lambda c: -max(v.priority for v in c.victims)),
        ("smallest_priority_sum", lambda c: -sum(v.priority + INT32_MAX + 1 for v in c.victims)),
        ("fewest_victims", lambda c: -len(c.victims)),
        ("latest_start_time", lambda c: 0),
    ]
    remaining = list(candidates)
    trail = []
    for name, score in criteria:
        best = max(score(c) for c in remaining)
        remaining = [c for c in remaining if score(c) == best]
        trail.append({"criterion": name, "nodes": [c.node for c in remaining]})
        if len(remaining) == 1:
            break
    return remaining[0], trail


def preempt(pod, pod_request, states: dict[str, NodeState], statuses: dict[str, Status]):
    """DefaultPreemption.PostFilter: (report dict, status message or "" on success)."""
    if pod.preemption_policy == "Never":
        return {"eligible": False, "candidates": [], "chosen": None, "nominated_node_name": None,
                "node_statuses": [], "trail": [], "message": "preemption: " + NEVER}, "preemption: " + NEVER
    candidates, node_statuses = [], []
    potential = [name for name, status in statuses.items() if status.code == UNSCHEDULABLE]
    for name in potential:
        victims, status = select_victims_on_node(pod, pod_request, states[name])
        if victims:
            candidates.append(Candidate(name, tuple(victims)))
        else:
            node_statuses.append((name, status))
    report = {
        "eligible": True,
        "potential_nodes": potential,
        "candidates": [c.to_dict() for c in candidates],
        "node_statuses": [{"node": name, **status.to_dict()} for name, status in node_statuses],
        "chosen": None,
        "nominated_node_name": None,
        "trail": [],
    }
    if not candidates:
        absent = [Status("DefaultPreemption", "UnschedulableAndUnresolvable", (NOT_HELPFUL,))] * (
            len(states) - len(node_statuses))
        message = "preemption: " + fit_error_message(len(states), [s for _, s in node_statuses] + absent)
        report["message"] = message
        return report, message
    chosen, trail = pick_one_node_for_preemption(candidates)
    report.update(chosen=chosen.node, nominated_node_name=chosen.node, trail=trail, message="")
    return report, ""
