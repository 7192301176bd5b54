"""The scheduling answers embed kube-scheduler runs, and every scheduler caption quotes what its run shows."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command

from kbase.content import read_content
from sim.engine import scheduler


@pytest.fixture(scope="module")
def shipped():
    return read_content(settings.CONTENT_DIR)[1]


def scheduler_runs(questions):
    for question in questions:
        for preset in question.sims or []:
            if preset["kind"] == "scheduler":
                yield question, preset


def test_every_scheduling_answer_embeds_a_scheduler_run(shipped):
    scheduling = [q for q in shipped if q.topic == "scheduling"]
    assert len(scheduling) == 9
    for question in scheduling:
        assert any(p["kind"] == "scheduler" for p in question.sims or []), question.slug
    assert len({q.slug for q, _ in scheduler_runs(shipped)}) >= 15


def test_scheduler_captions_quote_the_run(shipped):
    """A quoted FailedScheduling message must be the run's message; a named assignment must be the chosen node."""
    checked = 0
    for question, preset in scheduler_runs(shipped):
        result = scheduler.simulate(scheduler.parse_params(preset["params"])).to_dict()
        for language in ("en", "zh"):
            caption = preset["caption"][language]
            for quoted in re.findall(r"[\"“](0/\d+ nodes are available:[^\"”]*)[\"”]", caption):
                assert result["message"] and result["message"].startswith(quoted), (question.slug, quoted)
                checked += 1
            for pod, node in re.findall(r"Successfully assigned (\S+) to ([a-z0-9-]+)", caption):
                assert f"{result['pod']['namespace']}/{result['pod']['name']}" == pod, question.slug
                assert result["chosen"] == node, question.slug
                checked += 1
            for reason in re.findall(r"[\"“]((?:Insufficient \w+|node\(s\)[^\"”]*))[\"”]", caption):
                reasons = {r for row in result["nodes"] if row["filter"] for r in row["filter"]["reasons"]}
                assert reason in reasons, (question.slug, reason)
                checked += 1
    assert checked >= 30


@pytest.mark.django_db
def test_scheduling_pages_render_their_runs_in_both_languages(client):
    call_command("load_content", verbosity=0)
    for slug in ("scheduler-role", "pod-priority-preemption", "node-selector"):
        for language in ("en", "zh-hans"):
            html = client.get(f"/{language}/questions/{slug}/").content.decode()
            assert "sched-embed" in html, (slug, language)
    zh = client.get("/zh-hans/questions/pod-priority-preemption/").content.decode()
    assert "batch-1" in zh and "受害者" in zh
