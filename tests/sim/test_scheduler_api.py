"""GET /api/sim/scheduler: the JSON contract and its 400s."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

API = "/api/sim/scheduler"


def test_the_default_run_answers_nodes_scores_and_the_choice(client):
    data = client.get(API).json()
    assert data["kind"] == "scheduler"
    assert data["params"] == {"preset": "node-out-of-cpu", "scenario": "", "strategy": "LeastAllocated", "seed": "0"}
    assert data["feasible"] == ["node-b", "node-c"] and data["chosen"] == "node-b"
    node_b = data["nodes"][1]
    assert node_b["filter"] is None
    assert node_b["scores"]["NodeResourcesFit"] == {"skipped": False, "raw": 59, "normalized": 59, "weight": 1,
                                                    "weighted": 59}
    assert node_b["scores"]["NodeAffinity"]["skipped"] is True
    assert data["nodes"][0]["filter"] == {"plugin": "NodeResourcesFit", "code": "Unschedulable",
                                          "reasons": ["Insufficient cpu"]}


def test_a_preset_is_named_by_the_preset_parameter(client):
    data = client.get(API, {"preset": "nothing-fits"}).json()
    assert data["message"].startswith("0/3 nodes are available: 1 Insufficient memory")
    assert data["events"][0]["reason"] == "FailedScheduling"


def test_a_bad_field_inside_the_scenario_answers_400_naming_its_path(client):
    scenario = """
nodes:
  - {name: a, allocatable: {cpu: "1", memory: 1Gi}}
  - {name: b, allocatable: {cpu: "1", memory: 1Gi}}
  - name: c
    allocatable: {cpu: "1", memory: 1Gi}
    taints: [{key: k, effect: Sometimes}]
pod: {requests: {cpu: lots}}
"""
    response = client.get(API, {"scenario": scenario})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"nodes[2].taints[0].effect", "pod.requests.cpu"}
    assert errors["nodes[2].taints[0].effect"].startswith('Unsupported value: "Sometimes"')


def test_a_duplicate_node_is_a_400(client):
    scenario = "nodes: [{name: a, allocatable: {cpu: 1, memory: 1Gi}}, {name: a, allocatable: {cpu: 1, memory: 1Gi}}]"
    errors = client.get(API, {"scenario": scenario}).json()["errors"]
    assert errors == {"nodes[1].name": 'Duplicate value: "a"'}


def test_preset_and_scenario_together_are_refused(client):
    response = client.get(API, {"preset": "cordoned-node", "scenario": "nodes: []"})
    assert response.status_code == 400 and "preset" in response.json()["errors"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_is_a_run_or_a_400_never_a_500(client, text):
    response = client.get(API, {"scenario": text})
    assert response.status_code in (200, 400)


def _documents():
    from tests.sim.engine.test_scheduler import YAML_VALUES

    return YAML_VALUES


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(_documents())
def test_any_yaml_document_is_a_page_or_a_400_never_a_500(client, document):
    import yaml

    try:
        text = yaml.safe_dump(document)
    except (yaml.YAMLError, ValueError):
        return
    for path in (API, "/en/sim/scheduler/"):
        response = client.get(path, {"scenario": text})
        assert response.status_code in (200, 400)
