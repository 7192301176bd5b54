"""The default kube-scheduler plugins this simulator models, one function per extension point.

Sources (kubernetes/kubernetes, pkg/scheduler/framework/plugins unless noted):

- nodeunschedulable/node_unschedulable.go Filter: reason "node(s) were unschedulable" unless the
  Pod tolerates the node.kubernetes.io/unschedulable:NoSchedule taint.
- nodename/node_name.go Filter: "node(s) didn't match the requested node name".
- tainttoleration/taint_toleration.go Filter (first NoSchedule/NoExecute taint not tolerated,
  v1helper.FindMatchingUntoleratedTaint, reason "node(s) had untolerated taint(s)"), Score (count
  of untolerated PreferNoSchedule taints, tolerations with an empty or PreferNoSchedule effect) and
  NormalizeScore (helper.DefaultNormalizeScore reversed).
- nodeaffinity/node_affinity.go PreFilter (Skip without nodeSelector and required terms), Filter
  ("node(s) didn't match Pod's node affinity/selector"), PreScore (Skip without preferred terms),
  Score (sum of the weights of matching preferred terms) and NormalizeScore (not reversed).
- noderesources/fit.go fitsRequest: "Too many pods", then "Insufficient cpu" / "Insufficient
  memory" when the Pod's request (> 0) is more than allocatable minus requested; the status is
  UnschedulableAndUnresolvable when the request alone is more than allocatable (preemption cannot
  help), else Unschedulable.
- noderesources/resource_allocation.go score: NodeResourcesFit scores with NonZeroRequested (the
  node's requests plus the Pod's, where a container without a cpu or memory request counts 100m /
  200Mi: schedutil.DefaultMilliCPURequest / DefaultMemoryRequest in pkg/scheduler/util/pod_resources.go,
  applied per container through component-helpers resource.PodRequests NonMissingContainerRequests);
  BalancedAllocation uses the requests as written. A resource with allocatable 0 is left out.
- noderesources/least_allocated.go leastRequestedScore ((capacity - requested) * 100 / capacity,
  0 when over capacity) and most_allocated.go mostRequestedScore (requested * 100 / capacity,
  requested capped at capacity); both average per-resource scores by weight (cpu 1, memory 1) with
  integer division.
- noderesources/balanced_allocation.go: PreScore returns Skip for a best-effort Pod (no cpu and no
  memory request, PR #130260); balancedResourceScore is int64((1 - std) * 100) over the usage
  fractions (each capped at 1; for two resources std = |f1 - f2| / 2); since PR #135573
  (Kubernetes 1.36) the score is 50 + (50 + scoreWithPod - scoreWithoutPod) / 2, so 75 means the Pod
  leaves the node's balance unchanged.
- helper/normalize_score.go DefaultNormalizeScore.
- apis/config/v1/default_plugins.go getDefaultPlugins: filter order and the score weights
  (TaintToleration 3, NodeAffinity 2, NodeResourcesFit 1, NodeResourcesBalancedAllocation 1).

Go's integer division truncates toward zero; every division below has non-negative operands, so
Python's floor division gives the same numbers. The float maths of balancedResourceScore is
IEEE-754 double in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ._sched_params import LEAST_ALLOCATED, Node, PodSpec, Requests, Taint

MAX_NODE_SCORE = 100
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024

UNSCHEDULABLE = "Unschedulable"
UNRESOLVABLE = "UnschedulableAndUnresolvable"

NODE_UNSCHEDULABLE = "NodeUnschedulable"
NODE_NAME = "NodeName"
TAINT_TOLERATION = "TaintToleration"
NODE_AFFINITY = "NodeAffinity"
NODE_PORTS = "NodePorts"
NODE_RESOURCES_FIT = "NodeResourcesFit"
BALANCED_ALLOCATION = "NodeResourcesBalancedAllocation"

FILTER_PLUGINS = (NODE_UNSCHEDULABLE, NODE_NAME, TAINT_TOLERATION, NODE_AFFINITY, NODE_PORTS, NODE_RESOURCES_FIT)
SCORE_WEIGHTS = {TAINT_TOLERATION: 3, NODE_AFFINITY: 2, NODE_RESOURCES_FIT: 1, BALANCED_ALLOCATION: 1}
SCORE_PLUGINS = (NODE_RESOURCES_FIT, BALANCED_ALLOCATION, TAINT_TOLERATION, NODE_AFFINITY)

ERR_UNSCHEDULABLE = "node(s) were unschedulable"
ERR_NODE_NAME = "node(s) didn't match the requested node name"
ERR_TAINT = "node(s) had untolerated taint(s)"
ERR_AFFINITY = "node(s) didn't match Pod's node affinity/selector"
UNSCHEDULABLE_TAINT = Taint("node.kubernetes.io/unschedulable", "", "NoSchedule")


@dataclass(frozen=True)
class Status:
    """A non-success plugin status: its code and reasons, as framework.Status carries them."""

    plugin: str
    code: str
    reasons: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"plugin": self.plugin, "code": self.code, "reasons": list(self.reasons)}


def pod_requests(containers: tuple[Requests, ...], init: tuple[Requests, ...], *, non_zero: bool) -> tuple[int, int]:
    """(millicores, bytes) like component-helpers resource.PodRequests: sum of containers, max with each init container.

    With `non_zero`, a container missing a cpu or memory request counts the scheduler's defaults
    (100m, 200Mi), as for scoring; an explicit 0 stays 0.
    """

    def one(requests: Requests) -> tuple[int, int]:
        cpu = requests.cpu_m if requests.cpu_m is not None else (DEFAULT_MILLI_CPU_REQUEST if non_zero else 0)
        memory = requests.memory if requests.memory is not None else (DEFAULT_MEMORY_REQUEST if non_zero else 0)
        return cpu, memory

    cpu = sum(one(c)[0] for c in containers)
    memory = sum(one(c)[1] for c in containers)
    for container in init:
        init_cpu, init_memory = one(container)
        cpu, memory = max(cpu, init_cpu), max(memory, init_memory)
    return cpu, memory


@lru_cache(maxsize=4096)
def _running_pod_requests(pod) -> tuple[int, int, int, int]:
    """A bound pod's (cpu, memory) as requested and as NonZeroRequested counts them; preemption asks often."""
    return (*pod_requests(pod.containers, pod.init_containers, non_zero=False),
            *pod_requests(pod.containers, pod.init_containers, non_zero=True))


class NodeState:
    """What NodeInfo holds for one node: allocatable, Requested, NonZeroRequested and the pods on it."""

    __slots__ = ("node", "pods", "requested", "non_zero", "pod_count")

    def __init__(self, node: Node, pods=None):
        self.node = node
        self.pods = list(node.pods if pods is None else pods)
        cpu, memory, nz_cpu, nz_memory = node.requested_cpu_m, node.requested_memory, node.requested_cpu_m, node.requested_memory
        for pod in self.pods:
            pod_cpu, pod_memory, pod_nz_cpu, pod_nz_memory = _running_pod_requests(pod)
            cpu, memory, nz_cpu, nz_memory = cpu + pod_cpu, memory + pod_memory, nz_cpu + pod_nz_cpu, nz_memory + pod_nz_memory
        self.requested = (cpu, memory)
        self.non_zero = (nz_cpu, nz_memory)
        self.pod_count = node.requested_pods + len(self.pods)

    def plus(self, pod) -> NodeState:
        """This state with one more bound pod, in constant time (preemption's reprieve loop adds pods back one by one)."""
        state = object.__new__(NodeState)
        cpu, memory, nz_cpu, nz_memory = _running_pod_requests(pod)
        state.node, state.pods = self.node, [*self.pods, pod]
        state.requested = (self.requested[0] + cpu, self.requested[1] + memory)
        state.non_zero = (self.non_zero[0] + nz_cpu, self.non_zero[1] + nz_memory)
        state.pod_count = self.pod_count + 1
        return state


def find_untolerated_taint(taints, tolerations) -> Taint | None:
    """v1helper.FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc (NoSchedule, NoExecute)."""
    for taint in taints:
        if taint.effect not in ("NoSchedule", "NoExecute"):
            continue
        if not any(t.tolerates(taint) for t in tolerations):
            return taint
    return None


def affinity_prefilter_skips(pod: PodSpec) -> bool:
    """NodeAffinity.PreFilter returns Skip without a nodeSelector and required node affinity."""
    return not pod.node_selector and pod.required is None


def matches_node_selector_and_affinity(pod: PodSpec, labels: dict[str, str], node_name: str) -> bool:
    """nodeaffinity.GetRequiredNodeAffinity(pod).Match: all nodeSelector pairs, and any required term."""
    if any(labels.get(key) != wanted for key, wanted in pod.node_selector):
        return False
    if pod.required is not None and not any(term.matches(labels, node_name) for term in pod.required):
        return False
    return True


def prefilter_node_names(pod: PodSpec) -> set[str] | None:
    """NodeAffinity.PreFilter's PreFilterResult: the nodes named by matchFields metadata.name In, or None for all.

    Terms are ORed, so one term without such a field means every node stays a candidate. The
    framework then marks every other node "node(s) didn't satisfy plugin(s) [NodeAffinity]"
    (schedule_one.go findNodesThatFitPod, SetAbsentNodesStatus). The DaemonSet controller pins its
    pods to their node this way (pkg/controller/daemon/util ReplaceDaemonSetPodNodeNameNodeAffinity).
    """
    if pod.required is None:
        return None
    names = set()
    for term in pod.required:
        term_names = term.node_names()
        if term_names is None:
            return None
        names |= term_names
    return names


PREFILTER_REASON = "node(s) didn't satisfy plugin(s) [NodeAffinity]"


def run_filters(pod: PodSpec, state: NodeState, pod_request: tuple[int, int]):
    """Run the filters in the default order and stop at the first failure (frameworkImpl.RunFilterPlugins).

    Returns (status or None, steps) where steps lists (plugin, "pass" | "fail" | "skip" | "not_run").
    """
    steps = []
    failure = None
    for plugin in FILTER_PLUGINS:
        if failure is not None:
            steps.append((plugin, "not_run"))
            continue
        if plugin == NODE_PORTS or (plugin == NODE_AFFINITY and affinity_prefilter_skips(pod)):
            steps.append((plugin, "skip"))
            continue
        failure = _filter(plugin, pod, state, pod_request)
        steps.append((plugin, "fail" if failure else "pass"))
        if failure is not None:
            failure = Status(plugin, failure[0], failure[1])
    return failure, steps


def _filter(plugin, pod, state, pod_request):
    node = state.node
    if plugin == NODE_UNSCHEDULABLE:
        if node.unschedulable and not any(t.tolerates(UNSCHEDULABLE_TAINT) for t in pod.tolerations):
            return UNRESOLVABLE, (ERR_UNSCHEDULABLE,)
    elif plugin == NODE_NAME:
        if pod.node_name and pod.node_name != node.name:
            return UNRESOLVABLE, (ERR_NODE_NAME,)
    elif plugin == TAINT_TOLERATION:
        if find_untolerated_taint(node.taints, pod.tolerations) is not None:
            return UNRESOLVABLE, (ERR_TAINT,)
    elif plugin == NODE_AFFINITY:
        if not matches_node_selector_and_affinity(pod, node.label_map, node.name):
            return UNRESOLVABLE, (ERR_AFFINITY,)
    elif plugin == NODE_RESOURCES_FIT:
        return fits_request(state, pod_request)
    return None


def fits_request(state: NodeState, pod_request: tuple[int, int]):
    """noderesources fitsRequest for pods, cpu and memory; (code, reasons) or None."""
    node = state.node
    reasons, unresolvable = [], False
    if state.pod_count + 1 > node.allocatable_pods:
        reasons.append("Too many pods")
    cpu, memory = pod_request
    if cpu or memory:
        if cpu > 0 and cpu > node.allocatable_cpu_m - state.requested[0]:
            reasons.append("Insufficient cpu")
            unresolvable |= cpu > node.allocatable_cpu_m
        if memory > 0 and memory > node.allocatable_memory - state.requested[1]:
            reasons.append("Insufficient memory")
            unresolvable |= memory > node.allocatable_memory
    if not reasons:
        return None
    return (UNRESOLVABLE if unresolvable else UNSCHEDULABLE), tuple(reasons)


# --- scores -------------------------------------------------------------------------------------


def least_requested_score(requested: int, capacity: int) -> int:
    """least_allocated.go leastRequestedScore."""
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_NODE_SCORE // capacity


def most_requested_score(requested: int, capacity: int) -> int:
    """most_allocated.go mostRequestedScore."""
    if capacity == 0:
        return 0
    return min(requested, capacity) * MAX_NODE_SCORE // capacity


def resource_scorer(strategy: str, requested: list[int], allocatable: list[int], weights=(1, 1)) -> int:
    """leastResourceScorer / mostResourceScorer: the weighted integer average over resources with allocatable > 0."""
    per_resource = least_requested_score if strategy == LEAST_ALLOCATED else most_requested_score
    node_score = weight_sum = 0
    for req, alloc, weight in zip(requested, allocatable, weights):
        if alloc == 0:
            continue
        node_score += per_resource(req, alloc) * weight
        weight_sum += weight
    return node_score // weight_sum if weight_sum else 0


def balanced_resource_score(requested: list[int], allocatable: list[int]) -> int:
    """balanced_allocation.go balancedResourceScore: int64((1 - std) * MaxNodeScore)."""
    fractions = []
    for req, alloc in zip(requested, allocatable):
        if alloc == 0:
            continue
        fractions.append(min(req / alloc, 1.0))
    std = 0.0
    if len(fractions) == 2:
        std = abs((fractions[0] - fractions[1]) / 2)
    elif len(fractions) > 2:
        mean = sum(fractions) / len(fractions)
        std = (sum((f - mean) * (f - mean) for f in fractions) / len(fractions)) ** 0.5
    return int((1 - std) * MAX_NODE_SCORE)


def balanced_resource_scorer(requested: list[int], allocated: list[int], allocatable: list[int]) -> int:
    """balancedResourceScorer since PR #135573: the change in balance the Pod brings, mapped to 50..100."""
    with_pod = balanced_resource_score(requested, allocatable)
    without_pod = balanced_resource_score(allocated, allocatable)
    return MAX_NODE_SCORE // 2 + (MAX_NODE_SCORE // 2 + with_pod - without_pod) // 2


def fit_score(strategy: str, state: NodeState, pod_non_zero: tuple[int, int]) -> int:
    """NodeResourcesFit.Score: NonZeroRequested of node plus Pod against allocatable."""
    allocatable = [state.node.allocatable_cpu_m, state.node.allocatable_memory]
    requested = [state.non_zero[0] + pod_non_zero[0], state.non_zero[1] + pod_non_zero[1]]
    return resource_scorer(strategy, requested, allocatable)


def balanced_score(state: NodeState, pod_request: tuple[int, int]) -> int:
    """NodeResourcesBalancedAllocation.Score: requests as written, with and without the Pod."""
    allocatable = [state.node.allocatable_cpu_m, state.node.allocatable_memory]
    allocated = list(state.requested)
    requested = [allocated[0] + pod_request[0], allocated[1] + pod_request[1]]
    return balanced_resource_scorer(requested, allocated, allocatable)


def taint_score(pod: PodSpec, node: Node) -> int:
    """TaintToleration.Score: untolerated PreferNoSchedule taints (tolerations with effect "" or PreferNoSchedule)."""
    tolerations = [t for t in pod.tolerations if t.effect in ("", "PreferNoSchedule")]
    return sum(1 for taint in node.taints
               if taint.effect == "PreferNoSchedule" and not any(t.tolerates(taint) for t in tolerations))


def affinity_score(pod: PodSpec, node: Node) -> int:
    """NodeAffinity.Score: the sum of the weights of the preferred terms the node matches."""
    labels = node.label_map
    return sum(p.weight for p in pod.preferred if p.term.matches(labels, node.name))


def default_normalize_score(scores: list[int], *, reverse: bool, max_priority: int = MAX_NODE_SCORE) -> list[int]:
    """helper.DefaultNormalizeScore: scale to 0..max by the highest score, optionally reversed."""
    max_count = max(scores, default=0)
    if max_count == 0:
        return [max_priority if reverse else 0 for _ in scores]
    result = []
    for score in scores:
        score = max_priority * score // max_count
        result.append(max_priority - score if reverse else score)
    return result
