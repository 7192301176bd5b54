"""The bridge to py-fsrs: every scheduling decision is made by `fsrs.Scheduler.review_card` (fsrs 6.3.2).

FSRS has no New state and no counters; a New card is handed to FSRS as its default fresh card
(Learning, step 0, no stability), which is what `fsrs.Card()` builds.

Fuzz. py-fsrs draws a fuzzed Review interval with `random()`, imported by name into
`fsrs.scheduler` (see fsrs/scheduler.py, `Scheduler._get_fuzzed_interval`). We point that name at a
function that reads a `random.Random` from a context variable, seeded with the card id and its review
count for the duration of one `review_card` call. So a preview and the real review of the same card
at the same instant draw the same number and the interval on a rating button is the one that gets
saved. Context variables are per thread (and per asyncio task): concurrent requests never share a
seed, and no lock is needed. Outside `schedule()` the library draws from the module RNG as before.
"""

import random
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import fsrs
import fsrs.scheduler
from django.utils.translation import gettext, ngettext

from quiz.models import MAX_RETENTION, MIN_RETENTION, Card, Rating, State

_fuzz_rng: ContextVar[random.Random | None] = ContextVar("fsrs_fuzz_rng", default=None)


def _fuzz_random() -> float:
    """Stand-in for `random.random` inside fsrs.scheduler: the seeded per-review RNG when one is set."""
    rng = _fuzz_rng.get()
    return rng.random() if rng is not None else random.random()


fsrs.scheduler.random = _fuzz_random


@dataclass(frozen=True)
class Outcome:
    """A card's FSRS state after one rating, and the interval until it is due again."""

    state: int
    step: int | None
    stability: float
    difficulty: float
    due: datetime
    last_review: datetime
    interval: timedelta


@lru_cache(maxsize=32)
def scheduler_for(desired_retention: float) -> fsrs.Scheduler:
    """An FSRS scheduler with default weights and steps; py-fsrs does not validate retention, so we do."""
    if not MIN_RETENTION <= desired_retention <= MAX_RETENTION:
        raise ValueError(f"desired retention {desired_retention} is outside {MIN_RETENTION}-{MAX_RETENTION}")
    return fsrs.Scheduler(desired_retention=desired_retention, enable_fuzzing=True)


def fuzz_seed(card: Card) -> str:
    """Same card and same review count give the same fuzz; undo restores the count, so also the fuzz."""
    return f"{card.pk}:{card.reps}"


def to_fsrs(card: Card, *, at: datetime) -> fsrs.Card:
    if card.state == State.NEW:
        return fsrs.Card(card_id=card.pk, due=at)
    return fsrs.Card(
        card_id=card.pk,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due.astimezone(UTC),
        last_review=card.last_review.astimezone(UTC),
    )


def schedule(*, card: Card, rating: int, at: datetime, desired_retention: float) -> Outcome:
    """What FSRS makes of `card` rated `rating` at `at`; deterministic for a given card, review count and time."""
    at = at.astimezone(UTC)
    token = _fuzz_rng.set(random.Random(fuzz_seed(card)))
    try:
        after, _log = scheduler_for(desired_retention).review_card(
            to_fsrs(card, at=at), fsrs.Rating(rating), review_datetime=at
        )
    finally:
        _fuzz_rng.reset(token)
    return Outcome(
        state=int(after.state),
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=after.due,
        last_review=after.last_review,
        interval=after.due - at,
    )


def preview(*, card: Card, at: datetime, desired_retention: float) -> dict[int, timedelta]:
    """The interval each rating would schedule, exactly as `schedule` would save it."""
    return {
        rating: schedule(card=card, rating=rating, at=at, desired_retention=desired_retention).interval
        for rating in Rating.values
    }


def interval_label(interval: timedelta) -> str:
    """A short label for a rating button: minutes, hours, whole days (as saved), years past a year."""
    seconds = interval.total_seconds()
    if seconds < 60:
        return gettext("<1 min")
    if seconds < 3600:
        minutes = round(seconds / 60, 1)
        return gettext("%(minutes)s min") % {"minutes": f"{minutes:g}"}
    if seconds < 86400:
        hours = round(seconds / 3600, 1)
        return gettext("%(hours)s h") % {"hours": f"{hours:g}"}
    days = interval.days
    if days < 365:
        return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
    return gettext("%(years)s yr") % {"years": f"{days / 365:.1f}"}
