"""The Service simulator page, its htmx fragment, the plain-GET links and the embed, in both languages."""

import pytest
from django.template import Context, Template
from django.utils import translation

from sim.engine import _service_names as names
from tests.sim.helpers import LANGS, h1_count, page_getter, query_of, share_url

PAGE = "/{lang}/sim/service/"
get = page_getter(PAGE)


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_shows_nodes_pods_rules_bars_and_the_walk(client, lang):
    response = get(client, lang)
    html = response.content.decode()
    assert response.status_code == 200 and h1_count(html) == 1
    assert 'class="service-diagram' in html and 'role="img"' in html
    assert html.count('class="pod pod-ready in-use') == 3
    assert "--probability 0.33333333349" in html and names.svc_chain() in html
    assert 'class="count" data-ip="10.244.0.2"' in html
    assert 'hx-get="/%s/sim/service/"' % lang in html and 'method="get"' in html


def test_the_walk_and_the_labels_are_in_chinese(client):
    html = get(client, "zh-hans").content.decode()
    assert "数据包的路径" in html
    assert "在 node-a 上" in html
    en = get(client, "en").content.decode()
    assert "The packet's path" in en and "opens a TCP connection to 10.96.0.10:80" in en


def test_a_pod_links_to_the_same_run_with_its_state_changed(client):
    html = get(client).content.decode()
    link = html.split('class="pod-link" data-ip="10.244.1.2"')[0].rsplit('<a href="?', 1)[1].split('"')[0].replace("&amp;", "&")
    assert query_of("?" + link)["endpoints"] == "node-a:ready,node-b:notready,node-c:ready"
    changed = get(client, query=link).content.decode()
    assert "--probability 0.50000000000" in changed and "0.33333333349" not in changed


def test_the_htmx_fragment_holds_the_form_and_the_result(client):
    # Pods in the result are links that change the parameters, so htmx swaps the form too.
    response = get(client, query="mode=nftables", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.strip().startswith('<div id="service-sim"')
    assert '<section id="service-result"' in html and 'id="id_mode"' in html
    assert "numgen random mod 3 vmap" in html


def test_share_and_json_links_reproduce_the_run(client):
    html = get(client, query="mode=ipvs&requests=9").content.decode()
    url = share_url(html, "service")
    assert query_of(url)["mode"] == "ipvs" and query_of(url)["requests"] == "9"
    assert 'href="/api/sim/service?' in html
    assert "TCP  10.96.0.10:80 rr" in html


@pytest.mark.parametrize("lang", LANGS)
def test_bad_input_names_the_field_in_the_readers_language(client, lang):
    response = get(client, lang, query="client=external:node-a")
    html = response.content.decode()
    assert response.status_code == 400
    label, message = {
        "en": ("Client", "an external client needs a NodePort or LoadBalancer Service"),
        "zh-hans": ("客户端", "外部客户端需要 NodePort 或 LoadBalancer 类型的 Service"),
    }[lang]
    assert f"<strong>{label}</strong>" in html and message in html


def test_presets_cover_the_classic_cases(client):
    html = get(client).content.decode()
    for slug in ("three-ready", "one-not-ready", "all-terminating", "nodeport-local", "nodeport-local-none",
                 "hairpin", "affinity", "ipvs-rr"):
        assert f'data-preset="{slug}"' in html


@pytest.mark.parametrize("lang", LANGS)
def test_the_embed_has_a_compact_diagram_the_rules_and_a_link(lang):
    preset = {"kind": "service", "params": {"type": "NodePort", "external_traffic_policy": "Local",
                                            "endpoints": "node-a:ready", "nodes": "node-a,node-b",
                                            "client": "external:node-b"}, "caption": {"en": "Local", "zh": "本地"}}
    with translation.override(lang):
        html = Template("{% load sim_tags %}{% sim_embed preset lang %}").render(Context({"preset": preset, "lang": lang}))
    assert 'class="service-diagram' in html and 'class="service-rules"' in html
    assert "default/web:http has no local endpoints" in html
    assert f'href="/{lang}/sim/service/?' in html
    assert ("丢弃" if lang == "zh-hans" else "Dropped") in html
