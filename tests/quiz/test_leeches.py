from datetime import timedelta

import pytest

from quiz.models import Card, Rating, ReviewLog, State
from quiz.queue import review_queue
from quiz.services import card_bury, card_suspend, review_record, review_undo
from tests.quiz.helpers import at, make_card, make_questions, make_topic, make_user

pytestmark = pytest.mark.django_db

NOW = at(2026, 6, 1, 12, 0)


def lapsing_card(user, *, lapses):
    return make_card(user, state=State.REVIEW, stability=10.0, difficulty=7.0, reps=lapses + 2, lapses=lapses,
                     last_review=NOW - timedelta(days=10), due=NOW - timedelta(hours=1))


def test_the_lapse_that_reaches_the_threshold_tags_the_card_leech_and_suspends_it():
    user = make_user(leech_threshold=3)
    card = lapsing_card(user, lapses=1)

    review_record(user=user, card_id=card.pk, rating=Rating.AGAIN, version=card.version, now=NOW)
    card.refresh_from_db()
    assert (card.lapses, card.is_leech, card.suspended) == (2, False, False)

    Card.objects.filter(pk=card.pk).update(state=State.REVIEW, due=NOW)
    card.refresh_from_db()
    result = review_record(user=user, card_id=card.pk, rating=Rating.AGAIN, version=card.version, now=NOW + timedelta(days=1))

    assert (result.card.lapses, result.card.is_leech, result.card.suspended) == (3, True, True)
    assert result.log.made_leech


def test_the_default_threshold_is_eight_lapses():
    user = make_user()
    card = lapsing_card(user, lapses=7)

    result = review_record(user=user, card_id=card.pk, rating=Rating.AGAIN, version=card.version, now=NOW)

    assert result.card.is_leech and result.card.suspended


def test_undoing_the_leech_lapse_lifts_the_tag_and_the_suspension():
    user = make_user(leech_threshold=2)
    card = lapsing_card(user, lapses=1)
    result = review_record(user=user, card_id=card.pk, rating=Rating.AGAIN, version=card.version, now=NOW)

    restored = review_undo(user=user, log_id=result.log.pk)

    assert (restored.lapses, restored.is_leech, restored.suspended) == (1, False, False)


def test_suspended_cards_leave_the_queue_until_unsuspended():
    user = make_user()
    due = lapsing_card(user, lapses=0)
    new = make_card(user)
    card_suspend(user=user, card_id=due.pk, suspended=True)
    card_suspend(user=user, card_id=new.pk, suspended=True)

    queue = review_queue(user=user, preferences=user.preferences, now=NOW)
    assert (queue.reviews, queue.new, queue.card) == (0, 0, None)
    assert queue.new_waiting == 0

    card_suspend(user=user, card_id=due.pk, suspended=False)
    queue = review_queue(user=user, preferences=user.preferences, now=NOW)
    assert (queue.reviews, queue.card) == (1, Card.objects.get(pk=due.pk))


def test_a_buried_card_comes_back_on_the_next_review_day():
    user = make_user()
    card = lapsing_card(user, lapses=0)
    other = make_card(user, make_questions(1, topic=make_topic("x"), prefix="other")[0])

    card_bury(user=user, card_id=card.pk, now=NOW)

    today = review_queue(user=user, preferences=user.preferences, now=NOW)
    assert today.reviews == 0 and today.card == other
    # a request for the buried card by id does not bring it back either
    assert review_queue(user=user, preferences=user.preferences, now=NOW, card_id=card.pk).card == other
    tomorrow = review_queue(user=user, preferences=user.preferences, now=NOW + timedelta(days=1))
    assert tomorrow.reviews == 1 and tomorrow.card.pk == card.pk


def test_suspending_someone_elses_card_is_impossible():
    owner, other = make_user("owner"), make_user("other")
    card = make_card(owner)
    with pytest.raises(Card.DoesNotExist):
        card_suspend(user=other, card_id=card.pk, suspended=True)
    with pytest.raises(Card.DoesNotExist):
        card_bury(user=other, card_id=card.pk, now=NOW)
    assert not Card.objects.get(pk=card.pk).suspended


def test_studying_ahead_shows_cards_due_in_the_next_days_and_schedules_them_honestly():
    user = make_user()
    card = make_card(user, state=State.REVIEW, stability=10.0, difficulty=5.0, reps=3,
                     last_review=NOW - timedelta(days=5), due=NOW + timedelta(days=4))

    assert review_queue(user=user, preferences=user.preferences, now=NOW).card is None
    assert review_queue(user=user, preferences=user.preferences, now=NOW, ahead=3).card is None
    ahead = review_queue(user=user, preferences=user.preferences, now=NOW, ahead=5)
    assert ahead.card == card and ahead.reviews == 1

    result = review_record(user=user, card_id=card.pk, rating=Rating.GOOD, version=card.version, now=NOW)
    log = ReviewLog.objects.get()
    assert log.state_before == State.REVIEW and log.reviewed_at == NOW
    # FSRS saw 5 elapsed days, not the 9 the card was scheduled for: a shorter stability gain
    assert result.card.stability < 10.0 * 3
