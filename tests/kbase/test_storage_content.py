"""The storage topic (plan numbers 129-144) is complete, shaped like the other answers, and renders in both languages."""

import pytest
from django.conf import settings
from django.core.management import call_command

from kbase.content import read_content, read_plan

EN_SECTIONS = ["**Short answer.**", "**Mechanism**", "**Pitfalls**", "**Likely follow-ups**"]
ZH_SECTIONS = ["**简答：**", "**机制**", "**容易踩的坑**", "**可能的追问**"]


@pytest.fixture(scope="module")
def storage():
    _topics, questions = read_content(settings.CONTENT_DIR)
    return {q.slug: q for q in questions if q.topic == "storage"}


def test_every_storage_plan_question_has_a_file(storage):
    wanted = {slug: number for slug, (number, topic) in read_plan(settings.CONTENT_DIR).items() if topic == "storage"}
    assert len(wanted) == 16
    assert set(storage) == set(wanted)
    assert {slug: storage[slug].number for slug in wanted} == wanted


@pytest.mark.parametrize("field", ["question", "answer", "prompt", "explanation"])
def test_storage_texts_exist_in_both_languages(storage, field):
    for slug, question in storage.items():
        assert getattr(question, field)["en"].strip() and getattr(question, field)["zh"].strip(), (slug, field)


def test_storage_answers_follow_the_house_sections_in_order(storage):
    for slug, question in storage.items():
        for lang, sections in (("en", EN_SECTIONS), ("zh", ZH_SECTIONS)):
            text = question.answer[lang]
            positions = [text.find(section) for section in sections]
            assert -1 not in positions, (slug, lang, positions)
            assert positions == sorted(positions), (slug, lang, positions)


def test_storage_quiz_items_have_four_options_one_correct(storage):
    for slug, question in storage.items():
        assert len(question.choices) == 4, slug
        assert sum(bool(choice["correct"]) for choice in question.choices) == 1, slug
        assert all(choice["en"].strip() and choice["zh"].strip() for choice in question.choices), slug


def test_storage_answers_cite_references_and_are_stamped(storage):
    for slug, question in storage.items():
        assert question.references and all(url.startswith("https://") for url in question.references), slug
        assert 2 <= len(question.see_also) <= 5, slug
        assert str(question.checked["kubernetes"]) == "1.37", slug


def test_storage_english_answers_stay_near_the_length_target(storage):
    for slug, question in storage.items():
        assert len(question.answer["en"].split()) <= 470, slug


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["How does a PVC get bound to a PV?", "FindMatchingVolume", "WaitForFirstConsumer"]),
    ("zh-hans", ["PVC 与 PV 如何关联、绑定", "预绑定优先", "WaitForFirstConsumer"]),
])
def test_storage_question_page_renders_in_both_languages(client, lang, expected):
    call_command("load_content")
    response = client.get(f"/{lang}/questions/pvc-pv-binding/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in expected:
        assert text in html, text
