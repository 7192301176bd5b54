import pytest
from django.conf import settings

from tests.quiz.helpers import make_user

pytestmark = pytest.mark.django_db

SETTINGS = "/en/settings/"
VALID = {"language": "en", "time_zone": "Europe/Berlin", "day_start_hour": 5, "desired_retention": "0.85",
         "new_per_day": 10, "reviews_per_day": 150}


@pytest.fixture
def user(client):
    user = make_user()
    client.force_login(user)
    return user


@pytest.mark.parametrize("prefix", ["en", "zh-hans"])
def test_the_settings_page_shows_the_current_values(client, user, prefix):
    html = client.get(f"/{prefix}/settings/").content.decode()

    assert html.count("<h1") == 1
    assert 'value="0.9"' in html
    assert '<option value="4" selected>04:00</option>' in html


def test_saving_settings(client, user):
    response = client.post(SETTINGS, VALID)

    assert response.status_code == 302
    user.preferences.refresh_from_db()
    prefs = user.preferences
    assert (prefs.time_zone, prefs.day_start_hour, prefs.desired_retention, prefs.new_per_day, prefs.reviews_per_day) == (
        "Europe/Berlin", 5, 0.85, 10, 150)


def test_switching_language_moves_to_the_other_language_and_remembers_it(client, user):
    response = client.post(SETTINGS, {**VALID, "language": "zh-hans"})

    assert response["Location"] == "/zh-hans/settings/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


@pytest.mark.parametrize("retention", ["0.70", "0.97"])
def test_desired_retention_may_be_anywhere_from_070_to_097(client, user, retention):
    assert client.post(SETTINGS, {**VALID, "desired_retention": retention}).status_code == 302


@pytest.mark.parametrize(("field", "value"), [
    ("desired_retention", "0.69"),
    ("desired_retention", "0.98"),
    ("desired_retention", "ninety"),
    ("time_zone", "Mars/Olympus"),
    ("day_start_hour", 24),
    ("new_per_day", -1),
    ("reviews_per_day", 100000),
    ("language", "fr"),
])
def test_invalid_settings_are_refused_and_nothing_changes(client, user, field, value):
    response = client.post(SETTINGS, {**VALID, field: value})

    assert response.status_code == 400
    assert field in response.context["form"].errors
    user.preferences.refresh_from_db()
    assert (user.preferences.time_zone, user.preferences.desired_retention) == ("UTC", 0.9)


def test_settings_need_an_account(client):
    assert client.get(SETTINGS).status_code == 302
