"""etcd/Raft engine time: simulate() + to_dict() for 7 members over 60 s with about 1,000 writes.

Target: under 200 ms for 7 members, 60 s, 1,020 writes (17 per second), with and without
faults. The engine keeps one heap entry per distinct timestamp, batches the entries a
leader has not yet sent into one AppendEntries, and schedules follower election timeouts
as single events that re-arm lazily instead of ticking idle members. The last case is a
deliberate worst case near the cost limit parse_params enforces (about 500,000 estimated
messages) and is reported for information only.
Run: .venv/bin/python bench/bench_etcd.py
"""

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sim.engine import etcd

TARGET_MS = 200
RUNS = 15
TARGET = {"members": 7, "duration_ms": 60_000, "write_rate": 17}
TARGET_CASES = [
    ("7 members, 60 s, 1,020 writes, no faults", TARGET),
    ("…with 5 ms fsync and 10 ms RTT", {**TARGET, "fsync_ms": 5, "rtt_ms": 10}),
    ("…stop the leader, split 3|4, heal, restart", {
        **TARGET, "events": "stop:leader@10000,partition:0-1-2|3-4-5-6@20000,heal@35000,restart:all@45000"}),
    ("…without pre-vote, a follower cut off for 20 s", {
        **TARGET, "prevote": "false", "events": "partition:0-1-2-3-4-5|6@10000,heal@30000"}),
]
WORST_CASE = ("worst accepted: 9 voters + 3 learners, 10 ms ticks, 40 writes/s, 120 s", {
    "members": 9, "learners": 3, "heartbeat_ms": 10, "election_ms": 100, "write_rate": 40, "duration_ms": 120_000,
    "events": "stop:leader@20000,partition:leader@40000,heal@60000,restart:all@80000"})


def measure(raw, *, runs):
    """(median ms, p95 ms, writes, API JSON bytes) over `runs` runs after one warm-up."""
    params = etcd.parse_params(raw)
    data = etcd.simulate(params).to_dict()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        etcd.simulate(params).to_dict()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95, data["writes"]["total"], len(json.dumps(data))


def main():
    print(f"Target: simulate()+to_dict() under {TARGET_MS} ms (median and p95 of {RUNS} runs)\n")
    print(f"{'case':<58} {'median':>9} {'p95':>9} {'writes':>7} {'JSON':>8}")
    met = True
    for label, raw in TARGET_CASES:
        median, p95, writes, size = measure(raw, runs=RUNS)
        met &= p95 < TARGET_MS
        print(f"{label:<58} {median:>7.1f}ms {p95:>7.1f}ms {writes:>7} {size / 1024:>6.0f}KB")
    label, raw = WORST_CASE
    median, p95, writes, size = measure(raw, runs=3)
    print(f"{label:<58} {median:>7.1f}ms {p95:>7.1f}ms {writes:>7} {size / 1024:>6.0f}KB  (information only)")
    print(f"\nTarget {'met' if met else 'NOT met'}: every target case has p95 under {TARGET_MS} ms.")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
