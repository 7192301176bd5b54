"""The shipped content under content/ is valid, complete for its topics, and round-trips."""

import pytest
from django.conf import settings
from django.core.management import call_command

from kbase.content import read_content, read_plan

# Topics whose every content-plan question must have a file; more join as they are written.
COMPLETE_TOPICS = {
    "docker", "architecture", "pod", "probes", "lifecycle", "workloads",
    "etcd", "controllers-informer", "api-server", "operations-troubleshooting", "release-strategies",
    "helm-observability", "other", "config-secrets", "security-rbac", "storage", "cni",
    "service-networking", "kube-proxy", "scheduling",
}


@pytest.fixture(scope="module")
def shipped():
    return read_content(settings.CONTENT_DIR)


def test_shipped_content_passes_validation(shipped):
    topics, questions = shipped
    assert len(topics) == 20
    assert len(questions) >= 12


def test_every_plan_question_of_the_complete_topics_exists_in_both_languages(shipped):
    _topics, questions = shipped
    by_slug = {q.slug: q for q in questions}
    wanted = {slug for slug, (_n, topic) in read_plan(settings.CONTENT_DIR).items() if topic in COMPLETE_TOPICS}
    assert len(wanted) == 197
    missing = sorted(wanted - set(by_slug))
    assert not missing, f"missing questions: {missing}"
    for slug in wanted:
        question = by_slug[slug]
        for field in (question.question, question.answer, question.explanation):
            assert field["en"].strip() and field["zh"].strip()
        assert len(question.choices) == 4, slug
        assert question.references, slug


def test_chinese_answers_are_written_in_chinese(shipped):
    for question in shipped[1]:
        text = question.answer["zh"]
        han = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
        assert han >= 80, f"{question.slug}: only {han} Chinese characters in the zh answer"


@pytest.mark.django_db
def test_shipped_content_round_trips_through_the_database(tmp_path):
    call_command("load_content")
    call_command("dump_content", "--dir", str(tmp_path))
    source = settings.CONTENT_DIR
    for path in sorted(source.glob("questions/**/*.yaml")):
        assert (tmp_path / path.relative_to(source)).read_text() == path.read_text(), path.name
    assert (tmp_path / "topics.yaml").read_text() == (source / "topics.yaml").read_text()


def _public_texts(question):
    """Every text a reader sees for a question, in both languages."""
    fields = [question.question, question.answer, question.prompt, question.explanation]
    fields += [{"en": c["en"], "zh": c["zh"]} for c in question.choices]
    fields += [preset["caption"] for preset in question.sims]
    for field in fields:
        yield from (field or {}).values()


def test_no_public_text_mentions_our_source_notes(shipped):
    """Readers never saw the notes the plan was built from: no 'seed', 种子 or 笔记 (notes; 笔记本, laptop, is fine) anywhere they read."""
    import re

    offending = [
        (question.slug, match.group(0))
        for question in shipped[1]
        for text in _public_texts(question)
        for match in re.finditer(r"(?i).{0,30}(seed|种子|笔记(?!本)).{0,30}", text)
    ]
    assert not offending, offending


def test_simulator_captions_are_plain_text(shipped):
    """A run's caption is shown as plain text under the chart: Markdown in it would show literally."""
    offending = [
        (question.slug, language)
        for question in shipped[1]
        for preset in question.sims
        for language, text in preset["caption"].items()
        if "`" in text or "**" in text
    ]
    assert not offending, offending
