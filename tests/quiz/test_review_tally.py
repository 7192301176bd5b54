"""The review tally (reviews per learner, review day and topic) equals a count of the logs after any writes.

Database triggers keep it (quiz/migrations/0006_review_tally.py), so these tests write through every path
there is (the services, querysets, the ORM's cascades, raw SQL) and compare the tally with the logs
counted from scratch. Run them on PostgreSQL too (DATABASE_URL): its triggers are other code.
"""

import importlib
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbase.models import Question
from quiz.models import Card, Rating, ReviewLog, ReviewTally, State
from quiz.services import deck_add_questions, deck_remove_questions, review_record, review_undo
from tests.quiz.helpers import at, make_question, make_topic, make_user

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("quiz.migrations.0006_review_tally")
START = at(2026, 3, 1, 12, 0)


def tally() -> set[tuple]:
    return set(ReviewTally.objects.values_list("user", "day", "topic", "reviews", "retention_total", "retention_passed"))


def counted_from_logs() -> set[tuple]:
    """What the tally must hold: the logs grouped by learner, day and their card's question's topic."""
    review = Q(state_before=State.REVIEW)
    return set(
        ReviewLog.objects.values_list("user", "day", "card__question__topic")
        .annotate(reviews=Count("pk"), total=Count("pk", filter=review),
                  passed=Count("pk", filter=review & Q(rating__gt=Rating.AGAIN)))
        .order_by()
    )


def test_every_tally_trigger_exists_after_the_migrations():
    """A later migration that rebuilds one of these tables on SQLite would drop its triggers silently."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal")
        found = set(cursor.fetchall())
    assert set(MIGRATION.TRIGGER_TABLES.items()) <= found


def test_ratings_and_their_undo_are_counted_per_day_and_topic():
    pods, probes = make_topic("pods"), make_topic("probes")
    user = make_user()
    first, second = make_question("first", topic=pods), make_question("second", topic=probes)
    deck_add_questions(user=user, questions=Question.objects.all())
    card = Card.objects.get(user=user, question=first)
    # Easy takes a new card to the Review state: its next rating counts for retention (an Again as not passed).
    review_record(user=user, card_id=card.pk, rating=Rating.EASY, version=0, now=START)
    review_record(user=user, card_id=card.pk, rating=Rating.AGAIN, version=1, now=START + timedelta(days=3))
    other = Card.objects.get(user=user, question=second)
    result = review_record(user=user, card_id=other.pk, rating=Rating.EASY, version=0, now=START + timedelta(days=3))
    days = [START.date(), (START + timedelta(days=3)).date()]

    assert tally() == {(user.pk, days[0], pods.pk, 1, 0, 0), (user.pk, days[1], pods.pk, 1, 1, 0),
                       (user.pk, days[1], probes.pk, 1, 0, 0)}
    review_undo(user=user, log_id=result.log.pk)
    assert tally() == {(user.pk, days[0], pods.pk, 1, 0, 0), (user.pk, days[1], pods.pk, 1, 1, 0)}


def test_a_question_moved_to_another_topic_takes_its_counts_along():
    pods, probes = make_topic("pods"), make_topic("probes")
    user = make_user()
    moved, stays = make_question("moved", topic=pods), make_question("stays", topic=pods)
    for question in (moved, stays):
        card = Card.objects.create(user=user, question=question)
        review_record(user=user, card_id=card.pk, rating=Rating.GOOD, version=0, now=START)
    moved.topic = probes
    moved.save()

    assert tally() == {(user.pk, START.date(), pods.pk, 1, 0, 0), (user.pk, START.date(), probes.pk, 1, 0, 0)}
    assert tally() == counted_from_logs()


def test_deleting_an_account_deletes_its_tally():
    user, other = make_user("one"), make_user("two")
    question = make_question("q")
    for learner in (user, other):
        card = Card.objects.create(user=learner, question=question)
        review_record(user=learner, card_id=card.pk, rating=Rating.GOOD, version=0, now=START)
    user.delete()

    assert tally() == counted_from_logs() == {(other.pk, START.date(), question.topic_id, 1, 0, 0)}


# Writes, each named by its first element; the integers pick among what exists (modulo its size).
WRITES = st.lists(
    st.one_of(
        st.tuples(st.just("rate"), st.integers(0, 99), st.sampled_from(list(Rating)), st.integers(0, 40), st.booleans()),
        st.tuples(st.just("remove card"), st.integers(0, 99)),
        st.tuples(st.just("add cards"), st.integers(0, 99)),
        st.tuples(st.just("delete a day's logs"), st.integers(0, 99), st.integers(0, 40)),
        st.tuples(st.just("change a log"), st.integers(0, 99), st.sampled_from(list(Rating)),
                  st.sampled_from(list(State)), st.integers(0, 40)),
        st.tuples(st.just("delete a log by raw SQL"), st.integers(0, 99)),
        st.tuples(st.just("bulk-create logs"), st.integers(0, 99), st.integers(1, 5)),
        st.tuples(st.just("move a question"), st.integers(0, 99), st.integers(0, 2), st.booleans()),
        st.tuples(st.just("move a card"), st.integers(0, 99), st.integers(0, 99)),
        st.tuples(st.just("delete an account"), st.integers(0, 99)),
    ),
    max_size=25,
)


def _pick(items, index):
    return items[index % len(items)] if items else None


def _apply(write) -> None:
    kind, *args = write
    users = list(get_user_model().objects.order_by("pk"))
    cards = list(Card.objects.order_by("pk"))
    logs = list(ReviewLog.objects.order_by("pk"))
    if kind == "rate" and cards:
        card = _pick(cards, args[0])
        result = review_record(user=card.user, card_id=card.pk, rating=args[1], version=card.version,
                               now=START + timedelta(days=args[2], hours=args[0]))
        if args[3]:
            review_undo(user=card.user, log_id=result.log.pk)
    elif kind == "remove card" and cards:
        card = _pick(cards, args[0])
        deck_remove_questions(user=card.user, questions=Question.objects.filter(pk=card.question_id))
    elif kind == "add cards" and users:
        deck_add_questions(user=_pick(users, args[0]), questions=Question.objects.all())
    elif kind == "delete a day's logs" and logs:
        ReviewLog.objects.filter(user=_pick(logs, args[0]).user, day=(START + timedelta(days=args[1])).date()).delete()
    elif kind == "change a log" and logs:
        ReviewLog.objects.filter(pk=_pick(logs, args[0]).pk).update(
            rating=args[1], state_before=args[2], day=(START + timedelta(days=args[3])).date())
    elif kind == "delete a log by raw SQL" and logs:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {ReviewLog._meta.db_table} WHERE id = %s", [_pick(logs, args[0]).pk])
    elif kind == "bulk-create logs" and cards:
        card = _pick(cards, args[0])
        ReviewLog.objects.bulk_create([
            ReviewLog(user=card.user, card=card, rating=Rating((n % 4) + 1), reviewed_at=START, day=START.date() + timedelta(days=n),
                      scheduled_interval=timedelta(days=1), state_before=n % 4)
            for n in range(args[1])
        ])
    elif kind == "move a question":
        question = _pick(list(Question.objects.order_by("pk")), args[0])
        topic = make_topic(f"topic-{args[1]}")
        if args[2]:
            question.topic = topic
            question.save()
        else:
            Question.objects.filter(pk=question.pk).update(topic=topic)
    elif kind == "move a card" and cards:
        card = _pick(cards, args[0])
        taken = Card.objects.filter(user=card.user).values("question")
        free = list(Question.objects.exclude(pk__in=taken).order_by("pk"))
        if free:
            Card.objects.filter(pk=card.pk).update(question=_pick(free, args[1]))
    elif kind == "delete an account" and len(users) > 1:
        _pick(users, args[0]).delete()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=WRITES)
def test_the_tally_equals_the_logs_counted_from_scratch_after_any_writes(writes):
    get_user_model().objects.all().delete()
    assert tally() == set()
    topics = [make_topic(f"topic-{n}") for n in range(3)]
    questions = [make_question(f"tally-{n}", topic=topics[n % 3], number=n + 1) if not Question.objects.filter(slug=f"tally-{n}").exists()
                 else Question.objects.get(slug=f"tally-{n}") for n in range(5)]
    for name in ("ann", "bob"):
        user = make_user(name)
        deck_add_questions(user=user, questions=Question.objects.filter(pk__in=[q.pk for q in questions[:4]]))
    for write in writes:
        _apply(write)
        assert tally() == counted_from_logs(), write
