import pytest

from kbase.models import Question
from tests.kbase.helpers import make_question, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "b@example.com", "pw-123456-long"))
    return client


def form_data(question, **overrides):
    data = {
        "slug": question.slug, "number": question.number, "topic": question.topic.pk, "difficulty": 2,
        "tags": '["basics"]', "is_published": "on", "question_en": "Q?", "question_zh": "问？",
        "answer_en": "Edited **answer**.", "answer_zh": "修改后的答案。", "prompt_en": "", "prompt_zh": "",
        "explanation_en": "", "explanation_zh": "", "sims": "[]", "see_also": "[]", "references": "[]",
        "choices-TOTAL_FORMS": 0, "choices-INITIAL_FORMS": 0, "choices-MIN_NUM_FORMS": 0, "choices-MAX_NUM_FORMS": 1000,
    }
    data.update(overrides)
    return data


def test_an_admin_edit_renders_markdown_and_marks_the_question_for_export(staff_client):
    question = make_question("alpha", topic=make_topic())
    response = staff_client.post(f"/en/admin/kbase/question/{question.pk}/change/", form_data(question))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer_en_html == "<p>Edited <strong>answer</strong>.</p>"
    assert question.has_unexported_edits


def test_the_admin_rejects_invalid_presets_and_unknown_see_also(staff_client):
    question = make_question("alpha", topic=make_topic())
    response = staff_client.post(f"/en/admin/kbase/question/{question.pk}/change/", form_data(
        question, sims='[{"kind": "warp-drive", "params": {}, "caption": {"en": "a", "zh": "b"}}]',
        see_also='["missing"]'))
    assert response.status_code == 200
    html = response.content.decode()
    assert "unknown simulator" in html and "missing" in html
    question.refresh_from_db()
    assert question.answer_en != "Edited **answer**."
    assert not Question.objects.filter(has_unexported_edits=True).exists()
