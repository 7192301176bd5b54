"""The scheduler engine against the kube-scheduler source and its plugin unit tests.

Expected scores marked "upstream" are copied, inputs and results, from kubernetes
pkg/scheduler/framework/plugins/noderesources/least_allocated_test.go, most_allocated_test.go,
balanced_allocation_test.go, tainttoleration/taint_toleration_test.go and
nodeaffinity/node_affinity_test.go. In those tests cpu "4000" means 4000 cores and memory "10000"
means 10000 bytes; the scenarios below use the same numbers.
"""

import json
from fractions import Fraction

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine import ParamError, scheduler
from sim.engine._sched_plugins import balanced_resource_score, balanced_resource_scorer, default_normalize_score, resource_scorer
from sim.engine._sched_quantity import QuantityError, format_cpu, format_memory, milli_value, parse_quantity, value


def run(scenario, **raw):
    text = scenario if isinstance(scenario, str) else yaml.safe_dump(scenario, sort_keys=False)
    return scheduler.simulate(scheduler.parse_params({"scenario": text, **raw})).to_dict()


def node(name, cpu, memory, **extra):
    return {"name": name, "allocatable": {"cpu": str(cpu), "memory": str(memory)}, **extra}


def scores(result, plugin, key="normalized"):
    return {row["name"]: row["scores"][plugin][key] for row in result["nodes"] if row["scores"]}


def container(cpu, memory):
    return {"resources": {"requests": {"cpu": str(cpu), "memory": str(memory)}}}


CPU_AND_MEMORY = [container(1000, 2000), container(2000, 3000)]


# --- quantities: apimachinery resource.Quantity ----------------------------------------------------------


@pytest.mark.parametrize(("text", "milli"), [("1500m", 1500), ("0.5", 500), ("2", 2000), (4, 4000), ("1e3", 1_000_000),
                                             ("0.0001", 1), ("100u", 1), ("1k", 1_000_000)])
def test_cpu_quantities_become_millicores_rounded_up(text, milli):
    assert milli_value(parse_quantity(text)) == milli


@pytest.mark.parametrize(("text", "amount"), [("2Gi", 2 * 2**30), ("512Mi", 512 * 2**20), ("1.5Gi", 3 * 2**29),
                                              ("1G", 10**9), ("128974848", 128974848), ("129e6", 129_000_000),
                                              ("100m", 1), ("0.5", 1)])
def test_memory_quantities_become_bytes_rounded_up(text, amount):
    assert value(parse_quantity(text)) == amount


@pytest.mark.parametrize("text", ["Gi", "1.5.5", "1 Gi", "1gi", "-1", "1e99", "0x10", "", "1Mi1", True, None, [1]])
def test_invalid_quantities_are_refused(text):
    with pytest.raises(QuantityError):
        parse_quantity(text)


def test_quantities_print_as_kubectl_prints_them():
    assert (format_cpu(1500), format_cpu(4000), format_memory(2 * 2**30), format_memory(1000)) == ("1500m", "4", "2Gi", "1000")
    assert parse_quantity("0.1") == Fraction(1, 10)


# --- LeastAllocated: least_allocated_test.go TestLeastAllocatedScoringStrategy (upstream) -------------------


def test_least_allocated_nothing_scheduled_differently_sized_nodes():
    result = run({"nodes": [node("node1", 4000, 10000), node("node2", 6000, 10000)],
                  "pod": {"containers": CPU_AND_MEMORY}})
    assert scores(result, "NodeResourcesFit") == {"node1": 37, "node2": 50}


@pytest.mark.parametrize(("node2_memory", "expected"), [(20000, {"node1": 57, "node2": 45}),
                                                        (50000, {"node1": 57, "node2": 60})])
def test_least_allocated_resources_requested_pods_scheduled_with_resources(node2_memory, expected):
    result = run({"nodes": [
        node("node1", 10000, 20000, pods=[{"containers": [container(3000, 0)]}]),
        node("node2", 10000, node2_memory, pods=[{"containers": [container(3000, 5000)]}]),
    ], "pod": {"containers": CPU_AND_MEMORY}})
    assert scores(result, "NodeResourcesFit") == expected


def test_least_allocated_no_resources_requested_pods_scheduled_with_resources():
    result = run({"nodes": [
        node("node1", 10000, 20000, pods=[{"containers": [container(3000, 0)]}, {"containers": [container(3000, 0)]}]),
        node("node2", 10000, 20000, pods=[{"containers": [container(3000, 0)]}, {"containers": [container(3000, 5000)]}]),
    ], "pod": {"containers": []}})
    assert scores(result, "NodeResourcesFit") == {"node1": 70, "node2": 57}


def test_least_allocated_weights_memory_2_cpu_1():
    # Upstream case "resources requested with different weight on CPU and memory": 41 and 50.
    assert resource_scorer("LeastAllocated", [3000, 5000], [4000, 10000], weights=(1, 2)) == 41
    assert resource_scorer("LeastAllocated", [3000, 5000], [6000, 10000], weights=(1, 2)) == 50


def test_requests_over_capacity_score_zero_and_zero_allocatable_is_left_out():
    assert resource_scorer("LeastAllocated", [6000, 0], [4000, 10000]) == 50
    assert resource_scorer("LeastAllocated", [6000, 5000], [4000, 10000]) == 25
    assert resource_scorer("LeastAllocated", [3000, 5000], [0, 0]) == 0


# --- MostAllocated: most_allocated_test.go (upstream) ----------------------------------------------------------


def test_most_allocated_matches_the_upstream_cases():
    result = run({"nodes": [node("node1", 4000, 10000), node("node2", 6000, 10000)],
                  "pod": {"containers": CPU_AND_MEMORY}}, strategy="MostAllocated")
    assert scores(result, "NodeResourcesFit") == {"node1": 62, "node2": 50}
    result = run({"nodes": [
        node("node1", 10000, 20000, pods=[{"containers": [container(3000, 0)]}]),
        node("node2", 10000, 20000, pods=[{"containers": [container(3000, 5000)]}]),
    ], "pod": {"containers": CPU_AND_MEMORY}}, strategy="MostAllocated")
    assert scores(result, "NodeResourcesFit") == {"node1": 42, "node2": 55}


# --- BalancedAllocation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("requested", "allocatable", "expected"), [
    ([0, 0], [4000, 10000], 100),          # nothing scheduled, nothing requested
    ([3000, 5000], [4000, 10000], 87),     # nothing scheduled, resources requested, differently sized nodes
    ([3000, 5000], [6000, 10000], 100),
    ([6000, 5000], [10000, 20000], 82),    # resources requested, pods scheduled with resources
    ([6000, 10000], [10000, 20000], 95),
    ([6000, 10000], [10000, 50000], 80),   # ... differently sized nodes
    ([6000, 0], [4000, 10000], 50),        # requested resources exceed node capacity: fraction capped at 1
])
def test_balanced_score_with_the_pod_matches_the_upstream_cases(requested, allocatable, expected):
    # balanced_allocation_test.go before PR #135573 expected exactly this with-pod score.
    assert balanced_resource_score(requested, allocatable) == expected


def test_balanced_allocation_scores_the_change_in_balance_since_1_36():
    # PR #135573: no change 75, perfectly balanced to perfectly unbalanced 50, the reverse 100.
    assert balanced_resource_scorer([5000, 5000], [5000, 5000], [10000, 10000]) == 75
    assert balanced_resource_scorer([4000, 4000], [2000, 2000], [10000, 10000]) == 75
    assert balanced_resource_scorer([10000, 0], [5000, 0], [10000, 10000]) == 50 + (50 + 50 - 75) // 2
    assert balanced_resource_scorer([10000, 0], [0, 0], [10000, 10000]) == 50
    assert balanced_resource_scorer([10000, 10000], [10000, 0], [10000, 10000]) == 100


def test_balanced_allocation_through_a_run_uses_requests_as_written():
    # Upstream scenario "resources requested, pods scheduled with resources": with the pod 82 and 95,
    # without it 85 (0.3 / 0) and 97 (0.3 / 0.25): 50 + (50 + 82 - 85) // 2 = 73, 50 + (50 + 95 - 97) // 2 = 74.
    result = run({"nodes": [
        node("node1", 10000, 20000, pods=[{"containers": [container(1000, 0), container(2000, 0)]}]),
        node("node2", 10000, 20000, pods=[{"containers": CPU_AND_MEMORY}]),
    ], "pod": {"containers": CPU_AND_MEMORY}})
    assert scores(result, "NodeResourcesBalancedAllocation") == {"node1": 73, "node2": 74}


def test_balanced_allocation_skips_a_best_effort_pod():
    result = run(scheduler.PRESETS["best-effort-pod"].yaml)
    assert all(row["scores"]["NodeResourcesBalancedAllocation"]["skipped"] for row in result["nodes"])
    assert result["pod"]["best_effort"] and result["pod"]["non_zero_requests"] == {"cpu_m": 100, "memory": 200 * 2**20}


def test_missing_requests_count_100m_and_200mi_per_container_for_scoring_only():
    result = run({"nodes": [node("a", "1", "1Gi"), node("b", "1", "1Gi")],
                  "pod": {"containers": [{"name": "x"}, container("0", "0"), {"resources": {"requests": {"cpu": "1"}}}]}})
    assert result["pod"]["requests"] == {"cpu_m": 1000, "memory": 0}
    assert result["pod"]["non_zero_requests"] == {"cpu_m": 1100, "memory": 400 * 2**20}
    assert result["feasible"] == ["a", "b"]


# --- TaintToleration: taint_toleration_test.go (upstream) --------------------------------------------------------


def taint(key, value, effect):
    return {"key": key, "value": value, "effect": effect}


def toleration(key, value, effect):
    return {"key": key, "operator": "Equal", "value": value, "effect": effect}


def test_taint_toleration_scores_match_the_upstream_cases():
    result = run({"nodes": [node("nodea", 1, "1Gi", taints=[taint("foo", "bar", "PreferNoSchedule")]),
                            node("nodeb", 1, "1Gi", taints=[taint("foo", "blah", "PreferNoSchedule")])],
                  "pod": {"tolerations": [toleration("foo", "bar", "PreferNoSchedule")]}})
    assert scores(result, "TaintToleration") == {"nodea": 100, "nodeb": 0}

    result = run({"nodes": [
        node("nodea", 1, "1Gi"),
        node("nodeb", 1, "1Gi", taints=[taint("cpu-type", "arm64", "PreferNoSchedule")]),
        node("nodec", 1, "1Gi", taints=[taint("cpu-type", "arm64", "PreferNoSchedule"),
                                        taint("disk-type", "ssd", "PreferNoSchedule")]),
    ], "pod": {"tolerations": [toleration("foo", "bar", "PreferNoSchedule")]}})
    assert scores(result, "TaintToleration") == {"nodea": 100, "nodeb": 50, "nodec": 0}
    assert scores(result, "TaintToleration", "raw") == {"nodea": 0, "nodeb": 1, "nodec": 2}

    result = run({"nodes": [
        node("nodea", 1, "1Gi"),
        node("nodeb", 1, "1Gi", taints=[taint("cpu-type", "arm64", "NoSchedule")]),
        node("nodec", 1, "1Gi", taints=[taint("cpu-type", "arm64", "PreferNoSchedule"),
                                        taint("disk-type", "ssd", "PreferNoSchedule")]),
    ], "pod": {"tolerations": [toleration("cpu-type", "arm64", "NoSchedule"), toleration("disk-type", "ssd", "NoSchedule")]}})
    assert scores(result, "TaintToleration") == {"nodea": 100, "nodeb": 100, "nodec": 0}


@pytest.mark.parametrize(("tolerations", "taints", "passes"), [
    ([], [taint("dedicated", "user1", "NoSchedule")], False),
    ([toleration("dedicated", "user1", "NoSchedule")], [taint("dedicated", "user1", "NoSchedule")], True),
    ([toleration("dedicated", "user2", "NoSchedule")], [taint("dedicated", "user1", "NoSchedule")], False),
    ([{"key": "foo", "operator": "Exists", "effect": "NoSchedule"}], [taint("foo", "bar", "NoSchedule")], True),
    ([toleration("foo", "bar", "PreferNoSchedule")], [taint("foo", "bar", "NoSchedule")], False),
    ([{"key": "foo", "operator": "Equal", "value": "bar"}], [taint("foo", "bar", "NoSchedule")], True),
    ([toleration("dedicated", "user2", "NoSchedule")], [taint("dedicated", "user1", "PreferNoSchedule")], True),
    ([], [taint("dedicated", "user1", "NoExecute")], False),
    ([{"operator": "Exists"}], [taint("anything", "x", "NoExecute")], True),
])
def test_taint_toleration_filter_matches_the_upstream_cases(tolerations, taints, passes):
    result = run({"nodes": [node("nodea", 1, "1Gi", taints=taints)], "pod": {"tolerations": tolerations}})
    row = result["nodes"][0]
    if passes:
        assert row["filter"] is None
    else:
        # Current releases print the reason without the taint (the older unit test had "{dedicated: user1}").
        assert row["filter"] == {"plugin": "TaintToleration", "code": "UnschedulableAndUnresolvable",
                                 "reasons": ["node(s) had untolerated taint(s)"]}


# --- NodeAffinity: node_affinity_test.go TestNodeAffinityPriority (upstream) ---------------------------------------

AFFINITY_1 = [{"weight": 2, "preference": {"matchExpressions": [{"key": "foo", "operator": "In", "values": ["bar"]}]}}]
AFFINITY_2 = AFFINITY_1 + [
    {"weight": 4, "preference": {"matchExpressions": [{"key": "key", "operator": "In", "values": ["value"]}]}},
    {"weight": 5, "preference": {"matchExpressions": [{"key": "foo", "operator": "In", "values": ["bar"]},
                                                      {"key": "key", "operator": "In", "values": ["value"]},
                                                      {"key": "az", "operator": "In", "values": ["az1"]}]}},
]
LABEL_1, LABEL_2, LABEL_3 = {"foo": "bar"}, {"key": "value"}, {"az": "az1"}
LABEL_4, LABEL_5 = {"abc": "az11", "def": "az22"}, {"foo": "bar", "key": "value", "az": "az1"}


def affinity_run(terms, labelled):
    nodes = [node(name, 1, "1Gi", labels=labels) for name, labels in labelled]
    pod = {"affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": terms}}} if terms else {}
    return run({"nodes": nodes, "pod": pod})


def test_node_affinity_scores_match_the_upstream_cases():
    result = affinity_run(AFFINITY_1, [("node1", LABEL_4), ("node2", LABEL_2), ("node3", LABEL_3)])
    assert scores(result, "NodeAffinity") == {"node1": 0, "node2": 0, "node3": 0}
    result = affinity_run(AFFINITY_1, [("node1", LABEL_1), ("node2", LABEL_2), ("node3", LABEL_3)])
    assert scores(result, "NodeAffinity") == {"node1": 100, "node2": 0, "node3": 0}
    result = affinity_run(AFFINITY_2, [("node1", LABEL_1), ("node5", LABEL_5), ("node2", LABEL_2)])
    assert scores(result, "NodeAffinity") == {"node1": 18, "node5": 100, "node2": 36}
    assert scores(result, "NodeAffinity", "weighted") == {"node1": 36, "node5": 200, "node2": 72}


def test_node_affinity_prescore_skips_without_preferred_terms():
    result = affinity_run(None, [("node1", LABEL_1), ("node2", LABEL_2)])
    assert all(row["scores"]["NodeAffinity"]["skipped"] for row in result["nodes"])


@pytest.mark.parametrize(("expression", "labels", "passes"), [
    ({"key": "foo", "operator": "In", "values": ["bar", "baz"]}, {"foo": "baz"}, True),
    ({"key": "foo", "operator": "NotIn", "values": ["bar"]}, {}, True),
    ({"key": "foo", "operator": "NotIn", "values": ["bar"]}, {"foo": "bar"}, False),
    ({"key": "foo", "operator": "Exists"}, {"foo": ""}, True),
    ({"key": "foo", "operator": "DoesNotExist"}, {"foo": "x"}, False),
    ({"key": "cores", "operator": "Gt", "values": ["4"]}, {"cores": "8"}, True),
    ({"key": "cores", "operator": "Lt", "values": ["4"]}, {"cores": "8"}, False),
    ({"key": "cores", "operator": "Gt", "values": ["4"]}, {"cores": "eight"}, False),
])
def test_required_node_affinity_operators(expression, labels, passes):
    pod = {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [expression]}]}}}}
    result = run({"nodes": [node("n", 1, "1Gi", labels=labels)], "pod": pod})
    assert (result["nodes"][0]["filter"] is None) is passes


def test_terms_are_ored_and_node_selector_is_anded_with_them():
    pod = {"nodeSelector": {"disk": "ssd"}, "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]},
                              {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["b"]}]}]}}}}
    result = run({"nodes": [node("a", 1, "1Gi", labels={"zone": "a", "disk": "ssd"}),
                            node("b", 1, "1Gi", labels={"zone": "b", "disk": "hdd"}),
                            node("c", 1, "1Gi", labels={"zone": "b", "disk": "ssd"})], "pod": pod})
    assert result["feasible"] == ["a", "c"]


# --- the cycle: filters in order, selectHost, FitError ----------------------------------------------------------


def test_filters_run_in_the_default_order_and_stop_at_the_first_failure():
    result = run({"nodes": [node("a", "1", "1Gi", unschedulable=True, taints=[taint("k", "v", "NoSchedule")])],
                  "pod": {"requests": {"cpu": "2"}}})
    steps = [(s["plugin"], s["outcome"]) for s in result["nodes"][0]["filter_steps"]]
    assert steps == [("NodeUnschedulable", "fail"), ("NodeName", "not_run"), ("TaintToleration", "not_run"),
                     ("NodeAffinity", "not_run"), ("NodePorts", "not_run"), ("NodeResourcesFit", "not_run")]


def test_a_cordoned_node_passes_for_a_pod_tolerating_unschedulable():
    tolerations = [{"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}]
    result = run({"nodes": [node("a", "1", "1Gi", unschedulable=True)], "pod": {"tolerations": tolerations}})
    assert result["chosen"] == "a" and result["scoring_skipped"]


def test_resource_reasons_are_all_kept_and_too_many_pods_comes_first():
    result = run({"nodes": [node("a", "1", "1Gi", allocatable={"cpu": "1", "memory": "1Gi", "pods": 1},
                                 requested={"cpu": "1", "memory": "1Gi", "pods": 1})],
                  "pod": {"requests": {"cpu": "100m", "memory": "1Mi"}}})
    assert result["nodes"][0]["filter"]["reasons"] == ["Too many pods", "Insufficient cpu", "Insufficient memory"]
    assert result["nodes"][0]["filter"]["code"] == "Unschedulable"


def test_a_request_larger_than_the_node_is_unresolvable_and_preemption_does_not_help():
    result = run({"nodes": [node("a", "1", "1Gi", pods=[{"name": "low", "priority": -5, "requests": {"cpu": "1"}}])],
                  "pod": {"requests": {"cpu": "2"}, "priority": 10}})
    assert result["nodes"][0]["filter"]["code"] == "UnschedulableAndUnresolvable"
    assert result["message"] == ("0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, "
                                 "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.")


def test_the_message_counts_are_sorted_as_strings_like_sort_strings():
    nodes = [node(f"n{i}", "1", "1Gi", requested={"cpu": "1"}) for i in range(10)]
    nodes += [node(f"t{i}", "1", "1Gi", taints=[taint("k", "", "NoSchedule")]) for i in range(2)]
    result = run({"nodes": nodes, "pod": {"requests": {"cpu": "500m"}}})
    assert result["message"].startswith("0/12 nodes are available: 10 Insufficient cpu, 2 node(s) had untolerated taint(s).")
    assert result["message"].endswith("preemption: 0/12 nodes are available: 10 No preemption victims found for "
                                      "incoming pod, 2 Preemption is not helpful for scheduling.")


def test_ties_are_broken_by_the_seed_among_every_tied_node():
    scenario = {"nodes": [node(n, "2", "4Gi") for n in ("a", "b", "c")], "pod": {"requests": {"cpu": "1"}}}
    picks = {run(scenario, seed=seed)["chosen"] for seed in range(30)}
    assert picks == {"a", "b", "c"}
    result = run(scenario, seed=7)
    assert result["selected"] == ["a", "b", "c"] and result["chosen"] == run(scenario, seed=7)["chosen"]


def test_a_single_feasible_node_is_taken_without_scoring():
    result = run(scheduler.PRESETS["cordoned-node"].yaml)
    assert result["scoring_skipped"] and result["chosen"] == "node-b"
    assert all(row["scores"] is None for row in result["nodes"])
    assert result["events"] == [{"type": "Normal", "reason": "Scheduled", "from": "default-scheduler",
                                 "message": "Successfully assigned default/web to node-b"}]


def test_a_pod_with_node_name_bypasses_the_scheduler():
    result = run({"nodes": [node("a", "1", "1Gi"), node("b", "1", "1Gi")], "pod": {"nodeName": "b"}})
    assert result["bypassed"] and result["chosen"] is None and result["events"] == []
    assert result["nodes"][0]["filter"]["reasons"] == ["node(s) didn't match the requested node name"]


# --- preemption -----------------------------------------------------------------------------------------------------


def test_preemption_removes_lower_priority_pods_then_reprieves_from_the_highest():
    result = run(scheduler.PRESETS["priority-preemption"].yaml)
    preemption = result["preemption"]
    victims = {c["node"]: [v["name"] for v in c["victims"]] for c in preemption["candidates"]}
    assert victims == {"node-a": ["batch-1"], "node-b": ["report"]}
    assert preemption["chosen"] == "node-a" and result["nominated_node_name"] == "node-a"
    assert [step["criterion"] for step in preemption["trail"]] == ["fewest_pdb_violations", "lowest_highest_priority"]
    assert result["message"] == "0/3 nodes are available: 3 Insufficient cpu."
    assert [e["object"] for e in result["victim_events"]] == ["batch-1"]


def test_preemption_picks_by_priority_sum_then_by_victim_count():
    low = {"priority": 0, "requests": {"cpu": "1"}}
    result = run({"nodes": [
        node("a", "2", "4Gi", pods=[{**low, "name": "a1"}, {**low, "name": "a2"}]),
        node("b", "2", "4Gi", pods=[{**low, "name": "b1", "requests": {"cpu": "2"}}]),
    ], "pod": {"priority": 10, "requests": {"cpu": "2"}}})
    assert result["preemption"]["chosen"] == "b"
    assert result["preemption"]["trail"][-1]["criterion"] == "smallest_priority_sum"


def test_preemption_policy_never_is_not_eligible():
    scenario = scheduler.PRESETS["priority-preemption"].yaml.replace("\n  priority: 100000\n", "\n  priority: 100000\n  preemptionPolicy: Never\n")
    result = run(scenario)
    assert result["message"].endswith("no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never.")
    assert result["nominated_node_name"] is None


# --- parameters --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", list(scheduler.PRESETS))
def test_every_preset_round_trips_and_its_result_is_json(slug):
    params = scheduler.parse_params({"preset": slug})
    assert scheduler.parse_params(params.to_query()) == params
    result = scheduler.simulate(params).to_dict()
    assert json.loads(json.dumps(result)) == result


@pytest.mark.parametrize(("scenario", "path"), [
    ("nodes: [{name: a, allocatable: {cpu: 1, memory: 1Gi}, taints: [{key: k, effect: Sometimes}]}]", "nodes[0].taints[0].effect"),
    ("nodes: [{name: a, allocatable: {cpu: 1, memory: 1Gi}, taints: [{key: k}]}]", "nodes[0].taints[0].effect"),
    ("nodes: [{name: a, allocatable: {cpu: lots, memory: 1Gi}}]", "nodes[0].allocatable.cpu"),
    ("nodes: [{name: a, allocatable: {cpu: 1}}]", "nodes[0].allocatable.memory"),
    ("nodes: [{name: A_B, allocatable: {cpu: 1, memory: 1Gi}}]", "nodes[0].name"),
    ("nodes: [{name: a, allocatable: {cpu: 1, memory: 1Gi}, labels: {'bad key!': x}}]", "nodes[0].labels.bad key!"),
    ("nodes: [{name: a, allocatable: {cpu: 1, memory: 1Gi}}]\npod: {tolerations: [{key: k, operator: Maybe}]}",
     "pod.tolerations[0].operator"),
    ("nodes: [{name: a, allocatable: {cpu: 1, memory: 1Gi}}]\npod: {tolerations: [{operator: Equal, value: v}]}",
     "pod.tolerations[0].operator"),
    ("nodes: [{name: a, allocatable: {cpu: 1, memory: 1Gi}}]\npod: {affinity: {nodeAffinity: "
     "{requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: k, operator: In}]}]}}}}",
     "pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values"),
    ("nodes: [{name: a, allocatable: {cpu: 1, memory: 1Gi}}]\npod: {affinity: {nodeAffinity: "
     "{preferredDuringSchedulingIgnoredDuringExecution: [{weight: 101, preference: {}}]}}}",
     "pod.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight"),
    ("nodes: [{name: a, allocatable: {cpu: 1, memory: 1Gi}}]\npod: {requests: {memory: -1Gi}}", "pod.requests.memory"),
    ("nodes: []", "nodes"),
    ("- just a list", "scenario"),
])
def test_each_invalid_field_is_named_by_its_path(scenario, path):
    with pytest.raises(ParamError) as caught:
        scheduler.parse_params({"scenario": scenario})
    assert path in caught.value.errors


def test_more_than_50_nodes_or_16_kb_are_refused():
    nodes = "\n".join(f"  - {{name: n{i}, allocatable: {{cpu: 1, memory: 1Gi}}}}" for i in range(51))
    with pytest.raises(ParamError) as caught:
        scheduler.parse_params({"scenario": "nodes:\n" + nodes})
    assert "at most 50" in caught.value.errors["nodes"]
    with pytest.raises(ParamError) as caught:
        scheduler.parse_params({"scenario": "# " + "x" * 17_000})
    assert "16 KB" in caught.value.errors["scenario"]


def test_api_shaped_objects_are_read_and_unmodelled_fields_listed():
    scenario = """
nodes:
  - metadata: {name: worker, labels: {disktype: ssd}}
    spec: {taints: [{key: k, value: v, effect: PreferNoSchedule}], podCIDR: 10.0.0.0/24}
    status: {allocatable: {cpu: "2", memory: 4Gi, pods: "110"}}
pod:
  apiVersion: v1
  kind: Pod
  metadata: {name: api, namespace: shop}
  spec:
    nodeSelector: {disktype: ssd}
    containers:
      - name: app
        image: nginx
        resources: {requests: {cpu: 250m, memory: 64Mi}, limits: {memory: 128Mi}}
"""
    result = run(scenario)
    assert result["chosen"] == "worker" and result["pod"]["name"] == "api"
    assert result["pod"]["requests"] == {"cpu_m": 250, "memory": 64 * 2**20}
    assert "nodes[0].spec.podCIDR" in result["ignored_fields"]
    assert result["pod"]["requests"] == {"cpu_m": 250, "memory": 64 * 2**20}


def test_strategy_seed_and_preset_are_validated():
    with pytest.raises(ParamError) as caught:
        scheduler.parse_params({"strategy": "Fastest", "seed": "-1", "preset": "nope", "colour": "x"})
    assert set(caught.value.errors) == {"strategy", "seed", "preset", "colour"}


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["nodes", "pod", "name", "allocatable", "cpu", "memory", "pods", "requested", "labels",
                         "taints", "key", "value", "effect", "tolerations", "operator", "affinity", "nodeAffinity",
                         "requests", "containers", "priority", "nodeSelector", "unschedulable", "spec", "metadata"])
        | st.text(max_size=6), children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(YAML_VALUES)
def test_any_yaml_document_runs_or_raises_param_error(document):
    try:
        text = yaml.safe_dump(document)
    except (yaml.YAMLError, ValueError):
        return
    try:
        params = scheduler.parse_params({"scenario": text})
    except ParamError as exc:
        assert exc.errors and all(isinstance(k, str) and isinstance(v, str) for k, v in exc.errors.items())
        return
    json.dumps(scheduler.simulate(params).to_dict())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_runs_or_raises_param_error(text):
    try:
        params = scheduler.parse_params({"scenario": text})
    except ParamError:
        return
    scheduler.simulate(params).to_dict()


def test_default_normalize_score_matches_normalize_score_test():
    # helper/normalize_score_test.go: {10, 20, 30, 40, 50} reversed -> {80, 60, 40, 20, 0}; zeros reversed -> 100.
    assert default_normalize_score([10, 20, 30, 40, 50], reverse=False) == [20, 40, 60, 80, 100]
    assert default_normalize_score([10, 20, 30, 40, 50], reverse=True) == [80, 60, 40, 20, 0]
    assert default_normalize_score([0, 0], reverse=True) == [100, 100]


# --- matchFields and the PreFilterResult (DaemonSet pods) ------------------------------------------------------------


def test_match_fields_narrow_the_candidates_and_the_others_are_counted_as_the_framework_counts_them():
    result = run(scheduler.PRESETS["daemonset-pod-no-room"].yaml)
    assert [row["filter"]["reasons"] for row in result["nodes"]] == [
        ["node(s) didn't satisfy plugin(s) [NodeAffinity]"], ["Insufficient cpu"],
        ["node(s) didn't satisfy plugin(s) [NodeAffinity]"]]
    assert {s["outcome"] for s in result["nodes"][0]["filter_steps"]} == {"prefiltered"}
    assert result["message"] == (
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. "
        "no new claims to deallocate, preemption: 0/3 nodes are available: 1 No preemption victims found for "
        "incoming pod, 2 Preemption is not helpful for scheduling.")


def test_a_daemonset_pod_tolerates_the_cordon_and_lands_on_its_node():
    result = run(scheduler.PRESETS["daemonset-pod"].yaml)
    assert result["chosen"] == "node-b" and result["scoring_skipped"]


def test_a_term_without_match_fields_keeps_every_node_a_candidate():
    pod = {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["a"]}]},
        {"matchExpressions": [{"key": "zone", "operator": "Exists"}]}]}}}}
    result = run({"nodes": [node("a", 1, "1Gi"), node("b", 1, "1Gi", labels={"zone": "z"}), node("c", 1, "1Gi")],
                  "pod": pod})
    assert result["feasible"] == ["a", "b"]
    assert result["nodes"][2]["filter"]["reasons"] == ["node(s) didn't match Pod's node affinity/selector"]


@pytest.mark.parametrize(("field", "path"), [
    ({"key": "metadata.namespace", "operator": "In", "values": ["a"]}, "key"),
    ({"key": "metadata.name", "operator": "Exists"}, "operator"),
    ({"key": "metadata.name", "operator": "In", "values": ["a", "b"]}, "values"),
])
def test_match_fields_are_validated_like_the_api_server(field, path):
    scenario = {"nodes": [node("a", 1, "1Gi")], "pod": {"affinity": {"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchFields": [field]}]}}}}}
    with pytest.raises(ParamError) as caught:
        run(scenario)
    prefix = "pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
    assert f"{prefix}.matchFields[0].{path}" in caught.value.errors


def test_yaml_aliases_cannot_multiply_the_work_past_the_budgets():
    pods = ", ".join(["*p"] * 100)
    nodes = "\n".join(f"  - {{name: n{i}, allocatable: {{cpu: 1, memory: 1Gi}}, pods: *pods}}" for i in range(10))
    scenario = f"x: &p {{name: a, requests: {{cpu: 1m}}}}\ny: &pods [{pods}]\nnodes:\n{nodes}\n"
    with pytest.raises(ParamError) as caught:
        scheduler.parse_params({"scenario": scenario})
    assert caught.value.errors["nodes[5].pods"] == "at most 500 pods in the whole scenario in this simulator"


def test_a_limit_without_a_request_becomes_the_request_as_the_api_server_defaults_it():
    pod = {"containers": [{"resources": {"limits": {"cpu": "1", "memory": "1Gi"}}},
                          {"resources": {"requests": {"cpu": "100m"}, "limits": {"cpu": "2", "memory": "256Mi"}}}]}
    result = run({"nodes": [node("a", 4, "4Gi"), node("b", 4, "4Gi")], "pod": pod})
    assert result["pod"]["requests"] == {"cpu_m": 1100, "memory": 1280 * 2**20}
    assert not result["pod"]["best_effort"]


def test_a_request_above_its_limit_is_refused():
    pod = {"containers": [{"resources": {"requests": {"cpu": "2"}, "limits": {"cpu": "1"}}}]}
    with pytest.raises(ParamError) as caught:
        run({"nodes": [node("a", 4, "4Gi")], "pod": pod})
    assert caught.value.errors == {"pod.containers[0].resources.requests.cpu": "must be less than or equal to cpu limit of 1"}


CPU = st.sampled_from(["0", "100m", "250m", "500m", "1", "1500m", "2", "4", "8"])
MEMORY = st.sampled_from(["0", "128Mi", "512Mi", "1Gi", "2Gi", "4Gi", "8Gi", "16Gi"])
KEYS = st.sampled_from(["a", "b", "zone"])
VALUES = st.sampled_from(["x", "y", "1", "5"])
EFFECTS = st.sampled_from(["NoSchedule", "PreferNoSchedule", "NoExecute"])


@st.composite
def scenarios(draw):
    nodes = []
    for i in range(draw(st.integers(1, 6))):
        taints = draw(st.lists(st.fixed_dictionaries({"key": KEYS, "value": VALUES, "effect": EFFECTS}), max_size=2,
                               unique_by=lambda t: (t["key"], t["effect"])))
        nodes.append({
            "name": f"n{i}",
            "allocatable": {"cpu": draw(CPU), "memory": draw(MEMORY), "pods": draw(st.integers(0, 4))},
            "requested": {"cpu": draw(CPU), "memory": draw(MEMORY), "pods": draw(st.integers(0, 2))},
            "labels": draw(st.dictionaries(KEYS, VALUES, max_size=3)),
            "taints": taints,
            "unschedulable": draw(st.booleans()),
            "pods": draw(st.lists(st.fixed_dictionaries({"priority": st.integers(-5, 5), "requests": st.fixed_dictionaries(
                {"cpu": CPU, "memory": MEMORY})}), max_size=3)),
        })
    expression = st.fixed_dictionaries(
        {"key": KEYS, "operator": st.sampled_from(["In", "NotIn"]), "values": st.lists(VALUES, min_size=1, max_size=2)}
    )
    pod = {
        "priority": draw(st.integers(-5, 5)),
        "requests": draw(st.fixed_dictionaries({}, optional={"cpu": CPU, "memory": MEMORY})),
        "nodeSelector": draw(st.dictionaries(KEYS, VALUES, max_size=1)),
        "tolerations": draw(st.lists(st.fixed_dictionaries({"key": KEYS, "operator": st.just("Exists")},
                                                           optional={"effect": EFFECTS}), max_size=2)),
        "affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": draw(st.lists(
            st.fixed_dictionaries({"weight": st.integers(1, 100), "preference": st.fixed_dictionaries(
                {"matchExpressions": st.lists(expression, min_size=1, max_size=2)})}), max_size=2))}},
    }
    return {"nodes": nodes, "pod": pod}


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.sampled_from(["LeastAllocated", "MostAllocated"]), st.integers(0, 5))
def test_every_valid_scenario_obeys_the_cycles_invariants(scenario, strategy, seed):
    result = run(scenario, strategy=strategy, seed=seed)
    feasible = [row["name"] for row in result["nodes"] if row["filter"] is None]
    assert result["feasible"] == feasible
    if not feasible:
        assert result["chosen"] is None and result["message"].startswith(f"0/{len(result['nodes'])} nodes are available: ")
        assert "preemption: " in result["message"] or result["nominated_node_name"]
        return
    assert result["chosen"] in result["selected"] and set(result["selected"]) <= set(feasible)
    if len(feasible) == 1:
        assert result["scoring_skipped"] and result["chosen"] == feasible[0]
        return
    totals = {row["name"]: row["total"] for row in result["nodes"] if row["name"] in feasible}
    assert {name for name, total in totals.items() if total == max(totals.values())} == set(result["selected"])
    for row in result["nodes"]:
        for cell in (row["scores"] or {}).values():
            if not cell["skipped"]:
                assert 0 <= cell["normalized"] <= 100 and cell["weighted"] == cell["normalized"] * cell["weight"]
