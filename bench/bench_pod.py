"""Pod lifecycle engine time: simulate() + to_dict() over a long horizon with 1-second probes.

Target: under 50 ms for every accepted run (issue 19). The parser caps the probes a run schedules
(`MAX_PROBES`, 10,000), so three 1-second probes run for 3,300 s and two for up to 4,998 s (the
2-hour horizon with three 1-second probes, 21,600 probes, is refused). Every target case below
must meet it. Probes whose result cannot change anything (the same verdict already past its
threshold, the app's state constant) are counted arithmetically up to the next change, so time
grows with the number of state changes, not with the number of probes; the "no skipping" column
runs the same case probe by probe to show what that buys. The last case is a deliberate worst
case (a liveness failureThreshold so high that thousands of failures must be counted one by one).
Run: .venv/bin/python bench/bench_pod.py
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sim.engine import _pod_kubelet, pod
from sim.engine.worst_cases import POD

TARGET_MS = 50
ONE_SECOND_PROBES = {
    "horizon_seconds": 3300,
    "startup": True, "startup_period": 1, "startup_failure_threshold": 60,
    "liveness": True, "liveness_period": 1,
    "readiness": True, "readiness_period": 1,
}
TARGET_CASES = [
    ("healthy app, startup+liveness+readiness every 1 s", {**ONE_SECOND_PROBES, "start_seconds": 20}),
    ("app hangs 100 s after each start (liveness kill loop)", {**ONE_SECOND_PROBES, "hang_at_seconds": 100}),
    ("readiness fails from 60 s on, never recovers", {"horizon_seconds": 4998, "readiness": True, "readiness_period": 1,
                                                       "liveness": True, "liveness_period": 1, "hang_at_seconds": 60,
                                                       "liveness_initial_delay": 4900}),
    ("crash loop (exit 1 after 30 s) with 1 s probes", {**ONE_SECOND_PROBES, "exit_after_seconds": 30, "exit_code": 1}),
    ("OOM kill loop with 1 s probes", {**ONE_SECOND_PROBES, "memory_limit_mi": 64, "memory_use_mi": 100,
                                       "memory_ramp_seconds": 120}),
    ("slow timeouts (timeout 3 s > period 1 s), hang at 60 s", {**ONE_SECOND_PROBES, "hang_at_seconds": 60,
                                                                "readiness_timeout": 3, "liveness_timeout": 3,
                                                                "liveness_failure_threshold": 20}),
    ("delete at 3200 s, preStop 20 s, probes every 1 s", {**ONE_SECOND_PROBES, "delete_at_seconds": 3200,
                                                           "prestop_seconds": 20, "sigterm_exit_seconds": 5}),
]
WORST_CASE = ("worst: " + POD[1][0], POD[1][1])


def measure(raw, *, runs, skip=True):
    """(median ms, p95 ms, events) of simulate()+to_dict() over `runs` runs after one warm-up."""
    params = pod.parse_params(raw)
    original = _pod_kubelet._ProbeWorker._skip_steady_stretch
    if not skip:
        _pod_kubelet._ProbeWorker._skip_steady_stretch = lambda self, start, upcoming, *args: upcoming
    try:
        events = len(pod.simulate(params).to_dict()["events"])
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            pod.simulate(params).to_dict()
            timings.append((time.perf_counter() - start) * 1000)
    finally:
        _pod_kubelet._ProbeWorker._skip_steady_stretch = original
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95, events


def main():
    print(f"Python {sys.version.split()[0]}; simulate() + to_dict(), milliseconds; horizon 3300 s unless said")
    print(f"{'case':58} {'events':>6} {'median':>8} {'p95':>8} {'no skipping':>12}")
    worst_p95 = 0.0
    for label, raw in TARGET_CASES:
        median, p95, events = measure(raw, runs=31)
        slow_median, _, _ = measure(raw, runs=5, skip=False)
        worst_p95 = max(worst_p95, p95)
        print(f"{label:58} {events:>6} {median:>8.2f} {p95:>8.2f} {slow_median:>12.2f}")
    label, raw = WORST_CASE
    median, p95, events = measure(raw, runs=11)
    print(f"{label:58} {events:>6} {median:>8.2f} {p95:>8.2f} {'':>12}")
    verdict = "MET" if worst_p95 < TARGET_MS else "NOT MET"
    print(f"\nTarget: every case with 1-second probes under {TARGET_MS} ms -> slowest target case p95 "
          f"{worst_p95:.2f} ms: {verdict}")
    over = "within" if p95 < TARGET_MS else "over"
    print(f"Worst case ({label}): p95 {p95:.1f} ms, {over} the {TARGET_MS} ms target")


if __name__ == "__main__":
    main()
