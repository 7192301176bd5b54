"""The question admin: bilingual editing, presets edited per field, sanitised Markdown, filters and actions."""

import pytest
import reversion
from reversion.models import Version

from kbase.models import Question
from tests.kbase.helpers import admin_form_data, make_question, make_topic, make_user

pytestmark = pytest.mark.django_db

PRESET = {"kind": "rolling-update", "params": {"replicas": 3, "max_surge": "25%", "max_unavailable": "25%"},
          "caption": {"en": "A rollout.", "zh": "一次发布。"}}


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(make_user(django_user_model, "ed", staff=True, editor=True))
    return client


def change_url(question):
    return f"/en/admin/kbase/question/{question.pk}/change/"


def test_an_admin_edit_renders_markdown_and_marks_the_question_for_export(editor_client):
    question = make_question("alpha", topic=make_topic())
    response = editor_client.post(change_url(question), admin_form_data(question, answer_en="Edited **answer**."))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer_en_html == "<p>Edited <strong>answer</strong>.</p>"
    assert question.has_unexported_edits


def test_the_change_form_shows_english_beside_chinese_and_presets_with_captions(editor_client):
    question = make_question("alpha", sims=[PRESET])
    html = editor_client.get(change_url(question)).content.decode()
    assert 'form-multiline field-question_en field-question_zh"' in html
    assert 'form-multiline field-answer_en field-answer_zh"' in html
    assert 'form-multiline field-explanation_en field-explanation_zh"' in html
    assert 'name="sims-0-caption_en"' in html and "一次发布。" in html
    assert 'name="choices-TOTAL_FORMS"' in html
    assert 'hx-post="/en/admin/kbase/question/%d/preview/"' % question.pk in html


def test_presets_are_saved_from_their_forms(editor_client):
    question = make_question("alpha")
    response = editor_client.post(change_url(question), admin_form_data(question, presets=[PRESET]))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.sims == [PRESET]


def test_a_preset_the_engine_rejects_shows_its_message_on_the_params_field(editor_client):
    question = make_question("alpha")
    bad = {**PRESET, "params": {"replicas": 3, "max_surge": "0", "max_unavailable": "0"}}
    response = editor_client.post(change_url(question), admin_form_data(question, presets=[bad]))
    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index('class="sim-preset"'):html.index('name="sims-0-params"')]
    assert "max_unavailable: may not be 0" in row
    question.refresh_from_db()
    assert question.sims == []


def test_the_admin_rejects_unknown_simulators_and_see_also(editor_client):
    question = make_question("alpha", topic=make_topic())
    response = editor_client.post(change_url(question), admin_form_data(
        question, presets=[{**PRESET, "kind": "warp-drive"}], see_also='["missing"]', answer_en="Edited."))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html and "missing" in html
    question.refresh_from_db()
    assert question.answer_en != "Edited."
    assert not Question.objects.filter(has_unexported_edits=True).exists()


HOSTILE = (
    '<script>alert(1)</script> <img src=x onerror="alert(2)"> <a href="javascript:alert(3)">j</a> '
    '[d](data:text/html;base64,PHNjcmlwdD4=) <iframe src="https://evil.example"></iframe> '
    '<div hx-get="/en/accounts/logout/" hx-trigger="load" onclick="x()">htmx</div> [ok](https://kubernetes.io/)'
)


@pytest.mark.parametrize("field", ["answer_en", "answer_zh", "explanation_en", "explanation_zh"])
def test_hostile_markdown_through_the_admin_never_reaches_a_page(editor_client, client, field):
    question = make_question("alpha", prompt_en="Pick", prompt_zh="选",
                             explanation_en="Because.", explanation_zh="因为。")
    choices = [("Right", "对", True), ("Wrong", "错", False)]
    response = editor_client.post(change_url(question), admin_form_data(question, choices=choices, **{field: HOSTILE}))
    assert response.status_code == 302
    question.refresh_from_db()
    stored = getattr(question, f"{field}_html")
    public = client.get(question.get_absolute_url() + "?both=1").content.decode()
    for bad in ("<script>alert", "onerror", "javascript:", "data:text", "<iframe", "hx-get", "hx-trigger", "onclick"):
        assert bad not in stored
        assert bad not in public
    assert 'href="https://kubernetes.io/"' in stored


def test_the_list_filters_find_simulators_missing_translations_and_unexported_edits(editor_client):
    with_sim = make_question("with-sim", sims=[PRESET])
    no_zh = make_question("no-zh", answer_zh="")
    edited = make_question("edited", has_unexported_edits=True)
    url = "/en/admin/kbase/question/"

    def listed(query):
        html = editor_client.get(url + query).content.decode()
        return {q.slug for q in (with_sim, no_zh, edited) if f">{q.slug}<" in html}

    assert listed("?has_sim=yes") == {"with-sim"}
    assert listed("?translation=missing") == {"no-zh"}
    assert listed("?has_unexported_edits__exact=1") == {"edited"}
    assert listed("?q=关于edited") == {"edited"}


def test_unpublish_and_publish_actions_keep_a_revision(editor_client):
    question = make_question("alpha")
    response = editor_client.post("/en/admin/kbase/question/", {
        "action": "unpublish", "_selected_action": [question.pk]})
    assert response.status_code == 302
    question.refresh_from_db()
    assert not question.is_published
    assert Version.objects.get_for_object(question).first().revision.comment == "Unpublished"
    editor_client.post("/en/admin/kbase/question/", {"action": "publish", "_selected_action": [question.pk]})
    question.refresh_from_db()
    assert question.is_published


def test_staff_without_the_publish_permission_get_no_publish_actions(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = make_user(django_user_model, "writer", staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_question", "change_question"]))
    client.force_login(user)
    make_question("alpha")
    html = client.get("/en/admin/kbase/question/").content.decode()
    assert 'value="unpublish"' not in html
    assert reversion.is_registered(Question)


def test_browser_line_endings_become_the_files_newlines(editor_client):
    question = make_question("alpha", answer_en="Line one.\n", question_en="Q?")
    edit = admin_form_data(question, answer_en="Line one.\r\n\r\nLine two.", question_en="Q\r\nagain?")
    assert editor_client.post(change_url(question), edit).status_code == 302
    question.refresh_from_db()
    assert question.answer_en == "Line one.\n\nLine two.\n"
    assert question.question_en == "Q\nagain?"


def test_the_question_list_costs_the_same_queries_for_3_or_12_questions(editor_client, django_assert_num_queries):
    for index in range(3):
        make_question(f"q{index}")
    with django_assert_num_queries(10) as three:  # user (the session is read from the shared cache), permissions, counts, page, filters
        editor_client.get("/en/admin/kbase/question/")
    for index in range(3, 12):
        make_question(f"q{index}")
    with django_assert_num_queries(len(three.captured_queries)):
        editor_client.get("/en/admin/kbase/question/")


def test_an_editor_adds_a_question_with_choices_and_a_preset(editor_client):
    topic = make_topic()
    draft = Question(slug="new-one", number=7, topic=topic, difficulty=2, question_en="New?", question_zh="新的？",
                     answer_en="Fresh **answer**.", answer_zh="新鲜的**答案**。", prompt_en="Pick", prompt_zh="选",
                     explanation_en="Because.", explanation_zh="因为。")
    form = editor_client.get("/en/admin/kbase/question/add/").content.decode()
    assert 'hx-post="/en/admin/kbase/question/preview/"' in form
    response = editor_client.post("/en/admin/kbase/question/add/", admin_form_data(
        draft, presets=[PRESET], choices=[("Yes", "是", True), ("No", "否", False)], revision_comment="First draft"))
    assert response.status_code == 302
    question = Question.objects.get(slug="new-one")
    assert question.answer_zh_html == "<p>新鲜的<strong>答案</strong>。</p>"
    assert question.sims == [PRESET] and [c.text_zh for c in question.choices.all()] == ["是", "否"]
    assert question.has_unexported_edits and set(question.lang_changed) >= {"question", "answer", "caption.1"}
    [version] = Version.objects.get_for_object(question)
    assert version.revision.comment.startswith("First draft")


def test_the_question_list_links_to_the_translation_status(editor_client):
    html = editor_client.get("/en/admin/kbase/question/").content.decode()
    assert 'href="/en/admin/kbase/question/translations/"' in html


def test_saving_without_touching_the_presets_keeps_them(editor_client):
    question = make_question("alpha", sims=[PRESET])
    response = editor_client.post(change_url(question), admin_form_data(question, answer_en="Only the answer."))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.sims == [PRESET] and question.answer_en == "Only the answer."


def test_a_preset_marked_for_deletion_is_removed(editor_client):
    question = make_question("alpha", sims=[PRESET, {**PRESET, "caption": {"en": "Second.", "zh": "第二个。"}}])
    response = editor_client.post(change_url(question), admin_form_data(question, **{"sims-0-DELETE": "on"}))
    assert response.status_code == 302
    question.refresh_from_db()
    assert [preset["caption"]["en"] for preset in question.sims] == ["Second."]
