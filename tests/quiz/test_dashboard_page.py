import random
import re
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from quiz.days import day_start, review_date
from quiz.models import Preferences, Rating, ReviewLog, State
from quiz.services import review_record, review_undo
from quiz.stats import (
    cards_by_state,
    daily_review_counts,
    days_in_a_row,
    deck_rows,
    due_forecast,
    forecast_from_rows,
    forecast_starts,
    retention_by_topic,
    streak,
)
from tests.quiz.helpers import at, make_card, make_question, make_topic, make_user

pytestmark = pytest.mark.django_db

DASHBOARD = "/en/dashboard/"


def make_log(card, *, day, rating=Rating.GOOD, state_before=State.REVIEW):
    reviewed_at = at(day.year, day.month, day.day, 12, 0)
    return ReviewLog.objects.create(
        user=card.user, card=card, rating=rating, reviewed_at=reviewed_at, day=day,
        scheduled_interval=timedelta(days=3), state_before=state_before,
    )


def test_streak_counts_consecutive_review_days_and_survives_a_day_not_yet_reviewed():
    today = date(2026, 5, 10)
    counts = {today - timedelta(days=n): 1 for n in (1, 2, 3, 5)}

    assert streak(counts, today=today) == 3
    assert streak({**counts, today: 4}, today=today) == 4
    assert streak({today - timedelta(days=2): 1}, today=today) == 0


@pytest.mark.parametrize("seed", range(8))
def test_days_in_a_row_counted_back_in_sql_equal_the_streak_of_the_daily_counts(seed):
    rng = random.Random(seed)
    user, other = make_user(), make_user("other")
    card, others_card = make_card(user), make_card(other)
    ending = date(2028, 3, 2) - timedelta(days=rng.randrange(3))  # back across a leap day and a year end
    gaps = {ending - timedelta(days=rng.randrange(5, 500)) for _ in range(rng.randrange(3))}
    days = [ending - timedelta(days=n) for n in range(rng.choice([0, 1, 70, 500])) if ending - timedelta(days=n) not in gaps]
    ReviewLog.objects.bulk_create([
        ReviewLog(user=user, card=card, rating=Rating.GOOD, reviewed_at=at(2028, 1, 1, 12, 0), day=day,
                  scheduled_interval=timedelta(days=1), state_before=State.REVIEW)
        for day in days for _ in range(rng.randrange(1, 3))
    ] + [ReviewLog(user=other, card=others_card, rating=Rating.GOOD, reviewed_at=at(2028, 1, 1, 12, 0), day=day,
                   scheduled_interval=timedelta(days=1), state_before=State.REVIEW) for day in gaps])
    expected = streak(daily_review_counts(user=user), today=ending + timedelta(days=1))

    assert days_in_a_row(user=user, ending=ending) == expected
    assert days_in_a_row(user=user, ending=ending + timedelta(days=1)) == 0


def test_daily_counts_group_reviews_by_the_learners_review_day():
    card = make_card(make_user())
    for day in (date(2026, 5, 1), date(2026, 5, 1), date(2026, 5, 3)):
        make_log(card, day=day)

    assert daily_review_counts(user=card.user) == {date(2026, 5, 1): 2, date(2026, 5, 3): 1}
    assert daily_review_counts(user=card.user, since=date(2026, 5, 2)) == {date(2026, 5, 3): 1}


def test_card_states_counted_from_the_deck_rows_equal_the_grouped_query():
    user = make_user()
    now = timezone.now()
    for _ in range(3):
        make_card(user)
    for state in (State.LEARNING, State.REVIEW, State.REVIEW):
        make_card(user, state=state, stability=5.0, difficulty=5.0, reps=2, last_review=now, due=now)
    unpublished = make_card(user, state=State.REVIEW, stability=5.0, difficulty=5.0, reps=2, last_review=now, due=now)
    unpublished.question.is_published = False
    unpublished.question.save()

    counts = cards_by_state(user=user)

    assert counts == {State.NEW: 3, State.LEARNING: 1, State.REVIEW: 2, State.RELEARNING: 0}
    assert cards_by_state(user=user, rows=deck_rows(user=user)) == counts


def test_a_streak_longer_than_the_heatmap_year_is_counted_in_full(client):
    user = make_user()
    card = make_card(user)
    today = review_date(timezone.now(), zone=user.preferences.zone, day_start_hour=user.preferences.day_start_hour)
    ReviewLog.objects.bulk_create([
        ReviewLog(user=user, card=card, rating=Rating.GOOD, reviewed_at=at(2026, 1, 1, 12, 0), day=today - timedelta(days=n),
                  scheduled_interval=timedelta(days=1), state_before=State.REVIEW)
        for n in range(400)
    ])
    client.force_login(user)

    html = client.get(DASHBOARD).content.decode()

    assert re.search(r'<dd class="stat-streak">\s*400 days', html)
    assert "365 reviews on 365 days" in html  # the heatmap still shows one year


def test_the_forecast_buckets_due_cards_by_local_review_day_and_counts_overdue_as_today():
    user = make_user(time_zone="America/New_York")
    today = date(2026, 10, 31)
    for due in (at(2026, 10, 20, 12, 0), at(2026, 11, 1, 8, 30), at(2026, 11, 1, 9, 30), at(2026, 11, 29, 12, 0)):
        make_card(user, state=State.REVIEW, stability=5.0, difficulty=5.0, reps=2, last_review=due - timedelta(days=5), due=due)
    make_card(user)  # new cards are not forecast

    forecast = due_forecast(user=user, preferences=user.preferences, today=today)

    assert len(forecast) == 30
    # overdue + 03:30 EST on 1 Nov (before the 04:00 cut-off, after fall-back) are today's
    assert forecast[0] == 2
    assert forecast[1] == 1
    assert forecast[29] == 1
    assert sum(forecast) == 4


def test_a_due_date_on_a_day_boundary_falls_on_the_day_it_starts_to_the_microsecond():
    """Due dates are compared as UTC text with the days' starts: the edges land as the instants do."""
    user = make_user(time_zone="Asia/Kathmandu")  # UTC+05:45: the day starts at 22:15 UTC
    today = date(2026, 10, 31)
    tomorrow = day_start(today + timedelta(days=1), zone=user.preferences.zone, day_start_hour=4)
    window_end = day_start(today + timedelta(days=30), zone=user.preferences.zone, day_start_hour=4)
    one = timedelta(microseconds=1)
    for due in (tomorrow - one, tomorrow, tomorrow + one, window_end - one, window_end):
        make_card(user, state=State.REVIEW, stability=5.0, difficulty=5.0, reps=2, last_review=due - timedelta(days=5), due=due)

    forecast = due_forecast(user=user, preferences=user.preferences, today=today)

    assert forecast[0] == 1
    assert forecast[1] == 2
    assert forecast[29] == 1
    assert sum(forecast) == 4


@pytest.mark.parametrize("seed", range(4))
def test_the_forecast_read_in_sql_equals_the_forecast_from_the_deck_rows(seed):
    rng = random.Random(seed)
    user = make_user(time_zone=rng.choice(["UTC", "America/New_York", "Asia/Kathmandu"]), day_start_hour=rng.randrange(24))
    today = date(2026, 3, 1) + timedelta(days=rng.randrange(300))
    start = day_start(today, zone=user.preferences.zone, day_start_hour=user.preferences.day_start_hour)
    for n in range(120):
        if n % 9 == 0:
            make_card(user)
            continue
        due = start + rng.choice([timedelta(days=rng.uniform(-5, 40)), timedelta(days=rng.randrange(-2, 33))])
        card = make_card(user, state=rng.choice([State.LEARNING, State.REVIEW, State.RELEARNING]), stability=5.0,
                         difficulty=5.0, reps=2, last_review=due - timedelta(days=3), due=due, suspended=n % 7 == 0)
        if n % 11 == 0:
            card.question.is_published = False
            card.question.save()

    forecast = due_forecast(user=user, preferences=user.preferences, today=today)

    starts = forecast_starts(preferences=user.preferences, today=today)
    assert forecast == forecast_from_rows(deck_rows(user=user), starts=starts)
    assert sum(forecast) > 50


def test_true_retention_is_the_share_of_mature_reviews_not_rated_again_per_topic():
    user = make_user()
    pods, probes = make_topic("pods", position=1), make_topic("probes", position=2)
    pod_card = make_card(user, make_question("p1", topic=pods))
    probe_card = make_card(user, make_question("r1", topic=probes))
    today = date(2026, 5, 10)
    for rating in (Rating.GOOD, Rating.HARD, Rating.AGAIN, Rating.EASY):
        make_log(pod_card, day=today, rating=rating)
    make_log(pod_card, day=today, rating=Rating.AGAIN, state_before=State.LEARNING)  # not a mature review
    make_log(probe_card, day=today, rating=Rating.AGAIN)
    make_log(probe_card, day=today - timedelta(days=400), rating=Rating.GOOD)  # outside the window

    rows = retention_by_topic(user=user, since=today - timedelta(days=364))

    assert rows == [("Pods", 3, 4), ("Probes", 0, 1)]


def test_the_dashboard_needs_an_account(client):
    assert client.get(DASHBOARD)["Location"] == "/en/accounts/login/?next=/en/dashboard/"


@pytest.mark.parametrize("prefix", ["en", "zh-hans"])
def test_the_dashboard_draws_its_charts_as_svg(client, prefix):
    user = make_user()
    card = make_card(user)
    today = timezone.now().date()
    make_log(card, day=today - timedelta(days=1))
    client.force_login(user)

    response = client.get(f"/{prefix}/dashboard/")
    html = response.content.decode()

    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert html.count('<svg class="chart') == 4
    assert html.count('role="img"') == 4
    assert html.count('class="heat-') >= 365
    assert " style=" not in html  # the CSP forbids inline styles, SVG included
    assert re.search(r'<dd class="stat-streak">\s*1\b', html)


def test_the_dashboard_shows_todays_numbers(client):
    user = make_user(new_per_day=5)
    client.force_login(user)
    now = timezone.now()
    for _ in range(7):
        make_card(user)
    make_card(user, state=State.REVIEW, stability=5.0, difficulty=5.0, reps=2, last_review=now - timedelta(days=5), due=now)

    html = client.get(DASHBOARD).content.decode()

    assert '<dd class="stat-due">1</dd>' in html
    assert '<dd class="stat-new">5</dd>' in html
    assert "New: 7" in html and "Review: 1" in html


def test_the_dashboard_makes_a_fixed_number_of_queries(client, django_assert_num_queries):
    user = make_user()
    client.force_login(user)
    # user (the session comes from the shared cache), preferences; due and today's log counts, new cards;
    # content version; past days' counts and retention (both from the review tally); topics; cards per
    # state, cards due in the next 30 days (no interview date: no deck snapshot); expired quizzes, quiz scores
    with django_assert_num_queries(12):
        client.get(DASHBOARD)
    topic = make_topic("many")
    today = timezone.now().date()
    for n in range(20):
        card = make_card(user, make_question(f"many-{n}", topic=topic), state=State.REVIEW, stability=5.0,
                         difficulty=5.0, reps=2, last_review=timezone.now(), due=timezone.now() + timedelta(days=n))
        make_log(card, day=today - timedelta(days=n))
    Preferences.objects.filter(user=user).update(interview_date=today + timedelta(days=30))
    cache.clear()
    # ... with the interview panel: the interview pace (queue), today's retention, the weakest cards' questions
    with django_assert_num_queries(14):
        client.get(DASHBOARD)
    # cached: only the user, preferences, today's live counts, the content version and the quiz trend
    with django_assert_num_queries(7):
        client.get(DASHBOARD)
    # 40 more cards with 3,000 logs over two years cost the same queries
    more = [make_card(user, make_question(f"more-{n}", topic=topic), state=State.REVIEW, stability=5.0, difficulty=5.0,
                      reps=2, last_review=timezone.now(), due=timezone.now() + timedelta(days=n)) for n in range(40)]
    ReviewLog.objects.bulk_create([
        ReviewLog(user=user, card=more[n % 40], rating=Rating.GOOD, reviewed_at=timezone.now(),
                  day=today - timedelta(days=2 * (n % 365)), scheduled_interval=timedelta(days=1), state_before=State.REVIEW)
        for n in range(3000)
    ])
    cache.clear()
    with django_assert_num_queries(14):
        client.get(DASHBOARD)


def test_the_cached_charts_are_refreshed_by_a_review(client):
    user = make_user()
    client.force_login(user)
    card = make_card(user)
    assert '<dd class="stat-reviewed">0</dd>' in client.get(DASHBOARD).content.decode()
    assert "0 reviews on 0 days" in client.get(DASHBOARD).content.decode()

    review_record(user=user, card_id=card.pk, rating=Rating.GOOD, version=card.version)

    html = client.get(DASHBOARD).content.decode()
    assert '<dd class="stat-reviewed">1</dd>' in html
    assert "1 reviews on 1 days" in html


def test_a_rating_refreshes_the_charts_without_a_stats_version_write_and_an_undo_refreshes_them_back(client):
    user = make_user()
    client.force_login(user)
    card = make_card(user)
    assert "0 reviews on 0 days" in client.get(DASHBOARD).content.decode()
    version = Preferences.objects.get(user=user).stats_version

    result = review_record(user=user, card_id=card.pk, rating=Rating.GOOD, version=card.version)

    assert Preferences.objects.get(user=user).stats_version == version  # the new log id keys the cache instead
    assert "1 reviews on 1 days" in client.get(DASHBOARD).content.decode()
    assert "New: 0" in client.get(DASHBOARD).content.decode()

    review_undo(user=user, log_id=result.log.pk)

    html = client.get(DASHBOARD).content.decode()
    assert "0 reviews on 0 days" in html
    assert "New: 1" in html
