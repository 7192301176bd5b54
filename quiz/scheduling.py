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

Interview planning. With an interview ahead, a Review interval that would jump past the interview
while the card's predicted recall on the day (FSRS retrievability at the interview time, computed by
`Scheduler.get_card_retrievability`) is below the desired retention is cut short: the card is due
on the latest review day before the interview on which a review still lifts that recall (a Good
review on that day, replayed through `Scheduler.review_card`), at the latest the day before. The
cut happens inside `schedule`, so a rating button's preview shows it and it is what gets saved.
"""

import random
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import fsrs
import fsrs.scheduler
from django.utils.translation import gettext, ngettext

from quiz.days import day_start, review_date
from quiz.models import MAX_RETENTION, MIN_RETENTION, Card, Rating, State

DEFAULT_PARAMETERS = tuple(fsrs.Scheduler().parameters)

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


@dataclass(frozen=True)
class Interview:
    """The learner's interview: its instant (the start of their review day on the date) and their day boundaries."""

    date: date
    at: datetime
    zone: ZoneInfo
    day_start_hour: int

    @classmethod
    def of(cls, interview_date: date | None, *, zone: ZoneInfo, day_start_hour: int) -> "Interview | None":
        if interview_date is None:
            return None
        at = day_start(interview_date, zone=zone, day_start_hour=day_start_hour)
        return cls(date=interview_date, at=at, zone=zone, day_start_hour=day_start_hour)


@lru_cache(maxsize=256)
def _scheduler(desired_retention: float, parameters: tuple[float, ...]) -> fsrs.Scheduler:
    return fsrs.Scheduler(parameters=parameters, desired_retention=desired_retention, enable_fuzzing=True)


def scheduler_for(desired_retention: float, parameters=None) -> fsrs.Scheduler:
    """An FSRS scheduler with the learner's weights (default ones if None) and default steps.

    py-fsrs does not validate retention, so we do.
    """
    if not MIN_RETENTION <= desired_retention <= MAX_RETENTION:
        raise ValueError(f"desired retention {desired_retention} is outside {MIN_RETENTION}-{MAX_RETENTION}")
    return _scheduler(desired_retention, tuple(parameters) if parameters else DEFAULT_PARAMETERS)


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


def retrievability(scheduler: fsrs.Scheduler, *, stability: float, last_review: datetime, at: datetime) -> float:
    """FSRS's predicted recall at `at` of a card with this stability and last review.

    The same sum as `Scheduler.get_card_retrievability` in fsrs/scheduler.py (whole elapsed days,
    power forgetting curve with the scheduler's decay), without building a Card: the dashboard runs
    it for every card in the deck.
    """
    elapsed_days = max(0, (at - last_review).days)
    return (1 + scheduler._FACTOR * elapsed_days / stability) ** scheduler._DECAY


def plan_for_interview(
    after: fsrs.Card, *, at: datetime, scheduler: fsrs.Scheduler, interview: Interview
) -> datetime:
    """When `after` (just reviewed at `at`) should be due so that it is fresh for the interview; see the module doc."""
    if not (at < interview.at < after.due) or after.stability is None:
        return after.due
    recall = scheduler.get_card_retrievability(after, current_datetime=interview.at)
    if recall >= scheduler.desired_retention:
        return after.due
    today = review_date(at, zone=interview.zone, day_start_hour=interview.day_start_hour)
    day = interview.date - timedelta(days=1)
    token = _fuzz_rng.set(random.Random(0))  # stability does not depend on fuzz; keep the draw off the module RNG
    try:
        while day > today:
            moment = day_start(day, zone=interview.zone, day_start_hour=interview.day_start_hour)
            reviewed, _log = scheduler.review_card(after, fsrs.Rating.Good, review_datetime=moment)
            if scheduler.get_card_retrievability(reviewed, current_datetime=interview.at) > recall:
                return moment
            day -= timedelta(days=1)
    finally:
        _fuzz_rng.reset(token)
    return after.due


def schedule(
    *,
    card: Card,
    rating: int,
    at: datetime,
    desired_retention: float,
    parameters=None,
    interview: Interview | None = None,
) -> Outcome:
    """What FSRS makes of `card` rated `rating` at `at`; deterministic for a given card, review count and time.

    `parameters` are the learner's FSRS weights (None for the defaults); with an `interview` ahead the
    due date is planned toward it (see the module doc).
    """
    at = at.astimezone(UTC)
    scheduler = scheduler_for(desired_retention, parameters)
    token = _fuzz_rng.set(random.Random(fuzz_seed(card)))
    try:
        after, _log = scheduler.review_card(to_fsrs(card, at=at), fsrs.Rating(rating), review_datetime=at)
    finally:
        _fuzz_rng.reset(token)
    due = after.due
    if interview is not None and after.state == fsrs.State.Review:
        due = plan_for_interview(after, at=at, scheduler=scheduler, interview=interview)
    return Outcome(
        state=int(after.state),
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=due,
        last_review=after.last_review,
        interval=due - at,
    )


def preview(
    *, card: Card, at: datetime, desired_retention: float, parameters=None, interview: Interview | None = None
) -> dict[int, timedelta]:
    """The interval each rating would schedule, exactly as `schedule` would save it."""
    return {
        rating: schedule(
            card=card, rating=rating, at=at, desired_retention=desired_retention, parameters=parameters,
            interview=interview,
        ).interval
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
