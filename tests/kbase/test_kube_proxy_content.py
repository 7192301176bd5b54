"""The kube-proxy topic (plan numbers 119-128) is complete, embeds Service-simulator runs whose captions
match what the engine computes, and renders with those runs in both languages."""

import pytest
from django.conf import settings
from django.core.management import call_command

from kbase.content import read_content, read_plan
from sim.engine import service

EN_SECTIONS = ["**Short answer.**", "**Mechanism**", "**Pitfalls**", "**Likely follow-ups**"]
ZH_SECTIONS = ["**简答：**", "**机制**", "**容易踩的坑**", "**可能的追问**"]

# What each caption claims about its run: (slug, index of the sim) -> facts the engine must reproduce.
CAPTION_FACTS = {
    ("iptables-tables-chains", 0): {"first_rule": ("nat", "OUTPUT"), "chosen": "10.244.0.2", "snat": True, "source_ip_seen": "10.244.0.1"},
    ("iptables-tables-chains", 1): {"verdict": "dropped", "rule": ("filter", "KUBE-EXTERNAL-SERVICES", "has no local endpoints")},
    ("clusterip-iptables-chains", 0): {
        "saved": ["0.33333333349", "0.50000000000"], "chosen": "10.244.0.2", "source_ip_seen": "10.244.0.200",
        "snat": False, "counts": [351, 315, 334], "rule": ("nat", "KUBE-SVC-CDGGSHYLG3RE2FKL", "KUBE-SEP-QA4PSDNF5R2OJOPA"),
    },
    ("clusterip-iptables-chains", 1): {"counts": [400, 200, 400], "rule": ("nat", "KUBE-SVC-CDGGSHYLG3RE2FKL", "--rcheck --seconds 10800 --reap")},
    ("kube-proxy-iptables-mode", 0): {"saved": ["0.50000000000"], "usable": ["10.244.0.2", "10.244.2.2"], "counts": [519, 481]},
    ("kube-proxy-iptables-mode", 1): {"verdict": "rejected", "rule": ("filter", "KUBE-SERVICES", "has no endpoints")},
    ("nodeport-iptables-snat", 0): {
        "chosen": "10.244.0.2", "snat": True, "source_ip_seen": "172.18.0.4", "rule": ("nat", "KUBE-POSTROUTING", "--random-fully"),
    },
    ("nodeport-iptables-snat", 1): {
        "chosen": "10.244.1.2", "snat": False, "source_ip_seen": "203.0.113.10", "rule": ("nat", "KUBE-SVL-CDGGSHYLG3RE2FKL", "10.244.1.2"),
    },
    ("nodeport-iptables-snat", 2): {"verdict": "dropped", "rule": ("filter", "KUBE-EXTERNAL-SERVICES", "has no local endpoints")},
    ("kube-proxy-ipvs-mode", 0): {"counts": [3, 3, 3], "rule": ("ipvs", "ipvsadm", "TCP  10.96.0.10:80 rr"), "snat": False},
    ("kube-proxy-ipvs-mode", 1): {"counts": [200, 200, 600], "per_client": [[0, 0, 200], [0, 200, 0], [0, 0, 200], [200, 0, 0], [0, 0, 200]]},
    ("ipvs-vs-iptables", 0): {"counts": [4, 2, 3], "saved": ["0.33333333349", "0.50000000000"]},
    ("ipvs-vs-iptables", 1): {
        "reason_code": "ipvs_reply_lost", "chosen": "10.244.0.2", "snat": False, "usable": ["10.244.0.2", "10.244.1.2"],
        "rule": ("ipvs", "ipvsadm", "TCP  172.18.0.4:30080 rr"),
    },
    ("kube-proxy-userspace-mode", 0): {"counts": [4, 2, 3], "source_ip_seen": "10.244.0.200"},
    ("kube-proxy-future", 0): {
        "counts": [351, 315, 334], "chosen": "10.244.0.2", "snat": False,
        "rule": ("nft", "service-SUSTUHLJ-default/web/tcp/http", "numgen random mod 3 vmap"),
    },
    ("kube-proxy-future", 1): {"verdict": "rejected", "rule": ("nft", "no-endpoint-services", "goto reject-chain")},
    ("kube-proxy-modes", 0): {"counts": [4, 2, 3], "chosen": "10.244.0.2"},
    ("kube-proxy-modes", 1): {"counts": [4, 2, 3], "chosen": "10.244.0.2", "rule": ("nft", "services", "vmap @service-ips")},
    ("kube-proxy-modes", 2): {"counts": [3, 3, 3], "rule": ("ipvs", "ipvsadm", "TCP  10.96.0.10:80 rr")},
    ("kube-proxy-role", 0): {"usable": ["10.244.0.2", "10.244.2.2"], "counts": [519, 481], "saved": ["0.50000000000"]},
    ("kube-proxy-role", 1): {
        "usable": ["10.244.1.2"], "counts": [100], "source_ip_seen": "10.244.1.200", "rule": ("nat", "KUBE-SERVICES", "KUBE-SVL-CDGGSHYLG3RE2FKL"),
    },
}


@pytest.fixture(scope="module")
def kube_proxy():
    _topics, questions = read_content(settings.CONTENT_DIR)
    return {q.slug: q for q in questions if q.topic == "kube-proxy"}


def test_every_kube_proxy_plan_question_has_a_file(kube_proxy):
    wanted = {slug: number for slug, (number, topic) in read_plan(settings.CONTENT_DIR).items() if topic == "kube-proxy"}
    assert len(wanted) == 10
    assert set(kube_proxy) == set(wanted)
    assert {slug: kube_proxy[slug].number for slug in wanted} == wanted


@pytest.mark.parametrize("field", ["question", "answer", "prompt", "explanation"])
def test_kube_proxy_texts_exist_in_both_languages(kube_proxy, field):
    for slug, question in kube_proxy.items():
        assert getattr(question, field)["en"].strip() and getattr(question, field)["zh"].strip(), (slug, field)


def test_kube_proxy_answers_follow_the_house_sections_in_order(kube_proxy):
    for slug, question in kube_proxy.items():
        for lang, sections in (("en", EN_SECTIONS), ("zh", ZH_SECTIONS)):
            text = question.answer[lang]
            positions = [text.find(section) for section in sections]
            assert -1 not in positions, (slug, lang, positions)
            assert positions == sorted(positions), (slug, lang, positions)


def test_kube_proxy_quiz_items_references_and_stamp(kube_proxy):
    for slug, question in kube_proxy.items():
        assert len(question.choices) == 4, slug
        assert sum(bool(choice["correct"]) for choice in question.choices) == 1, slug
        assert question.references and all(url.startswith("https://") for url in question.references), slug
        assert 2 <= len(question.see_also) <= 5, slug
        assert str(question.checked["kubernetes"]) == "1.37", slug
        assert len(question.answer["en"].split()) <= 470, slug


def test_every_kube_proxy_answer_embeds_a_service_run_with_bilingual_captions(kube_proxy):
    for slug, question in kube_proxy.items():
        assert question.sims, slug
        for index, sim in enumerate(question.sims):
            assert sim["kind"] == "service", (slug, index)
            assert sim["caption"]["en"].strip() and sim["caption"]["zh"].strip(), (slug, index)
            assert (slug, index) in CAPTION_FACTS, (slug, index)
    embedded = {(slug, index) for slug, question in kube_proxy.items() for index in range(len(question.sims))}
    assert embedded == set(CAPTION_FACTS)


@pytest.mark.parametrize("key", sorted(CAPTION_FACTS))
def test_each_caption_states_what_its_run_shows(kube_proxy, key):
    slug, index = key
    sim = kube_proxy[slug].sims[index]
    result = service.simulate(service.parse_params(sim["params"])).to_dict()
    facts = CAPTION_FACTS[key]
    counts = [row["count"] for row in result["distribution"]["counts"]]
    for name, expected in facts.items():
        if name == "counts":
            assert counts == expected
            stated = " / ".join(str(n) for n in expected)
            assert stated in sim["caption"]["en"] and stated in sim["caption"]["zh"], stated
        elif name == "saved":
            assert result["probabilities_saved"] == expected
            for value in expected:
                assert value in sim["caption"]["en"]
        elif name == "rule":
            table, chain, text = expected
            assert any(r["table"] == table and r["chain"] == chain and text in r["text"] for r in result["rules"]), expected
        elif name == "first_rule":
            assert (result["rules"][0]["table"], result["rules"][0]["chain"]) == expected
        elif name == "per_client":
            assert [row["counts"] for row in result["distribution"]["per_client"]] == expected
        else:
            assert result[name] == expected, name
            if isinstance(expected, str) and name in ("chosen", "source_ip_seen"):
                assert expected in sim["caption"]["en"] and expected in sim["caption"]["zh"], name


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["What proxy modes does kube-proxy have", "numgen random mod 3 vmap", "KUBE-SVC-CDGGSHYLG3RE2FKL", "round robin gives exactly 3 / 3 / 3"]),
    ("zh-hans", ["kube-proxy 有哪几种代理模式", "numgen random mod 3 vmap", "KUBE-SVC-CDGGSHYLG3RE2FKL", "轮询让 9 个连接恰好分成 3 / 3 / 3"]),
])
def test_kube_proxy_page_renders_its_runs_in_both_languages(client, lang, expected):
    call_command("load_content")
    response = client.get(f"/{lang}/questions/kube-proxy-modes/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in expected:
        assert text in html, text
