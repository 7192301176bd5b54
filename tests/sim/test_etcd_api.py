"""GET /api/sim/etcd: the JSON contract and its 400s."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine import etcd

API = "/api/sim/etcd"


def test_the_default_run_answers_the_documented_contract(client):
    response = client.get(API)
    assert response.status_code == 200
    data = response.json()
    assert data["kind"] == "etcd"
    assert data["params"] == etcd.parse_params({}).to_query()
    assert (data["quorum"], data["tolerance"], data["writable"], data["linearizable_reads"]) == (2, 1, True, True)
    assert data["serializable_reads"] is True
    assert data["leaders"] == [{"t_ms": 0, "leader": 0, "term": 1}]
    assert data["elections"] == [] and data["unavailable"] == []
    assert data["writes"]["total"] == 100 and data["writes"]["committed"] == 100 and data["writes"]["failed"] == 0
    assert set(data["writes"]["latency_ms"]) == {"p50", "p90", "p99", "max"}
    assert data["request_timeout_ms"] == 7000


def test_stopping_the_leader_reports_the_election_and_the_outage(client):
    data = client.get(API, {"members": "5", "events": "stop:leader@2000"}).json()
    election = data["elections"][0]
    assert set(election) >= {"term", "start_ms", "candidates", "votes", "winner", "end_ms"}
    assert election["term"] == 2 and election["winner"] in {1, 2, 3, 4}
    assert data["leaders"][-1]["leader"] == election["winner"]
    window = data["unavailable"][0]
    assert window["from_ms"] == 2000 and 2900 <= window["to_ms"] <= 4100
    assert data["faults"][0]["effect"] == "stopped member 0 (the leader of term 1)"


def test_a_cluster_without_quorum_at_the_start_is_not_writable(client):
    data = client.get(API, {"members": "3", "down": "2", "duration_ms": "20000"}).json()
    assert data["writable"] is False and data["linearizable_reads"] is False and data["serializable_reads"] is True
    assert data["writes"]["committed"] == 0 and data["writes"]["failed"] > 0
    assert data["unavailable"] == [{"from_ms": 0, "to_ms": 20000}]


def test_invalid_input_answers_400_naming_each_field(client):
    response = client.get(API, {"members": "12", "events": "stop:leader", "prevote": "perhaps"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"members", "events", "prevote"}
    assert "ACTION@MS" in errors["events"]


def test_unknown_parameters_are_rejected(client):
    response = client.get(API, {"nodes": "3"})
    assert response.status_code == 400
    assert "nodes" in response.json()["errors"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(
    st.sampled_from(["members", "down", "learners", "heartbeat_ms", "election_ms", "rtt_ms", "prevote", "events",
                     "duration_ms", "write_rate", "seed"]),
    st.text(alphabet="0123456789-:|@,.abcdefghijklmnopqrstuvwxyz ", max_size=30),
    max_size=5,
))
def test_any_query_answers_200_or_400_never_500(client, raw):
    response = client.get(API, raw)
    assert response.status_code in (200, 400)
    body = response.json()
    assert ("errors" in body) == (response.status_code == 400)
