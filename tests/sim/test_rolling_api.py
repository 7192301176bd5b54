"""GET /api/sim/rolling-update: the JSON contract and its 400s."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine import rolling

API = "/api/sim/rolling-update"


def test_the_default_run_answers_the_documented_contract(client):
    response = client.get(API)
    assert response.status_code == 200
    data = response.json()
    assert data["kind"] == "rolling-update"
    assert data["params"] == {
        "replicas": "3", "strategy": "RollingUpdate", "max_surge": "25%", "max_unavailable": "25%",
        "min_ready_seconds": "0", "pod_ready_seconds": "5", "progress_deadline_seconds": "600", "new_pods_fail": "false",
    }
    assert data["resolved"] == {"max_surge": 1, "max_unavailable": 0, "max_total": 4, "min_available": 3,
                                "fencepost_bumped": False}
    assert data["steps"][0] == {"t": 0, "old": 3, "new": 0, "total": 3, "ready": 3, "available": 3, "event": "",
                                "replica_set": "", "from": 0, "to": 0}
    assert data["steps"][1]["event"] == "Scaled up replica set web-new-7d9f8b6c from 0 to 1"
    assert [(s["old"], s["new"]) for s in data["steps"]] == [(3, 0), (3, 1), (2, 1), (2, 2), (1, 2), (1, 3), (0, 3)]
    assert [c["reason"] for c in data["conditions"]] == ["NewReplicaSetCreated", "ReplicaSetUpdated", "NewReplicaSetAvailable"]
    assert data["final"]["outcome"] == "complete"


def test_ten_replicas_resolve_to_a_band_of_8_to_13(client):
    data = client.get(API, {"replicas": "10"}).json()
    assert (data["resolved"]["max_total"], data["resolved"]["min_available"]) == (13, 8)
    assert max(step["total"] for step in data["steps"]) == 13
    assert min(step["available"] for step in data["steps"]) == 8


def test_recreate_and_a_stalled_rollout_report_their_conditions(client):
    recreate = client.get(API, {"strategy": "Recreate"}).json()
    assert [(s["old"], s["new"]) for s in recreate["steps"]] == [(3, 0), (0, 0), (0, 3)]
    assert {"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable"}.items() <= recreate["conditions"][1].items()
    stalled = client.get(API, {"new_pods_fail": "true", "progress_deadline_seconds": "120"}).json()
    assert stalled["conditions"][-1]["reason"] == "ProgressDeadlineExceeded"
    assert stalled["conditions"][-1]["t"] == 120
    assert stalled["final"]["old"] == 3


def test_parameters_are_normalised_in_the_answer(client):
    data = client.get(API, {"replicas": " 010 ", "max_surge": "1", "max_unavailable": "", "new_pods_fail": "on"}).json()
    assert data["params"]["replicas"] == "10"
    assert data["params"]["max_unavailable"] == "25%"
    assert data["params"]["new_pods_fail"] == "true"


def test_invalid_input_answers_400_naming_every_bad_field(client):
    response = client.get(API, {"replicas": "-1", "max_surge": "x", "max_unavailable": "-3", "strategy": "Canary",
                                 "colour": "blue"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"replicas", "max_surge", "max_unavailable", "strategy", "colour"}
    assert errors["max_unavailable"] == "must be greater than or equal to 0"
    over = client.get(API, {"max_unavailable": "150%"})
    assert over.status_code == 400
    assert over.json()["errors"] == {"max_unavailable": "must not be greater than 100%"}


def test_both_zero_is_rejected_like_the_api_server(client):
    response = client.get(API, {"max_surge": "0%", "max_unavailable": "0"})
    assert response.status_code == 400
    assert response.json() == {"errors": {"max_unavailable": "may not be 0 when `maxSurge` is 0"}}


def test_repeated_requests_are_served_from_the_cache(client, monkeypatch):
    runs = []
    real_simulate = rolling.simulate
    monkeypatch.setattr(rolling, "simulate", lambda params: runs.append(params) or real_simulate(params))
    first = client.get(API, {"replicas": "40"}).json()
    second = client.get(API, {"replicas": "040", "strategy": "RollingUpdate"}).json()
    assert first == second
    assert len(runs) == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(
    st.sampled_from(["replicas", "strategy", "max_surge", "max_unavailable", "min_ready_seconds", "pod_ready_seconds",
                     "progress_deadline_seconds", "new_pods_fail", "x"]),
    st.one_of(st.text(max_size=8), st.integers(-5, 20_000).map(str), st.sampled_from(["25%", "0", "Recreate", "true"])),
    max_size=6,
))
def test_no_input_produces_a_server_error(client, query):
    response = client.get(API, query)
    assert response.status_code in (200, 400)
    assert ("errors" in response.json()) == (response.status_code == 400)
