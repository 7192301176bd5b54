from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.models import Card, Rating, ReviewLog, State
from quiz.scheduling import preview
from quiz.services import review_record, review_undo
from tests.quiz.helpers import at, make_card, make_question, make_user

pytestmark = pytest.mark.django_db

START = at(2026, 4, 1, 9, 0)
MEMORY_FIELDS = ["state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses"]


def memory(card):
    card.refresh_from_db()
    return {field: getattr(card, field) for field in MEMORY_FIELDS}


def rate(card, rating, when):
    card.refresh_from_db()
    return review_record(user=card.user, card_id=card.pk, rating=rating, version=card.version, now=when)


def test_undo_restores_the_card_exactly_and_removes_its_log():
    card = make_card(make_user(), state=State.REVIEW, stability=17.123456789, difficulty=6.987654321,
                     reps=9, lapses=3, last_review=START - timedelta(days=18), due=START - timedelta(days=1))
    before = memory(card)
    log = rate(card, Rating.AGAIN, START).log
    assert memory(card) != before

    restored = review_undo(user=card.user, log_id=log.pk)

    assert restored.pk == card.pk
    assert memory(card) == before
    assert not ReviewLog.objects.filter(pk=log.pk).exists()


def test_undoing_a_first_review_makes_the_card_new_again():
    card = make_card(make_user())
    log = rate(card, Rating.GOOD, START).log

    review_undo(user=card.user, log_id=log.pk)

    card.refresh_from_db()
    assert (card.state, card.due, card.last_review, card.reps) == (State.NEW, None, None, 0)


def test_undo_twice_undoes_once():
    card = make_card(make_user())
    rate(card, Rating.GOOD, START)
    second = rate(card, Rating.GOOD, START + timedelta(minutes=10)).log
    after_first = memory(card)
    review_undo(user=card.user, log_id=second.pk)
    after_undo = memory(card)

    assert review_undo(user=card.user, log_id=second.pk) is None
    assert memory(card) == after_undo != after_first
    assert ReviewLog.objects.count() == 1


def test_only_the_latest_rating_can_be_undone():
    user = make_user()
    first_card, second_card = make_card(user), make_card(user)
    older = rate(first_card, Rating.GOOD, START).log
    rate(second_card, Rating.GOOD, START + timedelta(seconds=5))

    assert review_undo(user=user, log_id=older.pk) is None
    assert ReviewLog.objects.count() == 2


def test_nobody_can_undo_someone_elses_rating():
    owner, intruder = make_user("owner"), make_user("intruder")
    card = make_card(owner)
    log = rate(card, Rating.GOOD, START).log

    assert review_undo(user=intruder, log_id=log.pk) is None
    assert ReviewLog.objects.filter(pk=log.pk).exists()


def test_a_rating_retried_after_an_undo_is_still_not_recorded_twice():
    card = make_card(make_user())
    original_version = card.version
    log = rate(card, Rating.EASY, START).log
    review_undo(user=card.user, log_id=log.pk)

    retried = review_record(user=card.user, card_id=card.pk, rating=Rating.EASY, version=original_version, now=START)

    assert not retried.recorded
    assert ReviewLog.objects.count() == 0


def test_after_undo_the_same_rating_schedules_the_same_fuzzed_interval_again():
    card = make_card(make_user(), state=State.REVIEW, stability=50.0, difficulty=5.0, reps=5,
                     last_review=START - timedelta(days=50), due=START)
    first = rate(card, Rating.GOOD, START).log.scheduled_interval
    review_undo(user=card.user, log_id=ReviewLog.objects.get().pk)

    again = rate(card, Rating.GOOD, START).log.scheduled_interval

    assert first == again
    assert first.days > 30


_user_counter = iter(range(10**6))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ratings=st.lists(st.sampled_from(Rating.values), min_size=1, max_size=12),
    delays=st.lists(st.integers(min_value=0, max_value=60 * 24 * 40), min_size=12, max_size=12),
)
def test_any_sequence_of_ratings_can_be_undone_back_to_a_new_card(ratings, delays):
    with transaction.atomic():
        user = make_user(f"prop-{next(_user_counter)}")
        card = make_card(user, question=make_question(f"prop-q-{user.pk}"))
        history = []
        when = START
        for rating, minutes_late in zip(ratings, delays, strict=False):
            when = (card.due or when) + timedelta(minutes=minutes_late)
            history.append(memory(card))
            shown = preview(card=card, at=when, desired_retention=0.9)[rating]
            result = rate(card, rating, when)
            assert result.log.scheduled_interval == shown
            card.refresh_from_db()

        for expected in reversed(history):
            review_undo(user=user, log_id=ReviewLog.objects.filter(user=user).latest("pk").pk)
            assert memory(card) == expected

        assert not ReviewLog.objects.filter(user=user).exists()
        assert Card.objects.get(pk=card.pk).state == State.NEW
        transaction.set_rollback(True)
