"""Today's review queue for a learner: what is due, what is left within the daily limits, and the next card.

Order follows Anki's defaults: learning cards that are due, then review cards due today (oldest due
first), then new cards in content-plan order; when nothing else is left, learning cards due within
the next 20 minutes (Anki's "learn ahead limit"). Daily limits count today's first reviews of new
cards and today's reviews of Review-state cards; learning and relearning steps are never limited.

Suspended cards and cards buried until a later day are left out. Studying ahead widens "review
cards due today" to the next N days. With an interview date (and the pace setting on), the daily
new-card limit is the pace needed to see every unseen card INTERVIEW_MARGIN_DAYS before the interview.

Every query here reads a bounded slice of the user's cards or logs (cards due today, at most the
remaining new-card limit, today's logs), so the review page costs the same for a deck of 50 or 5,000.
"""

import functools
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.db.models import Count, Q
from django.utils.dateparse import parse_datetime

from kbase.models import Question, Topic
from quiz import rows
from quiz.days import ReviewDay, day_start, review_day
from quiz.models import Card, Preferences, ReviewLog, State

LEARN_AHEAD = timedelta(minutes=20)
SCHEDULED_STATES = (State.LEARNING, State.REVIEW, State.RELEARNING)
INTERVIEW_MARGIN_DAYS = 3
MAX_AHEAD_DAYS = 30


@dataclass(frozen=True)
class ReviewQueue:
    day: ReviewDay
    now: datetime
    learning: int
    reviews: int
    new: int
    done: int
    new_done: int
    reviews_done: int
    next_learning_due: datetime | None
    last_log_id: int | None
    card: Card | None
    # Only counted when there is no card to show (for the "all done" and "empty deck" messages).
    in_deck: int | None = None
    new_waiting: int | None = None
    ahead: int = 0
    new_limit: int | None = None

    @property
    def due(self) -> int:
        return self.learning + self.reviews

    @property
    def remaining(self) -> int:
        return self.learning + self.reviews + self.new

    @property
    def total(self) -> int:
        return self.done + self.remaining


def new_card_pace(*, unseen: int, today: date, interview_date: date) -> int:
    """New cards per day needed to see `unseen` cards by INTERVIEW_MARGIN_DAYS before the interview (today included)."""
    days = (interview_date - timedelta(days=INTERVIEW_MARGIN_DAYS) - today).days + 1
    return unseen if days <= 1 else math.ceil(unseen / days)


def paces_new_cards(preferences: Preferences, today: date) -> bool:
    return bool(preferences.interview_date and preferences.follow_interview_pace and today < preferences.interview_date)


def reviews_end(day: ReviewDay, preferences: Preferences, ahead: int) -> datetime:
    """End of the window of Review cards counted as due: today's end, or `ahead` review days later."""
    if not ahead:
        return day.end
    return day_start(day.date + timedelta(days=ahead + 1), zone=preferences.zone, day_start_hour=preferences.day_start_hour)


# The queue's counts in one statement: the ORM spent ~2 ms building the SQL of these two aggregates for
# every review page and rating (0.2 ms to run them). Same predicates as Card.objects.for_user(user)
# .studying(today) and the index ranges of the (user, state, due) and (user, day, ...) indexes; plain
# SQL that SQLite (3.30+) and PostgreSQL both run. Parameters are adapted by the connection's operations,
# as the ORM adapts them.
STUDYING_SQL = (
    "{card}.user_id = %s AND {card}.suspended = %s AND ({card}.buried_until IS NULL OR {card}.buried_until <= %s)"
    " AND {card}.question_id NOT IN (SELECT {question}.id FROM {question} WHERE {question}.is_published = %s)"
)
COUNTS_SQL = (
    "SELECT cards.learning, cards.reviews, cards.next_learning_due,"
    " logs.done, logs.new_done, logs.reviews_done, logs.last_log_id FROM ("
    " SELECT COUNT(*) FILTER (WHERE {card}.state IN (1, 3) AND {card}.due < %s) AS learning,"
    " COUNT(*) FILTER (WHERE {card}.state = 2 AND {card}.due < %s) AS reviews,"
    " MIN({card}.due) FILTER (WHERE {card}.state IN (1, 3)) AS next_learning_due"
    " FROM {card} WHERE " + STUDYING_SQL + " AND {card}.state IN (1, 2, 3) AND {card}.due < %s"
    ") cards, ("
    " SELECT COUNT(*) AS done, COUNT(*) FILTER (WHERE {log}.state_before = 0) AS new_done,"
    " COUNT(*) FILTER (WHERE {log}.state_before = 2) AS reviews_done, MAX({log}.id) AS last_log_id"
    " FROM {log} WHERE {log}.user_id = %s AND {log}.day = %s"
    ") logs"
)
NEW_COUNT_SQL = "SELECT COUNT(*) FROM (SELECT 1 FROM {card} WHERE " + STUDYING_SQL + " AND {card}.state = 0{limit}) new_cards"


# The card to show, with its question and topic, in one statement. Through the ORM,
# `Card.objects.for_user(user).studying(today).select_related("question__topic").<pick>(...).first()` cost
# ~2.5 ms of every rating: building its SQL, and SQLite sorting every candidate with its whole question row
# (see _pick_sql). name: (condition, order, the CardQuerySet method it stands for): the same predicates and
# order, on the same (user, state, due) index.
PICKS = {
    "intraday": ("{card}.state IN (1, 3) AND {card}.due <= %s", "{card}.due, {card}.id", "intraday_due_by"),
    "review": ("{card}.state = 2 AND {card}.due < %s", "{card}.due, {card}.id", "reviews_due_before"),
    "new": ("{card}.state = 0", "pick_question.number", "new"),
}


def plain_sql(template: str, **extra) -> str:
    """`template` with {card}, {question} and {log} replaced by their tables (the quiz's plain-SQL reads)."""
    return template.format(card=Card._meta.db_table, question=Question._meta.db_table, log=ReviewLog._meta.db_table,
                           **extra)


def _studying_params(user: AbstractBaseUser, today: date) -> list:
    return [user.pk, False, connection.ops.adapt_datefield_value(today), False]


def _aware(value) -> datetime | None:
    """A datetime read by raw SQL: text on SQLite (UTC without offset), an aware datetime on PostgreSQL."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def queue_counts(*, user: AbstractBaseUser, now: datetime, day: ReviewDay, until: datetime | None = None) -> dict:
    """Learning and review cards due today (review cards until `until`), the earliest learning card, and
    today's ratings (all, of new cards, of review cards, the latest id), in one statement."""
    until = until or day.end
    adapt = connection.ops.adapt_datetimefield_value
    params = [adapt(day.end), adapt(until), *_studying_params(user, day.date), adapt(max(until, now + LEARN_AHEAD)),
              user.pk, connection.ops.adapt_datefield_value(day.date)]
    with connection.cursor() as cursor:
        cursor.execute(plain_sql(COUNTS_SQL), params)
        learning, reviews, next_due, done, new_done, reviews_done, last_log_id = cursor.fetchone()
    return {"learning": learning, "reviews": reviews, "next_learning_due": _aware(next_due), "done": done,
            "new_done": new_done, "reviews_done": reviews_done, "last_log_id": last_log_id}


def new_count(*, user: AbstractBaseUser, today: date, limit: int | None = None) -> int:
    """New cards that may be shown today, counting at most `limit` rows (all if None)."""
    params = _studying_params(user, today)
    if limit is not None:
        params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(plain_sql(NEW_COUNT_SQL, limit=" LIMIT %s" if limit is not None else ""), params)
        return cursor.fetchone()[0]


@functools.cache
def _card_sql(where: str) -> str:
    """The card where `where`, with its question's and topic's columns (in `_card_from_row`'s order)."""
    return plain_sql(
        "SELECT {card_columns}, {question_columns}, {topic_columns} FROM {card}"
        " INNER JOIN {question} card_question ON {card}.question_id = card_question.id"
        " INNER JOIN {topic} card_topic ON card_question.topic_id = card_topic.id WHERE " + where,
        topic=Topic._meta.db_table, card_columns=rows.columns(Card, Card._meta.db_table),
        question_columns=rows.columns(Question, "card_question"), topic_columns=rows.columns(Topic, "card_topic"),
    )


@functools.cache
def _pick_sql(kind: str) -> str:
    # The first card's id is found on narrow rows and only its row is read whole: sorting the candidates
    # with every column (a question row holds both languages' Markdown and HTML) cost ~1 ms per 200 cards.
    condition, order, _queryset = PICKS[kind]
    return _card_sql(
        "{card}.id = (SELECT {card}.id FROM {card} INNER JOIN {question} pick_question"
        " ON {card}.question_id = pick_question.id WHERE (" + STUDYING_SQL + ") AND " + condition
        + " ORDER BY " + order + " LIMIT 1)"
    )


def _card_from_row(row) -> Card:
    """A Card with its question and topic loaded, from a `_card_sql` row (as select_related("question__topic") makes)."""
    card_end = rows.width(Card)
    question_end = card_end + rows.width(Question)
    card = rows.from_row(Card, row[:card_end])
    question = rows.from_row(Question, row[card_end:question_end])
    question.topic = rows.from_row(Topic, row[question_end:])
    card.question = question
    return card


def pick(*, user: AbstractBaseUser, today: date, kind: str, moment: datetime | None = None) -> Card | None:
    """The first of the learner's cards that `kind` of PICKS would show on review day `today` (`moment`: its
    due bound), with question and topic loaded; the same card as the PICKS queryset's `.first()`."""
    params = _studying_params(user, today)
    if moment is not None:
        params.append(connection.ops.adapt_datetimefield_value(moment))
    with connection.cursor() as cursor:
        cursor.execute(_pick_sql(kind), params)
        row = cursor.fetchone()
    return None if row is None else _card_from_row(row)


def users_card(*, user: AbstractBaseUser, card_id: int) -> Card:
    """One of the user's cards with its question and topic; Card.DoesNotExist if it is not theirs."""
    if not rows.is_id(card_id):
        raise Card.DoesNotExist("No such card.")
    with connection.cursor() as cursor:
        cursor.execute(_card_sql("{card}.id = %s AND {card}.user_id = %s"), [card_id, user.pk])
        row = cursor.fetchone()
    if row is None:
        raise Card.DoesNotExist("No such card.")
    return _card_from_row(row)


def _is_queued(card: Card, *, now: datetime, day: ReviewDay, new_left: int, reviews_left: int, until: datetime) -> bool:
    if not card.question.is_published or card.suspended or (card.buried_until and card.buried_until > day.date):
        return False
    if card.state == State.NEW:
        return new_left > 0
    if card.state == State.REVIEW:
        return reviews_left > 0 and card.due < until
    return card.due <= now + LEARN_AHEAD


def review_queue(
    *,
    user: AbstractBaseUser,
    preferences: Preferences,
    now: datetime,
    card_id: int | None = None,
    pick_card: bool = True,
    ahead: int = 0,
) -> ReviewQueue:
    """Today's queue and the card to show next (`card_id` first, if it is one of the user's queued cards).

    With pick_card=False only the counts are computed; `ahead` (0-MAX_AHEAD_DAYS) studies Review
    cards due in the next that many days. Raises Card.DoesNotExist if `card_id` is given and is not
    the user's card.
    """
    day = review_day(now, zone=preferences.zone, day_start_hour=preferences.day_start_hour)
    ahead = max(0, min(MAX_AHEAD_DAYS, ahead))
    until = reviews_end(day, preferences, ahead)
    due = logs = queue_counts(user=user, now=now, day=day, until=until)
    new_limit = preferences.new_per_day
    if paces_new_cards(preferences, day.date):
        # One count over the (user, state, due) index; the pace is fixed for the day from its start.
        unseen = new_count(user=user, today=day.date) + logs["new_done"]
        new_limit = new_card_pace(unseen=unseen, today=day.date, interview_date=preferences.interview_date)
    new_left = max(0, new_limit - logs["new_done"])
    reviews_left = max(0, preferences.reviews_per_day - logs["reviews_done"])
    # Counting at most new_left rows keeps this cheap however many new cards wait in the deck.
    new = new_count(user=user, today=day.date, limit=new_left) if new_left else 0
    reviews = min(due["reviews"], reviews_left)

    card = None
    if card_id is not None:
        requested = users_card(user=user, card_id=card_id)
        if _is_queued(requested, now=now, day=day, new_left=new_left, reviews_left=reviews_left, until=until):
            card = requested
    next_learning_due = due["next_learning_due"]
    if card is None and pick_card:
        if next_learning_due is not None and next_learning_due <= now:
            card = pick(user=user, today=day.date, kind="intraday", moment=now)
        elif reviews:
            card = pick(user=user, today=day.date, kind="review", moment=until)
        elif new:
            card = pick(user=user, today=day.date, kind="new")
        elif next_learning_due is not None and next_learning_due <= now + LEARN_AHEAD:
            card = pick(user=user, today=day.date, kind="intraday", moment=now + LEARN_AHEAD)

    leftover = {}
    if card is None and pick_card:
        leftover = Card.objects.for_user(user).aggregate(
            in_deck=Count("pk"), new_waiting=Count("pk", filter=Q(state=State.NEW, suspended=False))
        )

    return ReviewQueue(
        day=day,
        now=now,
        learning=due["learning"],
        reviews=reviews,
        new=new,
        done=logs["done"],
        new_done=logs["new_done"],
        reviews_done=logs["reviews_done"],
        next_learning_due=next_learning_due,
        last_log_id=logs["last_log_id"],
        card=card,
        ahead=ahead,
        new_limit=new_limit,
        **leftover,
    )
