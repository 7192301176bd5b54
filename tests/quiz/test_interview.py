from datetime import date, timedelta
from zoneinfo import ZoneInfo

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.days import day_start
from quiz.models import Card, Rating, State
from quiz.queue import new_card_pace, review_queue
from quiz.scheduling import Interview, preview, schedule, scheduler_for, to_fsrs
from quiz.services import interview_plan_apply, review_record
from quiz.stats import interview_figures
from tests.quiz.helpers import at, make_card, make_question, make_questions, make_topic, make_user

NOW = at(2026, 6, 1, 12, 0)
UTC_ZONE = ZoneInfo("UTC")


def interview_in(days, *, zone=UTC_ZONE, hour=4):
    return Interview.of((NOW + timedelta(days=days)).date(), zone=zone, day_start_hour=hour)


def review_card(*, stability, elapsed_days, pk=7, reps=3, difficulty=5.0):
    last = NOW - timedelta(days=elapsed_days)
    return Card(pk=pk, state=State.REVIEW, stability=stability, difficulty=difficulty, due=NOW, last_review=last, reps=reps)


def at_risk_case():
    """A card whose fuzzed Good interval overshoots the day recall falls to 0.9, and an interview in that gap.

    FSRS sets the interval where recall reaches the desired retention, so only fuzz (up to +-5%), a
    retention or parameters changed since, or whole-day rounding leave a card below target on the day.
    """
    unfuzzed = fsrs.Scheduler(desired_retention=0.9, enable_fuzzing=False)
    for pk in range(1, 200):
        card = review_card(stability=40.0, elapsed_days=40, pk=pk)
        plain = schedule(card=card, rating=Rating.GOOD, at=NOW, desired_retention=0.9)
        exact, _ = unfuzzed.review_card(to_fsrs(card, at=NOW), fsrs.Rating.Good, review_datetime=NOW)
        if plain.due - exact.due >= timedelta(days=3):
            interview = Interview.of((exact.due + timedelta(days=2)).date(), zone=UTC_ZONE, day_start_hour=4)
            assert interview.at < plain.due
            return card, interview
    raise AssertionError("no card with a long enough fuzz")


def test_a_card_that_would_be_stale_on_the_day_is_due_the_day_before_the_interview():
    card, interview = at_risk_case()
    plain = schedule(card=card, rating=Rating.GOOD, at=NOW, desired_retention=0.9)
    assert plain.due > interview.at  # FSRS alone would skip past the interview
    after = fsrs.Card(card_id=1, state=fsrs.State.Review, stability=plain.stability, difficulty=5.0, last_review=NOW)
    assert scheduler_for(0.9).get_card_retrievability(after, current_datetime=interview.at) < 0.9

    planned = schedule(card=card, rating=Rating.GOOD, at=NOW, desired_retention=0.9, interview=interview)

    assert planned.due == day_start(interview.date - timedelta(days=1), zone=UTC_ZONE, day_start_hour=4)
    assert planned.stability == plain.stability  # only the date moves; FSRS's memory state is untouched


def test_a_card_that_stays_above_the_target_on_the_day_keeps_its_fsrs_interval():
    card = review_card(stability=200.0, elapsed_days=200)
    interview = interview_in(3)
    plain = schedule(card=card, rating=Rating.GOOD, at=NOW, desired_retention=0.9)
    planned = schedule(card=card, rating=Rating.GOOD, at=NOW, desired_retention=0.9, interview=interview)

    assert plain.due > interview.at
    recall = scheduler_for(0.9).get_card_retrievability(
        fsrs.Card(card_id=1, state=fsrs.State.Review, stability=plain.stability, difficulty=5.0, last_review=NOW),
        current_datetime=interview.at,
    )
    assert recall >= 0.9
    assert planned.due == plain.due


def test_after_the_interview_normal_scheduling_resumes():
    card = review_card(stability=20.0, elapsed_days=20)
    past = interview_in(-2)

    assert schedule(card=card, rating=Rating.GOOD, at=NOW, desired_retention=0.9, interview=past) == \
        schedule(card=card, rating=Rating.GOOD, at=NOW, desired_retention=0.9)


@settings(max_examples=150, deadline=None)
@given(
    stability=st.floats(min_value=0.5, max_value=400),
    elapsed=st.integers(min_value=0, max_value=400),
    days=st.integers(min_value=2, max_value=120),
    rating=st.sampled_from([Rating.HARD, Rating.GOOD, Rating.EASY]),
    retention=st.sampled_from([0.7, 0.85, 0.9, 0.97]),
    difficulty=st.floats(min_value=1, max_value=10),
)
def test_no_at_risk_card_is_scheduled_past_the_interview(stability, elapsed, days, rating, retention, difficulty):
    card = review_card(stability=stability, elapsed_days=elapsed, difficulty=difficulty)
    interview = interview_in(days)
    outcome = schedule(card=card, rating=rating, at=NOW, desired_retention=retention, interview=interview)
    scheduler = scheduler_for(retention)
    after = fsrs.Card(card_id=1, state=fsrs.State(outcome.state), stability=outcome.stability,
                      difficulty=outcome.difficulty, last_review=NOW)

    if outcome.due > interview.at:
        assert scheduler.get_card_retrievability(after, current_datetime=interview.at) >= retention
    else:
        assert outcome.due < interview.at
    # and the buttons show exactly this
    shown = preview(card=card, at=NOW, desired_retention=retention, interview=interview)[rating]
    assert shown == outcome.interval


def test_the_latest_lifting_day_is_chosen_when_the_day_before_would_not_lift_recall(monkeypatch):
    # A card whose recall on the day is below target but cannot be lifted the day before (a contrived
    # scheduler whose Good review lowers stability only then) goes one day earlier.
    card, interview = at_risk_case()
    day_before = day_start(interview.date - timedelta(days=1), zone=UTC_ZONE, day_start_hour=4)
    original = fsrs.Scheduler.review_card

    def review_card_that_forgets_the_day_before(self, card, rating, review_datetime=None, review_duration=None):
        after, log = original(self, card, rating, review_datetime=review_datetime, review_duration=review_duration)
        if review_datetime == day_before:
            after.stability = 0.01
            after.last_review = review_datetime - timedelta(days=400)
        return after, log

    monkeypatch.setattr(fsrs.Scheduler, "review_card", review_card_that_forgets_the_day_before)
    outcome = schedule(card=card, rating=Rating.GOOD, at=NOW, desired_retention=0.9, interview=interview)

    assert outcome.due == day_before - timedelta(days=1)


@pytest.mark.django_db
def test_a_rating_saves_the_planned_due_date_shown_on_its_button():
    template, interview = at_risk_case()
    user = make_user(interview_date=interview.date)
    # the same id and review count as the case found above, so the same fuzz draw
    card = make_card(user, pk=template.pk, state=State.REVIEW, stability=40.0, difficulty=5.0, reps=3,
                     last_review=NOW - timedelta(days=40), due=NOW)
    shown = preview(card=card, at=NOW, desired_retention=0.9, interview=interview)

    result = review_record(user=user, card_id=card.pk, rating=Rating.GOOD, version=card.version, now=NOW)

    assert result.card.due == NOW + shown[Rating.GOOD]
    assert result.card.due < interview.at
    assert result.log.scheduled_interval == shown[Rating.GOOD]


@pytest.mark.django_db
def test_predicted_recall_is_fsrs_retrievability_at_the_interview_time():
    user = make_user(time_zone="Asia/Shanghai", interview_date=date(2026, 7, 1), desired_retention=0.85)
    pods, probes = make_topic("pods", position=1), make_topic("probes", position=2)
    cards = [
        make_card(user, make_question("p1", topic=pods), state=State.REVIEW, stability=3.0, difficulty=5.0, reps=2,
                  last_review=at(2026, 5, 30, 9, 0), due=at(2026, 6, 2)),
        make_card(user, make_question("p2", topic=pods), state=State.REVIEW, stability=90.0, difficulty=4.0, reps=5,
                  last_review=at(2026, 5, 20, 1, 0), due=at(2026, 8, 2)),
        make_card(user, make_question("r1", topic=probes), state=State.LEARNING, step=1, stability=1.2, difficulty=6.0,
                  reps=1, last_review=at(2026, 5, 31, 23, 0), due=at(2026, 6, 1)),
    ]
    make_card(user, make_question("r2", topic=probes))  # unseen
    scheduler = scheduler_for(0.85)
    interview_at = day_start(date(2026, 7, 1), zone=ZoneInfo("Asia/Shanghai"), day_start_hour=4)
    expected = [scheduler.get_card_retrievability(to_fsrs(card, at=NOW), current_datetime=interview_at) for card in cards]

    figures = interview_figures(user=user, preferences=user.preferences, today=date(2026, 6, 1))

    assert figures.recall == pytest.approx(sum(expected) / 3, abs=1e-12)
    assert figures.studied == 3 and figures.unseen == 1
    assert figures.at_risk == sum(recall < 0.85 for recall in expected)
    assert [(t.name, t.studied, t.unseen) for t in figures.topics] == [("Pods", 2, 0), ("Probes", 1, 1)]
    assert figures.topics[0].recall_sum == pytest.approx(expected[0] + expected[1], abs=1e-12)
    assert figures.days_left == 30


@pytest.mark.django_db
def test_no_interview_figures_without_a_date_or_after_it():
    user = make_user()
    assert interview_figures(user=user, preferences=user.preferences, today=date(2026, 6, 1)) is None
    user.preferences.interview_date = date(2026, 5, 31)
    assert interview_figures(user=user, preferences=user.preferences, today=date(2026, 6, 1)) is None


@pytest.mark.parametrize(("unseen", "today", "interview", "pace"), [
    (110, date(2026, 6, 1), date(2026, 6, 14), 10),   # 11 days: 1-11 June, the 11th is 3 days before
    (111, date(2026, 6, 1), date(2026, 6, 14), 11),
    (0, date(2026, 6, 1), date(2026, 6, 14), 0),
    (40, date(2026, 6, 1), date(2026, 6, 4), 40),     # the margin has already begun: everything today
    (40, date(2026, 6, 1), date(2026, 6, 2), 40),
])
def test_the_new_card_pace_sees_every_card_three_days_before(unseen, today, interview, pace):
    assert new_card_pace(unseen=unseen, today=today, interview_date=interview) == pace


@pytest.mark.django_db
def test_with_a_date_the_daily_new_card_limit_follows_the_pace_unless_overridden():
    user = make_user(new_per_day=2, interview_date=date(2026, 6, 14))
    topic = make_topic()
    for question in make_questions(25, topic=topic):
        make_card(user, question)
    preferences = user.preferences

    assert review_queue(user=user, preferences=preferences, now=NOW, pick_card=False).new == 3  # ceil(25 / 11)
    preferences.follow_interview_pace = False
    assert review_queue(user=user, preferences=preferences, now=NOW, pick_card=False).new == 2


@pytest.mark.django_db
def test_setting_a_date_brings_forward_cards_already_scheduled_past_it():
    user = make_user(interview_date=(NOW + timedelta(days=30)).date())
    at_risk = make_card(user, state=State.REVIEW, stability=20.0, difficulty=5.0, reps=3,
                        last_review=NOW - timedelta(days=5), due=NOW + timedelta(days=60))
    safe = make_card(user, state=State.REVIEW, stability=900.0, difficulty=5.0, reps=3,
                     last_review=NOW - timedelta(days=5), due=NOW + timedelta(days=600))

    assert interview_plan_apply(user=user, now=NOW) == 1

    at_risk.refresh_from_db()
    safe.refresh_from_db()
    assert at_risk.due == day_start((NOW + timedelta(days=29)).date(), zone=UTC_ZONE, day_start_hour=4)
    assert safe.due == NOW + timedelta(days=600)
