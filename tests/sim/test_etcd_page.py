"""The etcd simulator page, its htmx fragment, the fault buttons and the embed in answers."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from sim.engine import etcd
from sim.views.etcd import PRESETS, changed_params, embed_context, fault_actions
from tests.sim.helpers import LANGS, h1_count, page_getter

PAGE = "/{lang}/sim/etcd/"
get = page_getter(PAGE)


def fault_link(html, action):
    match = re.search(r'<a class="button" href="([^"]+)" hx-get="[^"]+" data-action="%s">' % action, html)
    assert match, f"no {action} button"
    return parse_qs(urlsplit(unescape(match.group(1))).query)


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_renders_the_default_run_with_one_h1(client, lang):
    response = get(client, lang)
    html = response.content.decode()
    assert response.status_code == 200
    assert h1_count(html) == 1
    assert f'lang="{lang}"' in html
    assert 'class="etcd-ring"' in html and 'class="etcd-swimlane' in html and 'class="etcd-writes"' in html
    assert html.count('role="img"') >= 3
    assert f'hx-get="/{lang}/sim/etcd/"' in html and 'method="get"' in html and 'hx-push-url="true"' in html
    assert 'data-role="leader"' in html


@pytest.mark.parametrize("lang", LANGS)
def test_the_htmx_fragment_is_the_simulator_region_only(client, lang):
    response = get(client, lang, "members=5&events=stop:leader@2000", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and h1_count(html) == 0
    assert html.lstrip().startswith('<div id="etcd-sim"')
    assert 'value="stop:leader@2000"' in html  # the form shows the new schedule after a fault button


def test_the_page_is_translated(client):
    html = get(client, "zh-hans").content.decode()
    with translation.override("zh-hans"):
        from django.utils.translation import gettext
        assert gettext("Stop the leader") in html


def test_the_tolerance_table_lists_one_to_nine_members_and_marks_the_current_size(client):
    html = get(client, query="members=5").content.decode()
    table = html.split('class="etcd-tolerance"')[1].split("</table>")[0]
    rows = re.findall(r'<tr( class="current" aria-current="true")?><td class="num">(\d)</td><td class="num">(\d)</td>'
                      r'<td class="num">(\d)</td></tr>', table)
    assert [(int(m), int(q), int(t)) for _, m, q, t in rows] == [
        (1, 1, 0), (2, 2, 0), (3, 2, 1), (4, 3, 1), (5, 3, 2), (6, 4, 2), (7, 4, 3), (8, 5, 3), (9, 5, 4)]
    assert [m for current, m, _, _ in rows if current] == ["5"]


def test_fault_buttons_append_an_event_after_the_existing_ones(client):
    html = get(client, query="members=5&events=stop:leader@2000").content.decode()
    query = fault_link(html, "stop-leader")
    assert query["events"] == ["stop:leader@2000,stop:leader@5000"]
    assert query["members"] == ["5"] and int(query["duration_ms"][0]) >= 13_000
    assert fault_link(html, "partition-halves")["events"] == ["stop:leader@2000,partition:0-1|2-3-4@5000"]
    assert fault_link(html, "restart-all")["events"] == ["stop:leader@2000,restart:all@5000"]
    assert 'data-action="heal"' not in html


def test_member_buttons_stop_running_members_and_restart_stopped_ones(client):
    html = get(client, query="members=3&events=stop:1@2000").content.decode()
    assert re.search(r'data-member="0">Stop 0<', html)
    assert re.search(r'class="button restart" href="[^"]*restart%3A1%405000[^"]*"[^>]*data-member="1">Restart 1<', html)


def test_following_a_fault_link_runs_the_new_scenario(client):
    first = get(client, query="members=3").content.decode()
    query = fault_link(first, "stop-leader")
    html = get(client, query="&".join(f"{k}={v[0]}" for k, v in query.items())).content.decode()
    assert "stopped member 0 (the leader of term 1)" in html
    assert re.search(r"Member [12] became leader of term 2", html)


def test_a_partition_shows_groups_and_a_heal_button(client):
    html = get(client, query="members=5&events=partition:0-1|2-3-4@2000&duration_ms=12000").content.decode()
    assert "network groups" in html and 'data-action="heal"' in html
    assert 'class="partition-band"' in html


def test_invalid_input_answers_400_with_the_errors_in_the_fragment(client):
    response = get(client, query="members=12&events=boom", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 400
    assert "These parameters are not valid" in html and "<html" not in html
    assert "<strong>Voting members</strong>" in html and "<strong>Faults</strong>" in html


def test_the_faults_stop_once_the_run_reaches_its_limit():
    params = etcd.parse_params({"duration_ms": 120_000, "write_rate": 0, "events": "heal@118000"})
    result = etcd.simulate(params).to_dict()
    assert fault_actions(params, result)["available"] is False


@pytest.mark.parametrize(("slug", "label", "raw"), PRESETS)
def test_every_preset_is_valid_and_linked(client, slug, label, raw):
    params = etcd.parse_params(raw)
    html = get(client).content.decode()
    assert f'data-preset="{slug}"' in html
    assert etcd.simulate(params).to_dict()["safety"]["ok"]


def test_the_embed_shows_a_compact_swimlane_figures_and_a_link():
    params = etcd.parse_params({"members": 4, "events": "partition:0-1|2-3@2000"})
    result = etcd.simulate(params).to_dict()
    context = {"caption": "Quorum of 4", "full_url": "/en/sim/etcd/?members=4", "params": params,
               "result": result, **embed_context(params, result)}
    html = render_to_string("sim/etcd_embed.html", context)
    assert 'class="etcd-swimlane compact"' in html and "Quorum of 4" in html
    assert 'href="/en/sim/etcd/?members=4"' in html
    assert "<code>members=4</code>" in html
    assert "3 / 4" in html  # quorum of 4 members


def test_changed_params_lists_only_what_differs_from_the_defaults():
    params = etcd.parse_params({"members": 5, "prevote": "false"})
    assert changed_params(params) == ["members=5", "prevote=false"]


def test_the_content_plan_presets_run_through_the_embed_tag(client):
    from django.template import Context, Template

    template = Template("{% load sim_tags %}{% sim_embed preset 'en' %}")
    preset = {"kind": "etcd", "params": {"members": 5, "events": "stop:leader@2000,stop:follower@5000"},
              "caption": {"en": "Five members", "zh": "五个成员"}}
    html = template.render(Context({"preset": preset}))
    assert "Five members" in html and 'class="etcd-swimlane compact"' in html
    assert "/en/sim/etcd/?" in html or "/sim/etcd/?" in html
