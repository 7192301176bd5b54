"""quiz/rows.py: plain-SQL reads and writes give and store what the ORM gives and stores."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbase.models import Question, Topic
from quiz import rows
from quiz.models import Card, Preferences, ReviewLog, State
from quiz.services import RATED_FIELDS, preferences_ensure
from tests.quiz.helpers import make_card, make_question, make_user

pytestmark = pytest.mark.django_db

moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC))
floats = st.floats(min_value=0.001, max_value=1e6, allow_nan=False)


def field_values(instance):
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_a_row_read_as_plain_sql_equals_the_orm_instance():
    user = make_user(time_zone="Asia/Shanghai", interview_date=date(2026, 9, 1), follow_interview_pace=False,
                     fsrs_parameters=[0.5] * 21, optimal_retention=0.87)
    question = make_question("read", sims=[{"kind": "rolling", "params": {"replicas": 3}}], tags=["a", "b"],
                             checked_date=date(2026, 4, 22))
    card = make_card(user, question, state=State.REVIEW, step=None, stability=3.5, difficulty=4.25, reps=2,
                     due=datetime(2026, 6, 1, 9, 30, 15, 123456, tzinfo=UTC),
                     last_review=datetime(2026, 5, 28, 8, 0, tzinfo=UTC), buried_until=date(2026, 6, 2), is_leech=True)

    for model, instance, where, params in [
        (Preferences, user.preferences, "user_id = %s", [user.pk]),
        (Card, card, "id = %s", [card.pk]),
        (Question, question, "id = %s", [question.pk]),
        (Topic, question.topic, "id = %s", [question.topic_id]),
    ]:
        loaded = rows.get(model, where, params)
        reference = model.objects.get(pk=instance.pk)
        assert field_values(loaded) == field_values(reference)
        assert not loaded._state.adding and loaded._state.db == "default"
    assert rows.get(Card, "id = %s", [card.pk + 1000]) is None


def test_preferences_are_read_and_created_when_missing():
    user = make_user(new_per_day=7)
    assert preferences_ensure(user=user).new_per_day == 7
    bare = get_user_model().objects.create_user(username="made-elsewhere")

    created = preferences_ensure(user=bare)

    assert created.pk == Preferences.objects.get(user=bare).pk
    assert field_values(preferences_ensure(user=bare)) == field_values(created)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reviewed_at=moments, due=st.none() | moments, interval=st.timedeltas(min_value=timedelta(0),
       max_value=timedelta(days=36500)), duration=st.none() | st.integers(0, 2**31 - 1), stability=st.none() | floats,
       rating=st.integers(1, 4), state=st.sampled_from(list(State)), leech=st.booleans(),
       day=st.dates(min_value=date(2000, 1, 1), max_value=date(2199, 12, 31)))
def test_a_log_inserted_as_plain_sql_reads_back_through_the_orm_as_it_was(reviewed_at, due, interval, duration,
                                                                          stability, rating, state, leech, day):
    user = get_user_model().objects.first() or make_user()
    card = Card.objects.first() or make_card(user, make_question("logged"))
    log = ReviewLog(user=user, card=card, rating=rating, reviewed_at=reviewed_at, day=day, duration_ms=duration,
                    scheduled_interval=interval, state_before=state, step_before=None, stability_before=stability,
                    difficulty_before=stability, due_before=due, last_review_before=due, lapses_before=3,
                    made_leech=leech)

    rows.insert(log)

    assert log.pk is not None and not log._state.adding
    assert field_values(ReviewLog.objects.get(pk=log.pk)) == field_values(log)
    assert ReviewLog.objects.order_by("-pk").first().pk == log.pk


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=st.sampled_from([State.LEARNING, State.REVIEW, State.RELEARNING]), step=st.none() | st.integers(0, 5),
       stability=floats, difficulty=st.floats(min_value=1, max_value=10), due=moments, reps=st.integers(1, 10_000),
       lapses=st.integers(0, 100), flags=st.booleans())
def test_a_card_updated_as_plain_sql_reads_back_through_the_orm_as_it_was(state, step, stability, difficulty, due,
                                                                          reps, lapses, flags):
    user = get_user_model().objects.first() or make_user()
    card = Card.objects.first() or make_card(user, make_question("updated"))
    other = Card.objects.exclude(pk=card.pk).first() or make_card(user, make_question("untouched"))
    untouched = field_values(other)
    card.state, card.step, card.stability, card.difficulty = state, step, stability, difficulty
    card.due, card.last_review = due, due - timedelta(days=1)
    card.reps, card.lapses, card.is_leech, card.suspended = reps, lapses, flags, flags
    card.version += 1

    rows.update(card, RATED_FIELDS)

    assert field_values(Card.objects.get(pk=card.pk)) == field_values(card)
    assert field_values(Card.objects.get(pk=other.pk)) == untouched


def test_ids_beyond_64_bits_are_no_ones():
    assert rows.is_id(2**63 - 1) and rows.is_id(1)
    assert not rows.is_id(2**63) and not rows.is_id(-(2**63) - 1)


@pytest.mark.parametrize("model", [Card, ReviewLog])
def test_nothing_listens_for_the_saves_that_rows_writes_without_signals(model):
    # rows.update and rows.insert send no pre_save/post_save: a receiver added for these models later would be
    # skipped on every rating without a word. This fails first; then write through the ORM or send the signal.
    from django.db.models.signals import post_save, pre_save

    assert not pre_save.has_listeners(model) and not post_save.has_listeners(model)
