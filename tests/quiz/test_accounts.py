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
