from datetime import date, timedelta

import fsrs
import pytest

from quiz.models import Card, Rating, ReviewLog, State
from quiz.scheduling import preview
from quiz.services import review_record
from tests.quiz.helpers import at, make_card, make_user

pytestmark = pytest.mark.django_db

START = at(2026, 4, 1, 9, 0)


def rate(card, rating, when, **kwargs):
    card.refresh_from_db()
    result = review_record(user=card.user, card_id=card.pk, rating=rating, version=card.version, now=when, **kwargs)
    card.refresh_from_db()
    return result


def test_a_card_goes_through_learning_review_and_relearning_as_fsrs_decides():
    card = make_card(make_user())
    unfuzzed = fsrs.Scheduler(desired_retention=0.9, enable_fuzzing=False)
    mirror = fsrs.Card(card_id=card.pk, due=START)

    def step(rating, when):
        nonlocal mirror
        rate(card, rating, when)
        mirror, _ = unfuzzed.review_card(mirror, fsrs.Rating(rating), review_datetime=when)
        # Fuzz moves only the due date; the memory state is FSRS's exactly.
        assert (card.state, card.step, card.stability, card.difficulty) == (
            mirror.state, mirror.step, mirror.stability, mirror.difficulty)
        mirror.due = card.due

    step(Rating.GOOD, START)
    assert (card.state, card.step, card.due - START) == (State.LEARNING, 1, timedelta(minutes=10))

    step(Rating.GOOD, START + timedelta(minutes=10))
    assert card.state == State.REVIEW
    assert card.step is None
    first_interval = card.due - card.last_review
    assert first_interval >= timedelta(days=1)

    review_time = card.due + timedelta(hours=1)
    step(Rating.GOOD, review_time)
    assert card.state == State.REVIEW
    assert card.due - review_time > first_interval

    lapse_time = card.due
    step(Rating.AGAIN, lapse_time)
    assert (card.state, card.step, card.due - lapse_time) == (State.RELEARNING, 0, timedelta(minutes=10))
    assert card.lapses == 1

    step(Rating.GOOD, lapse_time + timedelta(minutes=10))
    assert card.state == State.REVIEW
    assert (card.reps, card.lapses) == (5, 1)
    assert list(ReviewLog.objects.filter(card=card).order_by("pk").values_list("state_before", flat=True)) == [
        State.NEW, State.LEARNING, State.REVIEW, State.REVIEW, State.RELEARNING]


def test_the_logs_are_enough_for_fsrs_to_replay_the_card():
    card = make_card(make_user())
    when = START
    for rating in [3, 3, 2, 1, 3, 4]:
        rate(card, rating, when)
        when = card.due + timedelta(hours=2)
    logs = [fsrs.ReviewLog(card_id=card.pk, rating=fsrs.Rating(log.rating), review_datetime=log.reviewed_at,
                           review_duration=log.duration_ms) for log in card.logs.all()]

    replayed = fsrs.Scheduler(desired_retention=0.9).reschedule_card(fsrs.Card(card_id=card.pk, due=START), logs)

    assert (replayed.state, replayed.stability, replayed.difficulty, replayed.last_review) == (
        card.state, card.stability, card.difficulty, card.last_review)


def test_the_interval_shown_on_each_button_is_the_interval_saved():
    user = make_user()
    for rating in Rating.values:
        card = make_card(user, state=State.REVIEW, stability=25.0, difficulty=6.0, reps=4,
                         last_review=START - timedelta(days=27), due=START - timedelta(days=2))
        shown_at = START
        shown = preview(card=card, at=shown_at, desired_retention=0.9)[rating]

        result = rate(card, rating, shown_at + timedelta(seconds=40), shown_at=shown_at)

        assert result.log.scheduled_interval == shown
        assert card.due == shown_at + shown
        assert result.log.duration_ms == 40_000


def test_a_review_is_scheduled_from_when_the_card_was_shown_even_across_a_day_of_elapsed_time():
    # Shown 23:59:50 after the last review and rated 20 s later: FSRS's elapsed-days count differs
    # between the two instants, but the saved interval must still be the one on the button.
    user = make_user()
    last = START - timedelta(days=10)
    card = make_card(user, state=State.REVIEW, stability=8.0, difficulty=5.0, reps=3, last_review=last, due=last + timedelta(days=8))
    shown_at = last + timedelta(days=9, hours=23, minutes=59, seconds=50)
    shown = preview(card=card, at=shown_at, desired_retention=0.9)[Rating.GOOD]
    later = preview(card=card, at=shown_at + timedelta(seconds=20), desired_retention=0.9)[Rating.GOOD]

    result = rate(card, Rating.GOOD, shown_at + timedelta(seconds=20), shown_at=shown_at)

    assert shown != later  # the trap is real
    assert result.log.scheduled_interval == shown


def test_an_implausible_shown_at_is_ignored_and_the_review_happens_now():
    card = make_card(make_user())
    now = START

    stale = rate(card, Rating.GOOD, now, shown_at=now - timedelta(hours=2))
    future = rate(card, Rating.GOOD, now + timedelta(minutes=20), shown_at=now + timedelta(days=1))

    assert stale.log.reviewed_at == now
    assert stale.log.duration_ms is None
    assert future.log.reviewed_at == now + timedelta(minutes=20)


def test_the_log_keeps_the_card_as_it_was_before_the_rating():
    user = make_user(time_zone="Asia/Shanghai")
    card = make_card(user, state=State.REVIEW, stability=12.5, difficulty=4.25, reps=6, lapses=2,
                     last_review=START - timedelta(days=13), due=START - timedelta(days=1))

    log = rate(card, Rating.HARD, START).log

    assert (log.rating, log.state_before, log.step_before, log.stability_before, log.difficulty_before) == (
        Rating.HARD, State.REVIEW, None, 12.5, 4.25)
    assert (log.due_before, log.last_review_before, log.lapses_before) == (
        START - timedelta(days=1), START - timedelta(days=13), 2)
    assert log.reviewed_at == START
    assert log.day == date(2026, 4, 1)  # 17:00 in Shanghai
    assert log.scheduled_interval == card.due - START


def test_a_rating_submitted_twice_is_recorded_once():
    card = make_card(make_user())
    version = card.version

    first = review_record(user=card.user, card_id=card.pk, rating=3, version=version, now=START)
    second = review_record(user=card.user, card_id=card.pk, rating=3, version=version, now=START + timedelta(seconds=1))

    assert first.recorded and not second.recorded
    assert ReviewLog.objects.count() == 1
    card.refresh_from_db()
    assert (card.reps, card.version) == (1, version + 1)


def test_a_stale_rating_for_a_card_rated_elsewhere_changes_nothing():
    card = make_card(make_user())
    stale_version = card.version
    rate(card, Rating.GOOD, START)
    snapshot = Card.objects.values().get(pk=card.pk)

    result = review_record(user=card.user, card_id=card.pk, rating=Rating.AGAIN, version=stale_version, now=START)

    assert not result.recorded
    assert Card.objects.values().get(pk=card.pk) == snapshot


def test_rating_another_users_card_is_impossible():
    owner, intruder = make_user("owner"), make_user("intruder")
    card = make_card(owner)

    with pytest.raises(Card.DoesNotExist):
        review_record(user=intruder, card_id=card.pk, rating=3, version=card.version, now=START)

    assert ReviewLog.objects.count() == 0
    card.refresh_from_db()
    assert card.state == State.NEW


def test_desired_retention_comes_from_the_learners_settings():
    eager, relaxed = make_user("eager", desired_retention=0.97), make_user("relaxed", desired_retention=0.75)
    fields = dict(state=State.REVIEW, stability=30.0, difficulty=5.0, reps=3,
                  last_review=START - timedelta(days=30), due=START)
    eager_card, relaxed_card = make_card(eager, **fields), make_card(relaxed, **fields)

    eager_interval = rate(eager_card, Rating.GOOD, START).log.scheduled_interval
    relaxed_interval = rate(relaxed_card, Rating.GOOD, START).log.scheduled_interval

    assert eager_interval < relaxed_interval
