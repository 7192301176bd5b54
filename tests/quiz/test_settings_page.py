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


def test_an_interview_date_can_be_set_and_cleared(client, user):
    assert client.post(SETTINGS, {**VALID, "interview_date": "2099-03-01", "follow_interview_pace": "on",
                                  "leech_threshold": 5}).status_code == 302
    user.preferences.refresh_from_db()
    assert (str(user.preferences.interview_date), user.preferences.follow_interview_pace,
            user.preferences.leech_threshold) == ("2099-03-01", True, 5)
    assert 'value="2099-03-01"' in client.get(SETTINGS).content.decode()

    assert client.post(SETTINGS, {**VALID, "interview_date": ""}).status_code == 302
    user.preferences.refresh_from_db()
    assert user.preferences.interview_date is None
    assert user.preferences.leech_threshold == 5  # left out of the form: unchanged


@pytest.mark.parametrize(("field", "value", "message"), [
    ("interview_date", "2001-01-01", "The interview date cannot be in the past."),
    ("interview_date", "next tuesday", "Enter a valid date."),
    ("leech_threshold", 0, "Ensure this value is greater than or equal to 1."),
    ("leech_threshold", 100, "Ensure this value is less than or equal to 99."),
])
def test_bad_interview_and_leech_settings_are_refused_naming_the_field(client, user, field, value, message):
    response = client.post(SETTINGS, {**VALID, field: value})

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()


def test_the_settings_page_says_which_parameters_are_used(client, user):
    from django.utils import timezone

    from quiz.models import FsrsFit

    assert "default parameters" in client.get(SETTINGS).content.decode()
    FsrsFit.objects.create(user=user, fitted_at=timezone.datetime(2027, 1, 3, 3, 0, tzinfo=timezone.UTC),
                           review_count=1240, item_count=900, parameters=[0.3] * 21, log_loss=0.31, rmse=0.05,
                           default_log_loss=0.36, default_rmse=0.07, used=True, seconds=1.0)

    html = client.get(SETTINGS).content.decode()
    assert "Your parameters: log loss 0.31 vs 0.36 default, fitted on 1240 reviews on 2027-01-03." in html
