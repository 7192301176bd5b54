import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from quiz.models import Preferences
from tests.quiz.helpers import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another quite long passphrase"


@pytest.mark.parametrize("prefix", ["en", "zh-hans"])
def test_the_account_pages_render_with_one_heading(client, prefix):
    for path in ("accounts/signup/", "accounts/login/"):
        response = client.get(f"/{prefix}/{path}")
        html = response.content.decode()
        assert response.status_code == 200
        assert html.count("<h1") == 1
        assert f'<html lang="{prefix}"' in html


def test_signing_up_creates_the_learner_logs_them_in_and_opens_their_deck(client):
    response = client.post("/zh-hans/accounts/signup/", {
        "username": "mei", "password1": PASSWORD, "password2": PASSWORD, "time_zone": "Asia/Shanghai",
    })

    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/deck/"
    user = get_user_model().objects.get(username="mei")
    assert (user.preferences.language, user.preferences.time_zone, user.preferences.day_start_hour) == (
        "zh-hans", "Asia/Shanghai", 4)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert client.get("/zh-hans/deck/").status_code == 200


def test_sign_up_offers_the_browsers_time_zone_through_review_js(client):
    html = client.get("/en/accounts/signup/").content.decode()

    assert 'data-detect-time-zone' in html
    assert "js/review.js" in html
    assert '<option value="Asia/Shanghai">' in html
    assert '<option value="UTC" selected>' in html


def test_sign_up_rejects_a_taken_name_mismatched_passwords_and_unknown_zones(client):
    make_user("taken")

    response = client.post("/en/accounts/signup/", {
        "username": "taken", "password1": PASSWORD, "password2": PASSWORD + "x", "time_zone": "Mars/Olympus",
    })

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"username", "password2", "time_zone"}
    assert get_user_model().objects.count() == 1


def test_logged_in_visitors_skip_sign_up(client):
    client.force_login(make_user())

    assert client.get("/en/accounts/signup/")["Location"] == "/en/dashboard/"


def test_logging_in_opens_the_dashboard_in_the_learners_language(client):
    make_user("mei", language="zh-hans")

    response = client.post("/en/accounts/login/", {"username": "mei", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/dashboard/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


def test_logging_in_returns_to_the_page_asked_for(client):
    make_user("ann")

    response = client.post("/en/accounts/login/?next=/en/review/", {"username": "ann", "password": PASSWORD, "next": "/en/review/"})

    assert response["Location"] == "/en/review/"


def test_a_wrong_password_does_not_log_in(client):
    make_user("ann")

    response = client.post("/en/accounts/login/", {"username": "ann", "password": "wrong"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_accounts_made_elsewhere_get_default_preferences_on_login(client):
    get_user_model().objects.create_superuser("root", password=PASSWORD)

    response = client.post("/en/accounts/login/", {"username": "root", "password": PASSWORD})

    assert response["Location"] == "/en/dashboard/"
    assert Preferences.objects.get(user__username="root").new_per_day == 20


def test_logging_out_takes_a_post_and_ends_the_session(client):
    client.force_login(make_user())

    response = client.post("/en/accounts/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/en/review/").status_code == 302


def test_changing_the_password(client):
    user = make_user("ann")
    client.force_login(user)
    assert client.get("/en/accounts/password/").content.decode().count("<h1") == 1

    response = client.post("/en/accounts/password/", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })

    assert response["Location"] == "/en/accounts/password/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/en/accounts/password/done/").status_code == 200


def test_the_password_page_needs_an_account(client):
    assert client.get("/en/accounts/password/").status_code == 302


def test_sign_up_takes_an_optional_email_and_welcomes_the_learner_with_what_to_do_next(client):
    response = client.post("/en/accounts/signup/", {
        "username": "ana", "email": "ana@example.com", "password1": PASSWORD, "password2": PASSWORD, "time_zone": "UTC",
    }, follow=True)

    assert get_user_model().objects.get(username="ana").email == "ana@example.com"
    html = response.content.decode()
    assert "Welcome to KubePrep, ana! Next: add a topic" in html
    client.post("/en/accounts/logout/")
    client.post("/en/accounts/signup/", {
        "username": "bo", "password1": PASSWORD, "password2": PASSWORD, "time_zone": "UTC",
    })
    assert get_user_model().objects.get(username="bo").email == ""


def test_the_welcome_message_is_in_chinese_after_a_chinese_sign_up(client):
    response = client.post("/zh-hans/accounts/signup/", {
        "username": "mei", "password1": PASSWORD, "password2": PASSWORD, "time_zone": "UTC",
    }, follow=True)
    assert "欢迎来到 KubePrep，mei！" in response.content.decode()


def test_logging_out_says_so(client):
    client.force_login(make_user())
    response = client.post("/en/accounts/logout/", follow=True)
    assert "You have been logged out." in response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_forgotten_password_is_reset_through_an_emailed_link(client, mailoutbox, language):
    user = make_user("forgetful")
    user.email = "forgetful@example.com"
    user.save()
    login_page = client.get(f"/{language}/accounts/login/").content.decode()
    assert f'href="/{language}/accounts/password/reset/"' in login_page

    response = client.post(f"/{language}/accounts/password/reset/", {"email": "forgetful@example.com"})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert ("Open this link" if language == "en" else "打开这个链接") in body
    link = next(line for line in body.splitlines() if "/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
                       follow=True)
    assert done.redirect_chain[-1][0] == f"/{language}/accounts/password/reset/done/"
    assert client.login(username="forgetful", password=NEW_PASSWORD)


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, mailoutbox):
    response = client.post("/en/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and response["Location"] == "/en/accounts/password/reset/sent/"
    assert mailoutbox == []
