"""The kube-scheduler simulator page, its htmx fragment and the embed in answers."""

import re

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.html import escape

from sim.engine import scheduler
from tests.sim.helpers import LANGS, h1_count, page_getter, query_of, share_url

PAGE = "/{lang}/sim/scheduler/"
get = page_getter(PAGE)

TAINTED = """\
nodes:
  - name: node-a
    allocatable: {cpu: "4", memory: 8Gi}
    taints: [{key: dedicated, value: gpu, effect: NoSchedule}]
  - name: node-b
    allocatable: {cpu: "4", memory: 8Gi}
pod:
  requests: {cpu: 500m, memory: 512Mi}
"""


def run_query(**raw):
    return {"preset": "", "scenario": "", "strategy": "LeastAllocated", "seed": "0", **raw}


@pytest.mark.parametrize("lang", LANGS)
def test_the_default_page_shows_filters_scores_and_the_scheduled_event(client, lang):
    response = get(client, lang)
    html = response.content.decode()
    assert response.status_code == 200
    assert h1_count(html) == 1
    assert "<code>Insufficient cpu</code>" in html
    assert "Successfully assigned default/web to node-b" in html
    assert 'class="sched-chart' in html and 'role="img"' in html
    assert re.search(r'<tr class="chosen">\s*<th scope="row">node-b', html)
    assert "<span>59 → 59</span> <span>× 1 = <strong>59</strong></span>" in html


def test_the_editor_holds_the_presets_yaml_so_editing_starts_from_it(client):
    html = get(client, query="preset=cordoned-node").content.decode()
    assert "unschedulable: true" in html.split('name="scenario"')[1].split("</textarea>")[0]
    assert "<code>node(s) were unschedulable</code>" in html
    assert "without running the score plugins" in html


def test_the_chinese_page_translates_explanations_but_keeps_the_schedulers_own_words(client):
    html = get(client, "zh-hans", "preset=nothing-fits").content.decode()
    assert "调度器" in html
    assert "0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint(s), 2 Insufficient cpu." in html
    assert "no new claims to deallocate, preemption: 0/3 nodes are available: 1 Preemption is not helpful" in html


def test_the_events_block_is_aligned_like_kubectl_describe(client):
    html = get(client, query="preset=selector-matches-nothing").content.decode()
    block = html.split('<pre class="sched-events"')[1].split("</pre>")[0]
    assert "Events:\n  Type     Reason            Age  From               Message" in block
    assert "  Warning  FailedScheduling  2s   default-scheduler  0/3 nodes are available: 3 node(s) didn&#x27;t match" in block


def test_preemption_shows_candidates_victims_and_the_nominated_node(client):
    html = get(client, query="preset=priority-preemption").content.decode()
    assert "<code>batch-1</code> (0)" in html and "<code>report</code> (500)" in html
    assert "status.nominatedNodeName: node-a" in html
    uid = scheduler.simulate(scheduler.parse_params({"preset": "priority-preemption"})).to_dict()["pod"]["uid"]
    assert f"Normal Preempted Preempted by pod {uid} on node node-a" in html
    assert "lowest priority of the most important victim: node-a" in html


def test_adding_a_taint_in_the_editor_filters_the_node(client):
    html = get(client, query=f"scenario={escape(TAINTED)}").content.decode()
    response = client.get("/en/sim/scheduler/", run_query(scenario=TAINTED))
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<tr class="filtered">\s*<th scope="row">node-a</th>', html)
    assert "Only node-b passes every filter" in html


@pytest.mark.parametrize("lang", LANGS)
def test_an_invalid_scenario_answers_400_naming_the_path(client, lang):
    bad = TAINTED.replace("effect: NoSchedule", "effect: Sometimes")
    response = client.get(f"/{lang}/sim/scheduler/", run_query(scenario=bad))
    html = response.content.decode()
    assert response.status_code == 400
    assert h1_count(html) == 1
    shown = {"en": "Unsupported value: &quot;Sometimes&quot;", "zh-hans": "不支持的值：&quot;Sometimes&quot;"}[lang]
    assert f"nodes[0].taints[0].effect: {shown}" in html
    fragment = client.get(f"/{lang}/sim/scheduler/", run_query(scenario=bad), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 400 and "<html" not in fragment.content.decode()
    assert "nodes[0].taints[0].effect" in fragment.content.decode()


def test_yaml_that_does_not_parse_is_a_400_with_its_line(client):
    response = client.get("/en/sim/scheduler/", run_query(scenario="nodes: [\n  - {name: a"))
    assert response.status_code == 400
    assert "is not valid YAML at line" in response.content.decode()


def test_the_htmx_request_gets_only_the_result_fragment(client):
    response = client.get("/en/sim/scheduler/", run_query(preset="best-effort-pod"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<section id="sched-result"')
    assert "BalancedAllocation skips it" in html


def test_the_share_box_links_the_run_and_its_json(client):
    html = get(client, query="preset=cordoned-node&seed=3").content.decode()
    assert query_of(share_url(html, "sched")) == run_query(preset="cordoned-node", seed="3")
    assert 'href="/api/sim/scheduler?preset=cordoned-node&amp;scenario=&amp;strategy=LeastAllocated&amp;seed=3"' in html


def test_fields_the_simulator_does_not_model_are_listed(client):
    scenario = TAINTED.replace("pod:\n", "pod:\n  schedulerName: custom\n")
    html = client.get("/en/sim/scheduler/", run_query(scenario=scenario)).content.decode()
    assert "<code>pod.schedulerName</code>" in html


@pytest.mark.parametrize("lang", LANGS)
def test_an_embed_shows_the_compact_tables_the_message_and_a_link(lang):
    preset = {"kind": "scheduler", "params": {"preset": "nothing-fits"}, "caption": {"en": "Pending", "zh": "挂起"}}
    with translation.override(lang):
        html = Template("{% load sim_tags %}{% sim_embed preset lang %}").render(Context({"preset": preset, "lang": lang}))
    assert 'class="sim-embed sched-embed"' in html
    assert "<code>node(s) had untolerated taint(s)</code>" in html
    assert "Warning  FailedScheduling" in html
    assert f'href="/{lang}/sim/scheduler/?preset=nothing-fits&amp;scenario=' in html
    assert ("没有节点" if lang == "zh-hans" else "No node passes the filters") in html


def test_an_unknown_preset_is_a_400_beside_the_editor(client):
    response = client.get("/en/sim/scheduler/", run_query(preset="no-such-preset"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "preset: unknown preset; use one of node-out-of-cpu" in html
    assert "__all__" not in html
