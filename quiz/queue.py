"""Today's review queue for a learner: what is due, what is left within the daily limits, and the next card.

Order follows Anki's defaults: learning cards that are due, then review cards due today (oldest due
first), then new cards in content-plan order; when nothing else is left, learning cards due within
the next 20 minutes (Anki's "learn ahead limit"). Daily limits count today's first reviews of new
cards and today's reviews of Review-state cards; learning and relearning steps are never limited.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, Max, Min, Q, Sum

from quiz.days import ReviewDay, review_day
from quiz.models import INTRADAY_STATES, Card, Preferences, ReviewLog, State

LEARN_AHEAD = timedelta(minutes=20)


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
    new_in_deck: int
    by_state: dict[int, int]
    next_learning_due: datetime | None
    last_log_id: int | None
    card: Card | None

    @property
    def remaining(self) -> int:
        return self.learning + self.reviews + self.new

    @property
    def due(self) -> int:
        return self.learning + self.reviews

    @property
    def in_deck(self) -> int:
        return sum(self.by_state.values())

    @property
    def total(self) -> int:
        return self.done + self.remaining


def card_counts(*, user: AbstractBaseUser, now: datetime, day: ReviewDay) -> dict:
    """Counts over the user's cards in one query (one pass over the user's cards)."""
    intraday = Q(state__in=INTRADAY_STATES)
    return Card.objects.for_user(user).aggregate(
        learning_ready=Count("pk", filter=intraday & Q(due__lte=now)),
        learning_ahead=Count("pk", filter=intraday & Q(due__lte=now + LEARN_AHEAD)),
        learning_today=Count("pk", filter=intraday & Q(due__lt=day.end)),
        next_learning_due=Min("due", filter=intraday & Q(due__gt=now, due__lt=day.end)),
        reviews_today=Count("pk", filter=Q(state=State.REVIEW, due__lt=day.end)),
        new_in_deck=Count("pk", filter=Q(state=State.NEW)),
        learning_total=Count("pk", filter=Q(state=State.LEARNING)),
        review_total=Count("pk", filter=Q(state=State.REVIEW)),
        relearning_total=Count("pk", filter=Q(state=State.RELEARNING)),
    )


def log_counts(*, user: AbstractBaseUser, day: ReviewDay) -> dict:
    """Today's ratings in one query (an index range on user and day)."""
    return ReviewLog.objects.filter(user=user, day=day.date).aggregate(
        done=Count("pk"),
        new_done=Count("pk", filter=Q(state_before=State.NEW)),
        reviews_done=Count("pk", filter=Q(state_before=State.REVIEW)),
        last_log_id=Max("pk"),
        duration_ms=Sum("duration_ms"),
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

    With pick_card=False only the counts are computed (two queries).

    Raises Card.DoesNotExist if `card_id` is given and is not the user's card.
    """
    day = review_day(now, zone=preferences.zone, day_start_hour=preferences.day_start_hour)
    cards = card_counts(user=user, now=now, day=day)
    logs = log_counts(user=user, day=day)
    new_left = max(0, preferences.new_per_day - logs["new_done"])
    reviews_left = max(0, preferences.reviews_per_day - logs["reviews_done"])
    new = min(cards["new_in_deck"], new_left)
    reviews = min(cards["reviews_today"], reviews_left)

    card = None
    if card_id is not None:
        requested = Card.objects.select_related("question__topic").get(pk=card_id, user=user)
        if _is_queued(requested, now=now, day=day, new_left=new_left, reviews_left=reviews_left):
            card = requested
    if card is None and pick_card:
        mine = Card.objects.for_user(user).select_related("question__topic")
        if cards["learning_ready"]:
            card = mine.intraday_due_by(now).first()
        elif reviews:
            card = mine.reviews_due_before(day.end).first()
        elif new:
            card = mine.new().first()
        elif cards["learning_ahead"]:
            card = mine.intraday_due_by(now + LEARN_AHEAD).first()

    return ReviewQueue(
        day=day,
        now=now,
        learning=cards["learning_today"],
        reviews=reviews,
        new=new,
        done=logs["done"],
        new_done=logs["new_done"],
        reviews_done=logs["reviews_done"],
        new_in_deck=cards["new_in_deck"],
        by_state={
            State.NEW: cards["new_in_deck"],
            State.LEARNING: cards["learning_total"],
            State.REVIEW: cards["review_total"],
            State.RELEARNING: cards["relearning_total"],
        },
        next_learning_due=cards["next_learning_due"],
        last_log_id=logs["last_log_id"],
        card=card,
    )
