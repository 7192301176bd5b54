"""The service-networking topic: every planned question exists in both languages, and its runs match their captions."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command

from kbase.content import read_content, read_plan
from sim.engine import service

TOPIC = "service-networking"
# Content plan section 4: the slugs the Service routing simulator serves in this topic.
WITH_RUNS = {
    "service-what-is", "service-pod-association", "service-types", "service-endpoint-kubeproxy-relationship",
    "headless-service", "service-session-affinity", "service-for-external-backend", "service-troubleshooting",
    "k8s-load-balancing", "external-traffic-entry", "ingress-controller-mechanism",
}


@pytest.fixture(scope="module")
def questions():
    _topics, questions = read_content(settings.CONTENT_DIR)
    return {q.slug: q for q in questions if q.topic == TOPIC}


def test_every_planned_question_exists_with_both_languages_a_quiz_item_and_references(questions):
    planned = {slug for slug, (_number, topic) in read_plan(settings.CONTENT_DIR).items() if topic == TOPIC}
    assert len(planned) == 15
    assert sorted(planned - set(questions)) == []
    for slug in planned:
        question = questions[slug]
        for field in (question.question, question.answer, question.explanation):
            assert field["en"].strip() and field["zh"].strip(), slug
        assert len(question.choices) == 4 and sum(c["correct"] for c in question.choices) == 1, slug
        assert question.references, slug
        for lead in ("**Short answer.**", "**Mechanism", "**Pitfalls**", "**Likely follow-ups**"):
            assert lead in question.answer["en"], (slug, lead)
        for lead in ("**简答：**", "**机制", "**容易踩的坑**", "**可能的追问**"):
            assert lead in question.answer["zh"], (slug, lead)
        assert len(re.findall(r"\S+", question.answer["en"])) <= 450, slug


def test_the_service_simulator_slugs_embed_runs_whose_captions_name_the_outcome(questions):
    assert {slug for slug, q in questions.items() if q.sims} == WITH_RUNS
    for slug in WITH_RUNS:
        assert questions[slug].checked.get("kubernetes") == "1.37", slug
        for preset in questions[slug].sims:
            assert preset["kind"] == service.KIND
            result = service.simulate(service.parse_params(preset["params"])).to_dict()
            caption = preset["caption"]["en"]
            assert preset["caption"]["zh"].strip(), slug
            if result["verdict"] == "rejected":
                assert "REJECT" in caption and "has no endpoints" in caption, slug
            elif result["verdict"] == "dropped":
                assert "has no local endpoints" in caption and "DROP" in caption, slug
            else:
                chosen = next(ep for ep in result["endpoints"] if ep["ip"] == result["chosen"])
                names_the_pick = chosen["name"] in caption or chosen["ip"] in caption
                quotes_the_split = bool(re.search(r"\d+ / \d+", caption))
                assert names_the_pick or quotes_the_split, slug
                if result["snat"]:
                    assert result["source_ip_seen"] in caption, (slug, result["source_ip_seen"])


def test_the_quoted_distributions_are_the_runs_distributions(questions):
    """A caption that quotes a split of whole numbers (a / b / c) quotes the run's own counts, in order."""
    split = re.compile(r"(?<![\d.])(\d+) / (\d+)(?: / (\d+))?(?!\d|\.\d)")
    quoted = 0
    for slug in WITH_RUNS:
        for preset in questions[slug].sims:
            splits = [[int(g) for g in m.groups() if g] for m in split.finditer(preset["caption"]["en"])]
            if not splits:
                continue
            result = service.simulate(service.parse_params(preset["params"])).to_dict()
            assert [c["count"] for c in result["distribution"]["counts"]] in splits, (slug, splits)
            quoted += 1
    assert quoted >= 6


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_the_pages_render_with_their_runs_in_both_languages(client, lang):
    call_command("load_content")
    html = client.get(f"/{lang}/questions/external-traffic-entry/").content.decode()
    assert html.count('class="sim-embed') >= 2
    # The runs themselves, not only their captions: rule text that only the simulator's output contains.
    assert "-A KUBE-EXT-CDGGSHYLG3RE2FKL -j KUBE-SVL-CDGGSHYLG3RE2FKL" in html
    assert "--dport 30080 -j DROP" in html
    assert ("客户端超时" if lang == "zh-hans" else "the client times out") in html
    html = client.get(f"/{lang}/questions/service-session-affinity/").content.decode()
    assert "--rcheck --seconds 10800 --reap --name KUBE-SEP-" in html
    assert "--rcheck --seconds 10 --reap --name KUBE-SEP-" in html
