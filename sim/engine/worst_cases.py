"""The most expensive runs each engine accepts, as raw query parameters (no Django here).

`bench/bench_engine_limits.py` times every case below (and a random search over accepted
parameters) against the 50 ms budget of issue 19; `tests/sim/test_engine_limits.py` checks that each
is still accepted, so a limit cannot drift below the cases the bench measures. Each case sits at the
limits of the knobs that drive its engine's cost (see the limits in the `_*_params.py` modules).
"""

from __future__ import annotations

from ._raft_params import MAX_DURATION_MS, MAX_ESTIMATED_WORK, MIN_DURATION_MS, estimated_work

# Pods that become ready at the same instant are one batch, so the cost is the controller's steps, the
# instants pods become ready or available and the condition changes; each case sits at the parser's
# work cap (_rolling_params.estimated_work, MAX_ESTIMATED_WORK): one pod at a time (maxSurge 1 /
# maxUnavailable 0, or 0 / 1) is two steps and one instant per replica, minReadySeconds adds an
# instant, and a progress deadline shorter than the readiness delay adds two conditions.
ROLLING = (
    ("10,000 replicas, maxSurge 1, maxUnavailable 0", {"replicas": "10000", "max_surge": "1", "max_unavailable": "0"}),
    ("10,000 replicas, maxSurge 0, maxUnavailable 1", {"replicas": "10000", "max_surge": "0", "max_unavailable": "1"}),
    ("7,500 replicas, maxSurge 1, maxUnavailable 0, minReadySeconds 3",
     {"replicas": "7500", "max_surge": "1", "max_unavailable": "0", "min_ready_seconds": "3"}),
    ("3,750 replicas, maxSurge 0%, maxUnavailable 1, deadline expiring between pods",
     {"replicas": "3750", "max_surge": "0%", "max_unavailable": "1", "pod_ready_seconds": "23019",
      "progress_deadline_seconds": "2998"}),
    ("3,333 replicas, maxSurge 1, minReadySeconds 3, deadline expiring between pods",
     {"replicas": "3333", "max_surge": "1", "max_unavailable": "0", "min_ready_seconds": "3",
      "pod_ready_seconds": "600", "progress_deadline_seconds": "300"}),
)

def _longest_etcd_run(raw: dict) -> dict:
    """`raw` with the longest duration_ms (whole seconds) the etcd parser's work estimate lets through."""
    def work(duration_ms):
        return estimated_work(
            voters=int(raw["members"]), learners=int(raw.get("learners", 0)), heartbeat_ms=int(raw["heartbeat_ms"]),
            election_ms=int(raw["election_ms"]), write_rate=int(raw["write_rate"]), duration_ms=duration_ms)
    duration = MIN_DURATION_MS
    while duration + 1000 <= MAX_DURATION_MS and work(duration + 1000) <= MAX_ESTIMATED_WORK:
        duration += 1000
    return {**raw, "duration_ms": str(duration)}


_ETCD_FAULTS = "stop:leader@200,partition:leader@400,heal@600,restart:all@800,stop:follower@900"
# The cost is messages and ticks: heartbeats (members x ticks), appends and acks (members x writes)
# and elections; each case is the longest run the work estimate (_raft_params.estimated_work) accepts.
ETCD = (
    ("9 voters + 3 learners, 10 ms heartbeat, 50 ms election, 200 writes/s, faults", _longest_etcd_run(
        {"members": "9", "learners": "3", "heartbeat_ms": "10", "election_ms": "50", "write_rate": "200",
         "events": _ETCD_FAULTS})),
    ("9 voters + 3 learners, no pre-vote, no check-quorum, 10 ms heartbeat, partitions", _longest_etcd_run(
        {"members": "9", "learners": "3", "heartbeat_ms": "10", "election_ms": "50", "write_rate": "40",
         "prevote": "false", "check_quorum": "false",
         "events": "partition:0-1-2-3|4-5-6-7-8-9-10-11@300,heal@700,partition:leader@800"})),
    ("9 voters, 200 writes/s, 1 s fsync, 500 ms RTT (slow disks and network)", _longest_etcd_run(
        {"members": "9", "heartbeat_ms": "200", "election_ms": "1000", "write_rate": "200", "fsync_ms": "1000",
         "rtt_ms": "500"})),
    ("9 voters, 200 writes/s, default timing", _longest_etcd_run(
        {"members": "9", "heartbeat_ms": "100", "election_ms": "1000", "write_rate": "200"})),
    ("one member, 10 ms heartbeat (ticks only)", _longest_etcd_run(
        {"members": "1", "heartbeat_ms": "10", "election_ms": "50", "write_rate": "0"})),
    ("3 members, default timing and writes, a fault every second", _longest_etcd_run(
        {"members": "3", "heartbeat_ms": "100", "election_ms": "1000", "write_rate": "10",
         "events": ",".join(f"{action}@{second * 1000}" for second, action in enumerate(
             ["stop:leader", "restart:all", "partition:leader", "heal"] * 7 + ["stop:leader", "restart:all"])
         )})),
)

# Probes whose verdict cannot change are counted arithmetically, so the cost is the probes that must be
# counted one by one: thresholds of 10,000 at a 1 s period, as many probes as MAX_PROBES allows.
_FAILING_PROBES = {"hang_at_seconds": "10", "liveness": "true", "liveness_period": "1",
                   "liveness_failure_threshold": "10000", "readiness": "true", "readiness_period": "1",
                   "readiness_failure_threshold": "10000", "readiness_success_threshold": "10000"}
POD = (
    ("liveness every 1 s (threshold 10,000) for 2 hours, readiness every 3 s, hang at 10 s",
     {**_FAILING_PROBES, "horizon_seconds": "7200", "readiness_period": "3"}),
    ("liveness and readiness every 1 s, thresholds 10,000, hang at 10 s, 4,998 s",
     {**_FAILING_PROBES, "horizon_seconds": "4998"}),
    ("three 1 s probes, thresholds 10,000, hang at 10 s, 3,332 s",
     {**_FAILING_PROBES, "horizon_seconds": "3332", "startup": "true", "startup_period": "1",
      "startup_failure_threshold": "10000"}),
    ("liveness and readiness every 1 s, 3 s timeouts, thresholds 10,000, hang at 10 s, 4,998 s",
     {**_FAILING_PROBES, "horizon_seconds": "4998", "liveness_timeout": "3", "readiness_timeout": "3"}),
)

_ENDPOINTS = ",".join(f"node-{'abcdefghij'[i % 10]}:ready" for i in range(50))
# Without affinity the requests are drawn rule by rule as binomials; with ClientIP affinity that expires
# between requests, and with IPVS, the engine walks requests one by one.
SERVICE = (
    ("50 endpoints, 100,000 requests, 50 clients, affinity expiring",
     {"endpoints": _ENDPOINTS, "requests": "100000", "clients": "50", "session_affinity": "ClientIP",
      "affinity_timeout_seconds": "1"}),
    ("50 endpoints, 100,000 requests, 50 clients, IPVS least-connection",
     {"endpoints": _ENDPOINTS, "requests": "100000", "clients": "50", "mode": "ipvs", "ipvs_scheduler": "lc"}),
    ("50 endpoints, 100,000 requests, 50 clients, iptables",
     {"endpoints": _ENDPOINTS, "requests": "100000", "clients": "50"}),
)

_ALIASED_POD = "{name: a, priority: -1, containers: [{resources: {requests: {cpu: 2m}}}, {}, {}, {}]}"
_ALIASED = ("x: &p " + _ALIASED_POD + "\ny: &pods [" + ", ".join(["*p"] * 100) + "]\nnodes:\n"
            + "\n".join(f"  - {{name: n{i}, allocatable: {{cpu: 1, memory: 1Gi}}, pods: *pods}}" for i in range(5))
            + "\n"
            + "\n".join(f"  - {{name: m{i}, allocatable: {{cpu: 1, memory: 1Gi}}, requested: {{cpu: 1}}}}"
                        for i in range(45))
            + "\npod: {requests: {cpu: 900m}}\n")
_PREEMPTING = ("v: &v [" + ", ".join(f"{{name: p{j}, priority: {j * 97 % 1000}, requests: {{cpu: 200m, memory: 1Gi}}}}"
                                      for j in range(10))
               + "]\nnodes:\n"
               + "\n".join(f"  - {{name: n{i}, allocatable: {{cpu: 2, memory: 16Gi}}, pods: *v}}" for i in range(50))
               + "\npod: {priority: 500, requests: {cpu: 2, memory: 4Gi}}\n")
# Preemption re-runs the filters for every victim it tries to reprieve, so the cost is listed pods on
# nodes where the pod does not fit (500 in the whole scenario, 16 KB of YAML).
SCHEDULER = (
    ("500 aliased victims on 5 nodes, 45 full nodes", {"scenario": _ALIASED}),
    ("50 nodes x 10 listed pods, nothing fits, preemption", {"scenario": _PREEMPTING}),
)

WORST_CASES = {
    "rolling-update": ROLLING,
    "etcd": ETCD,
    "pod-lifecycle": POD,
    "service": SERVICE,
    "scheduler": SCHEDULER,
}
