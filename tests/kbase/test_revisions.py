"""Revisions: every save keeps one (admin, import, restore); diffs per field and language; restore."""

import pytest
from django.core.management import call_command
from reversion.models import Version

from kbase.models import Question, Topic
from tests.kbase.helpers import admin_form_data, make_question, make_user, question_yaml, write_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return make_user(django_user_model, "ed", staff=True, editor=True)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def versions(obj):
    return list(Version.objects.get_for_object(obj).select_related("revision__user"))


def edit(client, question, comment="", **fields):
    response = client.post(f"/en/admin/kbase/question/{question.pk}/change/",
                           admin_form_data(question, revision_comment=comment, **fields))
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    return question


def test_an_admin_save_keeps_a_revision_with_who_when_comment_and_full_content(editor_client, editor):
    question = make_question("alpha")
    edit(editor_client, question, comment="Fix the zh wording", answer_zh="新的答案。",
         choices=[("Right", "对", True), ("Wrong", "错", False)])
    [version] = versions(question)
    assert version.revision.user == editor
    assert version.revision.comment.startswith("Fix the zh wording (Changed")
    assert version.field_dict["answer_zh"] == "新的答案。"
    assert version.field_dict["answer_en"] == "About alpha."
    choices = [v.field_dict["text_zh"] for v in version.revision.version_set.all() if "text_zh" in v.field_dict]
    assert sorted(choices) == ["对", "错"]


def test_importing_keeps_a_revision_of_each_question_and_topic_it_writes(tmp_path):
    root = write_content(tmp_path, {"docker/alpha.yaml": question_yaml("alpha", number=1)})
    call_command("load_content", "--dir", str(root))
    question = Question.objects.get()
    assert [v.revision.comment for v in versions(question)] == ["Imported by load_content"]
    assert len(versions(Topic.objects.get(slug="docker"))) == 1
    call_command("load_content", "--dir", str(root))  # unchanged: no new revision
    assert len(versions(question)) == 1


def test_the_revision_page_shows_a_side_by_side_diff_per_field_and_language(editor_client):
    question = make_question("alpha")
    edit(editor_client, question, answer_zh="第一版。")
    edit(editor_client, question, answer_zh="第二版。", question_en="What is alpha, really?")
    newest = versions(question)[0]
    html = editor_client.get(f"/en/admin/kbase/question/{question.pk}/revisions/{newest.pk}/").content.decode()
    assert "Answer · 中文" in html and "Question · English" in html
    assert "Answer · English" not in html
    assert 'class="diff"' in html
    assert '第<span class="diff_chg">一</span>版。' in html and '第<span class="diff_chg">二</span>版。' in html
    assert "Restore this revision" in html
    history = editor_client.get(f"/en/admin/kbase/question/{question.pk}/history/").content.decode()
    assert history.count("/revisions/") == 2 and "ed" in history


def test_the_diff_against_the_current_version_shows_what_a_restore_would_change(editor_client):
    question = make_question("alpha")
    edit(editor_client, question, answer_en="One.")
    edit(editor_client, question, answer_en="Two.")
    oldest = versions(question)[-1]
    html = editor_client.get(
        f"/en/admin/kbase/question/{question.pk}/revisions/{oldest.pk}/?with=current").content.decode()
    assert "Compared with the current version" in html
    assert "One." in html and "Two." in html


def test_restoring_brings_back_the_old_text_and_choices_as_a_new_revision(editor_client, client):
    question = make_question("alpha")
    edit(editor_client, question, answer_zh="好的**答案**。", choices=[("A", "甲", True), ("B", "乙", False)])
    good = versions(question)[0]
    edit(editor_client, question, answer_zh="糟糕的编辑。")
    question.choices.all().delete()
    response = editor_client.post(f"/en/admin/kbase/question/{question.pk}/revisions/{good.pk}/")
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer_zh == "好的**答案**。"
    assert question.answer_zh_html == "<p>好的<strong>答案</strong>。</p>"
    assert [c.text_zh for c in question.choices.all()] == ["甲", "乙"]
    assert question.has_unexported_edits
    history = versions(question)
    assert len(history) == 3 and history[0].revision.comment.startswith("Restored the revision of")
    assert "好的<strong>答案</strong>" in client.get("/zh-hans/questions/alpha/").content.decode()


def test_a_topic_edit_keeps_a_revision_and_can_be_restored(editor_client):
    topic = Topic.objects.create(slug="docker", name_en="Docker", name_zh="Docker 容器", position=0)
    editor_client.post(f"/en/admin/kbase/topic/{topic.pk}/change/",
                       {"slug": "docker", "name_en": "Docker!", "name_zh": "容器", "position": 0})
    editor_client.post(f"/en/admin/kbase/topic/{topic.pk}/change/",
                       {"slug": "docker", "name_en": "Oops", "name_zh": "错", "position": 0})
    first = versions(topic)[-1]
    html = editor_client.get(f"/en/admin/kbase/topic/{topic.pk}/revisions/{first.pk}/").content.decode()
    assert "Name · 中文" in html
    editor_client.post(f"/en/admin/kbase/topic/{topic.pk}/revisions/{first.pk}/")
    topic.refresh_from_db()
    assert (topic.name_en, topic.name_zh, topic.has_unexported_edits) == ("Docker!", "容器", True)
    assert len(versions(topic)) == 3


def test_a_revision_of_another_question_is_not_found(editor_client):
    alpha, beta = make_question("alpha"), make_question("beta")
    edit(editor_client, beta, answer_en="B.")
    other = versions(beta)[0]
    assert editor_client.get(f"/en/admin/kbase/question/{alpha.pk}/revisions/{other.pk}/").status_code == 404
    assert editor_client.post(f"/en/admin/kbase/question/{alpha.pk}/revisions/{other.pk}/").status_code == 404


def test_the_diff_escapes_whatever_the_text_holds(editor_client):
    question = make_question("alpha")
    edit(editor_client, question, answer_en="Safe.")
    edit(editor_client, question, answer_en='<script>alert(1)</script><img src=x onerror="alert(2)">')
    newest = versions(question)[0]
    html = editor_client.get(f"/en/admin/kbase/question/{question.pk}/revisions/{newest.pk}/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
