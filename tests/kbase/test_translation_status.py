"""Per-language change times (kept by the importer and the admin) and the translation status page."""

from datetime import datetime, timedelta, timezone

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from kbase.editorial import MISSING, STALE, translation_issues
from kbase.models import Question
from tests.kbase.helpers import admin_form_data, make_question, make_user, question_yaml, write_content
from tests.kbase.test_admin import PRESET

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 12, 1, tzinfo=timezone.utc)


def issues(question):
    return {(issue.field, issue.language, issue.problem) for issue in translation_issues(question)}


def stamps(**fields):
    return {name: {"en": (T0 + timedelta(days=en)).isoformat(), "zh": (T0 + timedelta(days=zh)).isoformat()}
            for name, (en, zh) in fields.items()}


def test_missing_texts_are_found_per_field_and_language():
    question = Question(question_en="Q?", question_zh="", answer_en="", answer_zh="",
                        explanation_en="", explanation_zh="因为。",
                        sims=[{**PRESET, "caption": {"en": "Look.", "zh": ""}}])
    assert issues(question) == {
        ("question", "zh", MISSING), ("answer", "en", MISSING), ("answer", "zh", MISSING),
        ("explanation", "en", MISSING), ("caption.1", "zh", MISSING),
    }


def test_a_language_changed_after_the_other_makes_the_other_stale():
    question = Question(question_en="Q?", question_zh="问？", answer_en="A.", answer_zh="答。",
                        sims=[PRESET], lang_changed=stamps(question=(0, 0), answer=(2, 1), **{"caption.1": (0, 3)}))
    assert issues(question) == {("answer", "zh", STALE), ("caption.1", "en", STALE)}
    question.lang_changed = {}
    assert issues(question) == set()


def test_the_importer_stamps_only_the_languages_that_changed(tmp_path):
    root = write_content(tmp_path, {"docker/alpha.yaml": question_yaml("alpha", number=1)})
    call_command("load_content", "--dir", str(root))
    question = Question.objects.get()
    assert question.lang_changed["answer"]["en"] == question.lang_changed["answer"]["zh"]
    assert issues(question) == set()
    write_content(tmp_path, {"docker/alpha.yaml": question_yaml("alpha", number=1, answer_en="Rewritten.")})
    call_command("load_content", "--dir", str(root))
    question.refresh_from_db()
    assert issues(question) == {("answer", "zh", STALE)}


def test_an_admin_edit_of_one_language_makes_the_other_stale_until_it_catches_up(client, django_user_model):
    client.force_login(make_user(django_user_model, "ed", staff=True, editor=True))
    question = make_question("alpha", lang_changed=stamps(question=(0, 0), answer=(0, 0)))
    url = f"/en/admin/kbase/question/{question.pk}/change/"
    client.post(url, admin_form_data(question, answer_en="New English."))
    question.refresh_from_db()
    assert issues(question) == {("answer", "zh", STALE)}
    client.post(url, admin_form_data(question, answer_zh="新的中文。"))
    question.refresh_from_db()
    assert issues(question) == set()
    client.post(url, admin_form_data(question, answer_zh="只改中文。"))
    question.refresh_from_db()
    assert issues(question) == {("answer", "en", STALE)}


def test_the_status_page_lists_each_problem_with_an_edit_link(client, django_user_model):
    client.force_login(make_user(django_user_model, "ed", staff=True, editor=True))
    stale = make_question("stale", lang_changed=stamps(question=(0, 0), answer=(5, 1)))
    missing = make_question("missing", explanation_en="Because.")
    make_question("fine")
    with_caption = make_question("captioned", sims=[{**PRESET, "caption": {"en": "", "zh": "看。"}}])
    html = client.get("/en/admin/kbase/question/translations/").content.decode()
    assert f'href="/en/admin/kbase/question/{stale.pk}/change/"' in html
    assert "answer: 中文 is older than the other language" in html
    assert f'href="/en/admin/kbase/question/{missing.pk}/change/"' in html
    assert "explanation: 中文 is missing" in html
    assert f'href="/en/admin/kbase/question/{with_caption.pk}/change/"' in html
    assert "caption of preset 1: English is missing" in html
    assert "fine" not in html.split('class="translation-status"')[1]


def test_the_status_page_is_in_chinese_for_chinese_editors(client, django_user_model):
    client.force_login(make_user(django_user_model, "ed", staff=True, editor=True))
    make_question("missing", explanation_en="Because.")
    html = client.get("/zh-hans/admin/kbase/question/translations/").content.decode()
    assert "翻译状态" in html and "缺少" in html


def test_the_status_page_costs_a_fixed_number_of_queries(client, django_user_model, django_assert_num_queries):
    client.force_login(make_user(django_user_model, "ed", staff=True, editor=True))
    for index in range(5):
        make_question(f"q{index}", answer_zh="")
    with django_assert_num_queries(4):  # user (the session is read from the shared cache), user and group permissions, questions
        client.get("/en/admin/kbase/question/translations/")


@given(st.lists(st.sampled_from([("en",), ("zh",), ("en", "zh")]), min_size=1, max_size=12))
def test_staleness_follows_which_language_was_edited_last(edits):
    """Whatever the order of edits: editing the language that is behind catches it up, editing the
    language that is current leaves the other behind, editing both brings them level."""
    question = Question(question_en="Q?", question_zh="问？", answer_en="A0", answer_zh="答0")
    from kbase.editorial import language_texts, stamp_language_changes

    stamp_language_changes(question, None, now=T0)
    ahead = None  # the language the other must catch up with
    for step, languages in enumerate(edits, start=1):
        before = language_texts(question)
        for lang in languages:
            setattr(question, f"answer_{lang}", f"{lang}{step}")
        stamp_language_changes(question, before, now=T0 + timedelta(minutes=step))
        if len(languages) == 2 or languages[0] != ahead and ahead is not None:
            ahead = None
        else:
            ahead = languages[0]
    expected = set() if ahead is None else {("answer", "zh" if ahead == "en" else "en", STALE)}
    assert issues(question) == expected
