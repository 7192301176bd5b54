"""Today's review queue for a learner: what is due, what is left within the daily limits, and the next card.

Order follows Anki's defaults: learning cards that are due, then review cards due today (oldest due
first), then new cards in content-plan order; when nothing else is left, learning cards due within
the next 20 minutes (Anki's "learn ahead limit"). Daily limits count today's first reviews of new
cards and today's reviews of Review-state cards; learning and relearning steps are never limited.

Every query here reads a bounded slice of the user's cards or logs (cards due today, at most the
remaining new-card limit, today's logs), so the review page costs the same for a deck of 50 or 5,000.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, Max, Min, Q

from quiz.days import ReviewDay, review_day
from quiz.models import INTRADAY_STATES, Card, Preferences, ReviewLog, State

LEARN_AHEAD = timedelta(minutes=20)
SCHEDULED_STATES = (State.LEARNING, State.REVIEW, State.RELEARNING)


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

    @property
    def due(self) -> int:
        return self.learning + self.reviews

    @property
    def remaining(self) -> int:
        return self.learning + self.reviews + self.new

    @property
    def total(self) -> int:
        return self.done + self.remaining


def due_counts(*, user: AbstractBaseUser, now: datetime, day: ReviewDay) -> dict:
    """Learning and review cards due today, and the earliest learning card, in one index range."""
    intraday = Q(state__in=INTRADAY_STATES)
    today = Q(due__lt=day.end)
    return Card.objects.for_user(user).filter(
        state__in=SCHEDULED_STATES, due__lt=max(day.end, now + LEARN_AHEAD)
    ).aggregate(
        learning=Count("pk", filter=intraday & today),
        reviews=Count("pk", filter=Q(state=State.REVIEW) & today),
        next_learning_due=Min("due", filter=intraday),
    )


def log_counts(*, user: AbstractBaseUser, day: ReviewDay) -> dict:
    """Today's ratings, from the covering (user, day, state_before, ...) index."""
    return ReviewLog.objects.filter(user=user, day=day.date).aggregate(
        done=Count("pk"),
        new_done=Count("pk", filter=Q(state_before=State.NEW)),
        reviews_done=Count("pk", filter=Q(state_before=State.REVIEW)),
        last_log_id=Max("pk"),
    )


def _is_queued(card: Card, *, now: datetime, day: ReviewDay, new_left: int, reviews_left: int) -> bool:
    if not card.question.is_published:
        return False
    if card.state == State.NEW:
        return new_left > 0
    if card.state == State.REVIEW:
        return reviews_left > 0 and card.due < day.end
    return card.due <= now + LEARN_AHEAD


def review_queue(
    *,
    user: AbstractBaseUser,
    preferences: Preferences,
    now: datetime,
    card_id: int | None = None,
    pick_card: bool = True,
) -> ReviewQueue:
    """Today's queue and the card to show next (`card_id` first, if it is one of the user's queued cards).

    With pick_card=False only the counts are computed. Raises Card.DoesNotExist if `card_id` is
    given and is not the user's card.
    """
    day = review_day(now, zone=preferences.zone, day_start_hour=preferences.day_start_hour)
    due = due_counts(user=user, now=now, day=day)
    logs = log_counts(user=user, day=day)
    new_left = max(0, preferences.new_per_day - logs["new_done"])
    reviews_left = max(0, preferences.reviews_per_day - logs["reviews_done"])
    mine = Card.objects.for_user(user)
    # Counting at most new_left rows keeps this cheap however many new cards wait in the deck.
    new = mine.filter(state=State.NEW)[:new_left].count() if new_left else 0
    reviews = min(due["reviews"], reviews_left)

    card = None
    if card_id is not None:
        requested = Card.objects.select_related("question__topic").get(pk=card_id, user=user)
        if _is_queued(requested, now=now, day=day, new_left=new_left, reviews_left=reviews_left):
            card = requested
    next_learning_due = due["next_learning_due"]
    if card is None and pick_card:
        mine = mine.select_related("question__topic")
        if next_learning_due is not None and next_learning_due <= now:
            card = mine.intraday_due_by(now).first()
        elif reviews:
            card = mine.reviews_due_before(day.end).first()
        elif new:
            card = mine.new().first()
        elif next_learning_due is not None and next_learning_due <= now + LEARN_AHEAD:
            card = mine.intraday_due_by(now + LEARN_AHEAD).first()

    leftover = {}
    if card is None and pick_card:
        leftover = Card.objects.for_user(user).aggregate(
            in_deck=Count("pk"), new_waiting=Count("pk", filter=Q(state=State.NEW))
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
        **leftover,
    )
