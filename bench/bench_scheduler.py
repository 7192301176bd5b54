"""Scheduler engine time: parse_params() (YAML) + simulate() + to_dict() for 50-node scenarios.

Target: a 50-node scenario under 20 ms per run (median), YAML parsing included. Cases: every node
feasible and scored (labels, taints, preferred affinity); nothing fits and preemption searches
every node for victims (4 listed pods per node, the reprieve loop re-runs the filters per pod);
and the largest scenario the 16 KB limit allows.
Run: .venv/bin/python bench/bench_scheduler.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sim.engine import scheduler
from sim.engine._sched_params import cached_scenario

TARGET_MS = 20


def scored(nodes=50):
    return {
        "nodes": [{
            "name": f"node-{i}",
            "allocatable": {"cpu": "8", "memory": "32Gi", "pods": 110},
            "requested": {"cpu": f"{(i * 137) % 7000}m", "memory": f"{(i * 3) % 28}Gi", "pods": i % 40},
            "labels": {"topology.kubernetes.io/zone": f"zone-{i % 3}", "disktype": "ssd" if i % 2 else "hdd"},
            "taints": [{"key": "spot", "value": "true", "effect": "PreferNoSchedule"}] if i % 5 == 0 else [],
        } for i in range(nodes)],
        "pod": {
            "requests": {"cpu": "500m", "memory": "1Gi"},
            "tolerations": [{"key": "spot", "operator": "Exists", "effect": "NoSchedule"}],
            "affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 50, "preference": {"matchExpressions": [{"key": "disktype", "operator": "In", "values": ["ssd"]}]}},
                {"weight": 20, "preference": {"matchExpressions": [
                    {"key": "topology.kubernetes.io/zone", "operator": "NotIn", "values": ["zone-0"]}]}},
            ]}},
        },
    }


def preempting(nodes=50, pods=4):
    return {
        "nodes": [{
            "name": f"n{i}",
            "allocatable": {"cpu": "2", "memory": "16Gi"},
            "pods": [{"name": f"p{j}", "priority": (i * 7 + j * 13) % 1000, "requests": {"cpu": "400m", "memory": "1Gi"}}
                     for j in range(pods)],
        } for i in range(nodes)],
        "pod": {"priority": 500, "requests": {"cpu": "2", "memory": "4Gi"}},
    }


def alias_worst_case():
    """The most work the budgets allow: 500 listed pods (YAML aliases), all lower-priority victims on 5 nodes."""
    pods = ", ".join(["*p"] * 100)
    nodes = [f"  - {{name: n{i}, allocatable: {{cpu: 1, memory: 1Gi}}, pods: *pods}}" for i in range(5)]
    nodes += [f"  - {{name: m{i}, allocatable: {{cpu: 1, memory: 1Gi}}, requested: {{cpu: 1}}}}" for i in range(45)]
    pod = "{name: a, priority: -1, containers: [{resources: {requests: {cpu: 2m}}}, {}, {}, {}]}"
    return f"x: &p {pod}\ny: &pods [{pods}]\nnodes:\n" + "\n".join(nodes) + "\npod: {requests: {cpu: 900m}}\n"


def measure(text, *, runs, strategy="LeastAllocated"):
    """(best, median, p95) ms of parse_params + simulate + to_dict after one warm-up, and the median of simulate alone."""
    raw = {"scenario": text, "strategy": strategy}
    scheduler.simulate(scheduler.parse_params(raw)).to_dict()
    timings = []
    for _ in range(runs):
        cached_scenario.cache_clear()  # time the first parse of a scenario, not the remembered one
        start = time.perf_counter()
        scheduler.simulate(scheduler.parse_params(raw)).to_dict()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    params = scheduler.parse_params(raw)
    engine = []
    for _ in range(runs):
        start = time.perf_counter()
        scheduler.simulate(params).to_dict()
        engine.append((time.perf_counter() - start) * 1000)
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return timings[0], statistics.median(timings), p95, statistics.median(engine)


def main():
    loader = "C LibYAML" if getattr(yaml, "__with_libyaml__", False) else "pure Python"
    print(f"Python {sys.version.split()[0]}, PyYAML {yaml.__version__} with the {loader} loader")
    print("times are parse_params (YAML) + simulate() + to_dict(), milliseconds; 'engine' is simulate() + to_dict() alone")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work on the machine inflates the times)")
    print(f"{'case':46} {'bytes':>6} {'best':>7} {'median':>8} {'p95':>8} {'engine':>7}")
    cases = [
        ("50 nodes, all scored (LeastAllocated)", yaml.safe_dump(scored()), "LeastAllocated"),
        ("50 nodes, all scored (MostAllocated)", yaml.safe_dump(scored()), "MostAllocated"),
        ("50 nodes x 4 pods, nothing fits, preemption", yaml.safe_dump(preempting(), default_flow_style=True, width=10_000), "LeastAllocated"),
        ("10 nodes, all scored", yaml.safe_dump(scored(10)), "LeastAllocated"),
        ("worst case: 500 aliased victims on 5 nodes", alias_worst_case(), "LeastAllocated"),
    ]
    worst = 0.0
    for label, text, strategy in cases:
        if len(text.encode()) > scheduler.MAX_SCENARIO_BYTES:
            text = yaml.safe_dump(yaml.safe_load(text), default_flow_style=True, width=10_000)
        best, median, p95, engine = measure(text, runs=5 if label.startswith("worst") else 41, strategy=strategy)
        worst = max(worst, median) if label.startswith("50 nodes") else worst
        print(f"{label:46} {len(text.encode()):>6} {best:>7.2f} {median:>8.2f} {p95:>8.2f} {engine:>7.2f}")
    verdict = "MET" if worst < TARGET_MS else "NOT MET"
    print(f"\nTarget: 50 nodes under {TARGET_MS} ms per run -> worst median {worst:.2f} ms: {verdict}")


if __name__ == "__main__":
    main()
