"""GET /api/sim/pod-lifecycle: the JSON contract and its 400s."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine import pod

API = "/api/sim/pod-lifecycle"


def test_the_default_run_answers_the_documented_contract(client):
    response = client.get(API)
    assert response.status_code == 200
    data = response.json()
    assert data["kind"] == "pod-lifecycle"
    assert data["params"] == pod.parse_params({}).to_query()
    assert data["params"]["restart_policy"] == "Always" and data["params"]["horizon_seconds"] == "600"
    assert [e["type"] for e in data["events"]] == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    assert set(data["events"][0]) >= {"t", "type", "container", "message"}
    assert data["phases"] == [{"t": 0, "phase": "Pending"}, {"t": 2, "phase": "Running"}]
    assert {"t": 2, "type": "Ready", "status": "True", "reason": ""} in data["conditions"]
    assert [(s["status"], s["ready"], s["restarts"]) for s in data["status_column"]] == [
        ("Pending", "0/1", 0), ("ContainerCreating", "0/1", 0), ("Running", "1/1", 0),
    ]
    assert data["restarts"] == 0 and data["restart_delays"] == []


def test_a_crash_loop_reports_restarts_and_their_delays(client):
    data = client.get(API, {"exit_after_seconds": "2", "exit_code": "1", "horizon_seconds": "1500"}).json()
    assert data["restart_delays"] == [0, 10, 20, 40, 80, 160, 300, 300, 300]
    assert data["restarts"] == 9
    assert "CrashLoopBackOff" in [s["status"] for s in data["status_column"]]
    assert any(e["type"] == "BackOff" and e["count"] > 1 for e in data["events"])


def test_probe_parameters_are_named_probe_field(client):
    data = client.get(API, {"liveness": "true", "liveness_period": "5", "liveness_failure_threshold": "2",
                            "liveness_timeout": "2", "hang_at_seconds": "60", "horizon_seconds": "100"}).json()
    assert data["params"]["liveness"] == "true" and data["params"]["liveness_period"] == "5"
    killing = [e for e in data["events"] if e["type"] == "Killing"]
    assert killing[0]["t"] == 72


def test_parameters_are_normalised_in_the_answer(client):
    data = client.get(API, {"restart_policy": "never", "start_seconds": " 007 ", "readiness": "on", "exit_after_seconds": ""}).json()
    assert data["params"]["restart_policy"] == "Never"
    assert data["params"]["start_seconds"] == "7"
    assert data["params"]["readiness"] == "true"
    assert data["params"]["exit_after_seconds"] == ""


def test_invalid_input_answers_400_naming_every_bad_field(client):
    response = client.get(API, {"liveness_success_threshold": "2", "readiness_period": "0", "restart_policy": "Sometimes",
                                "horizon_seconds": "9999", "colour": "blue"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"liveness_success_threshold", "readiness_period", "restart_policy", "horizon_seconds", "colour"}
    assert errors["liveness_success_threshold"] == "must be 1 for a liveness probe (the API server rejects other values)"


def test_a_long_run_with_one_second_probes_answers(client):
    # Two 1-second probes for 4,900 s: 9,802 probes, under the engine's cap of 10,000 (MAX_PROBES).
    response = client.get(API, {"liveness": "true", "readiness": "true", "liveness_period": "1", "readiness_period": "1",
                                "hang_at_seconds": "3000", "horizon_seconds": "4900"})
    assert response.status_code == 200
    data = response.json()
    assert data["restarts"] >= 1 and len(data["events"]) < 500


VALUES = st.one_of(st.text(max_size=8), st.integers(-100, 10_000).map(str), st.sampled_from(["", "true", "false", "on"]))
KEYS = st.sampled_from([*pod.parse_params({}).to_query(), "nope"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.dictionaries(KEYS, VALUES, max_size=8))
def test_no_input_gives_a_server_error(client, query):
    response = client.get(API, query)
    assert response.status_code in (200, 400)
    body = response.json()
    assert ("errors" in body) == (response.status_code == 400)
