"""Every engine's limits (issue 19): the first value over a limit is a 400 naming the field; the worst cases pass.

bench/bench_engine_limits.py times the worst cases of sim/engine/worst_cases.py against 50 ms; these
tests only check that the API refuses one step past each limit and that every worst case is still
accepted (no timing here).
"""

import pytest

from sim import registry
from sim.engine import ParamError
from sim.engine._pod_params import MAX_PROBES
from sim.engine._raft_params import MAX_ESTIMATED_WORK as ETCD_MAX_WORK
from sim.engine._raft_params import estimated_work as etcd_work
from sim.engine._rolling_params import MAX_ESTIMATED_WORK as ROLLING_MAX_WORK
from sim.engine._rolling_params import estimated_work as rolling_work
from sim.engine.worst_cases import WORST_CASES

pytestmark = pytest.mark.django_db

ONE_POD_AT_A_TIME = {"replicas": "10000", "max_surge": "1", "max_unavailable": "0"}
BUSY_ETCD = {"members": "9", "learners": "3", "heartbeat_ms": "10", "election_ms": "50", "write_rate": "200"}
TWO_ONE_SECOND_PROBES = {"liveness": "true", "liveness_period": "1", "readiness": "true", "readiness_period": "1"}


def engine(kind):
    return registry.get(kind).engine


def refused_field(client, kind, query):
    """The fields a 400 from the API names (and the API's messages)."""
    response = client.get(f"/api/sim/{kind}", query)
    assert response.status_code == 400, response.content[:300]
    return response.json()["errors"]


def first_etcd_duration_over_the_limit(raw):
    duration = 1000
    while etcd_work(voters=int(raw["members"]), learners=int(raw["learners"]), heartbeat_ms=int(raw["heartbeat_ms"]),
                    election_ms=int(raw["election_ms"]), write_rate=int(raw["write_rate"]),
                    duration_ms=duration) <= ETCD_MAX_WORK:
        duration += 1
    return duration


@pytest.mark.parametrize(("kind", "raw"), [(kind, raw) for kind, cases in WORST_CASES.items() for _, raw in cases],
                         ids=[f"{kind}: {label}" for kind, cases in WORST_CASES.items() for label, _ in cases])
def test_every_worst_case_of_the_bench_is_accepted(kind, raw):
    params = engine(kind).parse_params(raw)
    assert params.to_query()


def test_rolling_accepts_ten_thousand_replicas_one_at_a_time_and_not_one_more():
    assert rolling_work(engine("rolling-update").parse_params(ONE_POD_AT_A_TIME)) == ROLLING_MAX_WORK


def test_rolling_refuses_the_first_replica_count_over_its_maximum(client):
    errors = refused_field(client, "rolling-update", {**ONE_POD_AT_A_TIME, "replicas": "10001"})
    assert list(errors) == ["replicas"]
    assert "at most 10000" in errors["replicas"]


@pytest.mark.parametrize("extra", [
    {"min_ready_seconds": "1"},
    {"pod_ready_seconds": "601", "progress_deadline_seconds": "600"},
])
def test_rolling_refuses_more_work_than_ten_thousand_replicas_one_at_a_time(client, extra):
    errors = refused_field(client, "rolling-update", {**ONE_POD_AT_A_TIME, **extra})
    assert list(errors) == ["replicas"]
    assert f"(at most {ROLLING_MAX_WORK:,})" in errors["replicas"] and "lower replicas" in errors["replicas"]


def test_rolling_accepts_the_same_work_with_fewer_replicas():
    engine("rolling-update").parse_params({**ONE_POD_AT_A_TIME, "replicas": "7500", "min_ready_seconds": "1"})
    with pytest.raises(ParamError):
        engine("rolling-update").parse_params({**ONE_POD_AT_A_TIME, "replicas": "7501", "min_ready_seconds": "1"})


def test_etcd_refuses_the_first_duration_over_its_work_limit(client):
    duration = first_etcd_duration_over_the_limit({**BUSY_ETCD, "learners": "3"})
    engine("etcd").parse_params({**BUSY_ETCD, "duration_ms": str(duration - 1)})
    errors = refused_field(client, "etcd", {**BUSY_ETCD, "duration_ms": str(duration)})
    assert list(errors) == ["duration_ms"]
    assert f"(at most {ETCD_MAX_WORK:,})" in errors["duration_ms"] and "shorten duration_ms" in errors["duration_ms"]


def test_etcd_counts_elections_in_its_work_estimate():
    calm = etcd_work(voters=9, learners=0, heartbeat_ms=100, election_ms=5000, write_rate=0, duration_ms=10_000)
    jumpy = etcd_work(voters=9, learners=0, heartbeat_ms=100, election_ms=500, write_rate=0, duration_ms=10_000)
    assert jumpy - calm == (20 - 2) * 9 * 8 * 2


@pytest.mark.parametrize(("key", "value"), [("members", "10"), ("learners", "4"), ("duration_ms", "120001")])
def test_etcd_refuses_the_first_value_over_each_maximum(client, key, value):
    assert key in refused_field(client, "etcd", {key: value})


def test_pod_refuses_the_first_horizon_over_its_probe_limit(client):
    last = MAX_PROBES // 2 - 1
    engine("pod-lifecycle").parse_params({**TWO_ONE_SECOND_PROBES, "horizon_seconds": str(last)})
    errors = refused_field(client, "pod-lifecycle", {**TWO_ONE_SECOND_PROBES, "horizon_seconds": str(last + 1)})
    assert list(errors) == ["horizon_seconds"]
    assert f"about {2 * (last + 2):,} probes (at most {MAX_PROBES:,})" in errors["horizon_seconds"]


def test_pod_refuses_the_first_threshold_and_horizon_over_their_maximum(client):
    errors = refused_field(client, "pod-lifecycle", {"liveness_failure_threshold": "10001", "horizon_seconds": "7201"})
    assert set(errors) == {"liveness_failure_threshold", "horizon_seconds"}


def test_service_refuses_the_first_value_over_each_maximum(client):
    endpoints = ",".join(["node-a:ready"] * 51)
    errors = refused_field(client, "service", {"endpoints": endpoints, "requests": "100001", "clients": "51"})
    assert set(errors) == {"endpoints", "requests", "clients"}
    nodes = ",".join(f"node-{i}" for i in range(11))
    assert "nodes" in refused_field(client, "service", {"nodes": nodes})


def test_scheduler_refuses_the_first_node_and_byte_over_its_maximum(client):
    nodes = "\n".join(f"  - {{name: n{i}, allocatable: {{cpu: 1, memory: 1Gi}}}}" for i in range(51))
    errors = refused_field(client, "scheduler", {"scenario": f"nodes:\n{nodes}\npod: {{name: web}}\n"})
    assert list(errors) == ["nodes"]
    padding = "#" * (16 * 1024)
    assert list(refused_field(client, "scheduler", {"scenario": f"{padding}\nnodes: []\n"})) == ["scenario"]
