"""Rolling-update engine time: simulate() and simulate().to_dict() by replicas and settings.

Target: 10,000 replicas with the default maxSurge/maxUnavailable (25%/25%) under 50 ms.
Pods that become ready at the same instant are one batch, so time grows with the number of
controller steps (about 2 * replicas / batch size), not with the number of pods; maxSurge 1 /
maxUnavailable 0 is the worst case (two steps per pod) and is reported beside the target.
Run: .venv/bin/python bench/bench_rolling.py
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sim.engine import rolling

TARGET_MS = 50
TARGET_CASE = {"replicas": 10_000}
CASES = [
    ("25%/25% (default)", {}),
    ("25%/25%, minReadySeconds 10", {"min_ready_seconds": 10}),
    ("maxSurge 1, maxUnavailable 0", {"max_surge": 1, "max_unavailable": 0}),
    ("maxSurge 0, maxUnavailable 1", {"max_surge": 0, "max_unavailable": 1}),
    ("Recreate", {"strategy": "Recreate"}),
    ("new pods fail (stall)", {"new_pods_fail": True}),
]
REPLICAS = [10, 100, 1_000, 10_000]


def measure(raw, *, runs):
    """(median ms, p95 ms, steps) of simulate()+to_dict() over `runs` runs after one warm-up."""
    params = rolling.parse_params(raw)
    steps = len(rolling.simulate(params).to_dict()["steps"])
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        rolling.simulate(params).to_dict()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95, steps


def main():
    print(f"Python {sys.version.split()[0]}; times are simulate() + to_dict(), milliseconds (median / p95)")
    print(f"{'case':32} {'replicas':>8} {'steps':>7} {'median':>9} {'p95':>9}")
    for label, extra in CASES:
        for replicas in REPLICAS:
            runs = 31 if replicas <= 1_000 else 11
            median, p95, steps = measure({**extra, "replicas": replicas}, runs=runs)
            print(f"{label:32} {replicas:>8} {steps:>7} {median:>9.3f} {p95:>9.3f}")
    median, p95, steps = measure(TARGET_CASE, runs=51)
    verdict = "MET" if p95 < TARGET_MS else "NOT MET"
    print(f"\nTarget: 10,000 replicas at 25%/25% under {TARGET_MS} ms -> median {median:.3f} ms, p95 {p95:.3f} ms: {verdict}")
    worst_median, worst_p95, worst_steps = measure({"replicas": 10_000, "max_surge": 1, "max_unavailable": 0}, runs=11)
    worst_verdict = "within" if worst_p95 < TARGET_MS else "over"
    print(f"Worst case (maxSurge 1, maxUnavailable 0, {worst_steps} steps): median {worst_median:.1f} ms, "
          f"p95 {worst_p95:.1f} ms, {worst_verdict} the {TARGET_MS} ms target")


if __name__ == "__main__":
    main()
