"""Who sees what: anonymous, plain user, staff without the group, content editor, superuser."""

import pytest
from reversion.models import Version

from tests.kbase.helpers import admin_form_data, make_question, make_user

pytestmark = pytest.mark.django_db

CONTENT_PAGES = [
    "/en/admin/kbase/question/",
    "/en/admin/kbase/question/{pk}/change/",
    "/en/admin/kbase/question/{pk}/history/",
    "/en/admin/kbase/question/{pk}/revisions/{version}/",
    "/en/admin/kbase/question/translations/",
    "/en/admin/kbase/topic/",
    "/en/admin/kbase/topic/{topic}/change/",
]
OFF_LIMITS_FOR_EDITORS = ["/en/admin/auth/user/", "/en/admin/auth/group/", "/en/admin/quiz/card/",
                          "/en/admin/quiz/reviewlog/", "/en/admin/quiz/preferences/"]


@pytest.fixture
def question(client, django_user_model):
    question = make_question("alpha")
    client.force_login(make_user(django_user_model, "root", superuser=True))
    client.post(f"/en/admin/kbase/question/{question.pk}/change/", admin_form_data(question, answer_en="Saved."))
    client.logout()
    question.version = Version.objects.get_for_object(question).first().pk
    return question


def pages(question):
    return [page.format(pk=question.pk, version=question.version, topic=question.topic_id) for page in CONTENT_PAGES]


def test_anonymous_visitors_are_sent_to_log_in(client, question):
    for page in pages(question):
        response = client.get(page)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], page


def test_a_plain_user_is_sent_to_log_in(client, django_user_model, question):
    client.force_login(make_user(django_user_model, "plain"))
    for page in pages(question):
        response = client.get(page)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], page


def test_staff_outside_the_group_see_nothing_of_content(client, django_user_model, question):
    client.force_login(make_user(django_user_model, "staffer", staff=True))
    for page in pages(question):
        assert client.get(page).status_code == 403, page
    index = client.get("/en/admin/").content.decode()
    assert "Questions" not in index and "Topics" not in index
    restore = client.post(f"/en/admin/kbase/question/{question.pk}/revisions/{question.version}/")
    assert restore.status_code == 403


def test_an_editor_works_on_content_but_not_users_cards_or_logs(client, django_user_model, question):
    client.force_login(make_user(django_user_model, "ed", staff=True, editor=True))
    for page in pages(question):
        assert client.get(page).status_code == 200, page
    for page in OFF_LIMITS_FOR_EDITORS:
        assert client.get(page).status_code == 403, page
    index = client.get("/en/admin/").content.decode()
    assert "Questions" in index and "Users" not in index and "Cards" not in index
    assert client.get("/en/admin/kbase/question/add/").status_code == 200
    assert client.get(f"/en/admin/kbase/question/{question.pk}/delete/").status_code == 403
    assert client.post(f"/en/admin/kbase/question/{question.pk}/revisions/{question.version}/").status_code == 302


def test_a_superuser_sees_everything(client, django_user_model, question):
    client.force_login(make_user(django_user_model, "boss", superuser=True))
    for page in pages(question) + OFF_LIMITS_FOR_EDITORS:
        assert client.get(page).status_code == 200, page
