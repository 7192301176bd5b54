"""GET /api/sim/service: the JSON the page also shows, and 400s naming the field."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine import _service_names as names
from sim.engine import service

API = "/api/sim/service"


def test_the_default_run_answers_the_documented_fields(client):
    response = client.get(API)
    assert response.status_code == 200
    data = response.json()
    assert data["kind"] == "service"
    assert data["params"]["endpoints"] == "node-a:ready,node-b:ready,node-c:ready"
    assert [ep["ip"] for ep in data["endpoints"]] == ["10.244.0.2", "10.244.1.2", "10.244.2.2"]
    assert {ep["name"] for ep in data["endpoints"]} == {"web-1", "web-2", "web-3"}
    assert data["usable"] == ["10.244.0.2", "10.244.1.2", "10.244.2.2"]
    assert data["verdict"] == "forwarded" and data["reason"] == ""
    assert data["probabilities"] == ["0.3333333333", "0.5000000000"]
    assert data["snat"] is False and data["source_ip_seen"] == "10.244.0.200"
    assert sum(row["count"] for row in data["distribution"]["counts"]) == 1000
    assert data["rules"][1]["text"].endswith(f"-j {names.svc_chain()}")
    assert [step["code"] for step in data["walk"]][0] == "start"


def test_a_service_without_endpoints_is_rejected_with_kube_proxys_comment(client):
    data = client.get(API, {"endpoints": "none"}).json()
    assert data["verdict"] == "rejected"
    assert data["reason"] == "default/web:http has no endpoints"


@pytest.mark.parametrize(("query", "field"), [
    ({"endpoints": "node-a:sleepy"}, "endpoints"),
    ({"client": "external:node-a"}, "client"),
    ({"requests": "100001"}, "requests"),
    ({"mode": "userspace"}, "mode"),
    ({"type": "ExternalName"}, "type"),
    ({"session_affinity": "Cookie"}, "session_affinity"),
])
def test_bad_values_answer_400_naming_the_field(client, query, field):
    response = client.get(API, query)
    assert response.status_code == 400
    assert field in response.json()["errors"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(list(service.Params().to_query())), st.text(max_size=20), max_size=5))
def test_no_query_gives_a_server_error(client, query):
    assert client.get(API, query).status_code in (200, 400)
