"""The live preview beside the question form: both languages, simulator runs, quiz item, see-also, preset errors."""

import pytest

from kbase.models import Question
from tests.kbase.helpers import admin_form_data, make_question, make_user
from tests.kbase.test_admin import PRESET

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(make_user(django_user_model, "ed", staff=True, editor=True))
    return client


def preview(client, question, **data):
    url = f"/en/admin/kbase/question/{question.pk}/preview/" if question.pk else "/en/admin/kbase/question/preview/"
    return client.post(url, admin_form_data(question, **data), headers={"HX-Request": "true"})


def test_the_preview_renders_the_unsaved_answer_in_both_languages_with_runs_quiz_and_see_also(editor_client):
    target = make_question("target", question_en="Target question?", question_zh="目标问题？")
    question = make_question("alpha", see_also=["target"])
    response = preview(
        editor_client, question, presets=[PRESET], answer_en="Typed **now**.", answer_zh="刚刚**输入**的。",
        prompt_en="Pick one", prompt_zh="选一个", explanation_en="Because *so*.", explanation_zh="因为*如此*。",
        choices=[("Right", "对", True), ("Wrong", "错", False)],
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "<p>Typed <strong>now</strong>.</p>" in html
    assert "<p>刚刚<strong>输入</strong>的。</p>" in html
    assert html.count('<figure class="sim-embed rolling-embed">') == 2 and "A rollout." in html and "一次发布。" in html
    assert "Open in the simulator" in html and "在模拟器中打开" in html
    assert "Pick one" in html and "选一个" in html and '<li class="correct">对</li>' in html
    assert "<p>Because <em>so</em>.</p>" in html and "<p>因为<em>如此</em>。</p>" in html
    assert f'href="{target.get_absolute_url()}">Target question?</a>' in html
    assert 'href="/zh-hans/questions/target/">目标问题？</a>' in html
    question.refresh_from_db()
    assert question.answer_en == "About alpha." and not question.has_unexported_edits
    assert Question.objects.count() == 2


def test_a_preset_the_engine_rejects_shows_the_engines_message_on_that_presets_field(editor_client):
    question = make_question("alpha")
    bad = {**PRESET, "params": {"replicas": 3, "max_surge": "0", "max_unavailable": "0"}}
    html = preview(editor_client, question, presets=[PRESET, bad]).content.decode()
    good_slot = html[html.index('id="sims-0-live-errors"'):]
    assert good_slot.startswith('id="sims-0-live-errors" hx-swap-oob="true"></ul>')
    bad_slot = html[html.index('id="sims-1-live-errors"'):]
    assert bad_slot.split("</ul>")[0].count("max_unavailable: may not be 0") == 1


def test_the_preview_sanitises_hostile_markdown_like_saving_does(editor_client):
    from tests.kbase.test_admin import HOSTILE

    html = preview(editor_client, make_question("alpha"), answer_zh=HOSTILE).content.decode()
    for bad in ("<script>alert", "onerror", "javascript:", "<iframe", "hx-get", "onclick"):
        assert bad not in html


def test_a_new_question_can_be_previewed_before_it_exists(editor_client):
    from tests.kbase.helpers import make_topic

    question = Question(slug="new", number=5, topic=make_topic(), question_en="New?", question_zh="新？",
                        answer_en="Fresh.", answer_zh="新鲜。")
    html = preview(editor_client, question).content.decode()
    assert "<p>Fresh.</p>" in html and "<p>新鲜。</p>" in html
    assert not Question.objects.filter(slug="new").exists()


def test_the_change_page_shows_the_saved_version_as_the_first_preview(editor_client):
    question = make_question("alpha", answer_zh="已保存的**答案**。")
    html = editor_client.get(f"/en/admin/kbase/question/{question.pk}/change/").content.decode()
    aside = html[html.index('id="editor-preview"'):]
    assert "<p>已保存的<strong>答案</strong>。</p>" in aside


def test_the_preview_only_answers_posts_from_people_who_may_edit(client, django_user_model):
    question = make_question("alpha")
    client.force_login(make_user(django_user_model, "staffer", staff=True))
    assert preview(client, question).status_code == 403
    editor = make_user(django_user_model, "ed", staff=True, editor=True)
    client.force_login(editor)
    assert client.get(f"/en/admin/kbase/question/{question.pk}/preview/").status_code == 403
