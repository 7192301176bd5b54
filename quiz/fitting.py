"""Personal FSRS-6 parameters fitted to a learner's own review logs with fsrs-rs-python 0.9.3.

Training data follows the library's examples/train_csv.py: a card's reviews in time order, each
`FSRSReview(rating, delta_t)` with delta_t in whole review days since the card's previous review,
and one `FSRSItem` per review that falls on a later day than the previous one (its history up to and
including it). Our logs already carry the learner's review day, so day boundaries match the queue's.

The library's own minimum: `FSRS.compute_parameters` returns its DEFAULT_PARAMETERS unchanged when
fewer than 8 training items remain after its filtering (`if train_set.len() < 8` in fsrs-rs
src/training.rs), and below 64 it only re-estimates the four initial stabilities. We do not fit
below MIN_TRAINING_ITEMS = 8 and keep the defaults.

A fit is used only if `FSRS.evaluate` on the same reviews gives it a lower log loss than the
defaults; both figures are stored with the fit.
"""

import time
from dataclasses import dataclass
from datetime import datetime

import fsrs_rs_python
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from quiz.models import FsrsFit, Preferences, ReviewLog

MIN_TRAINING_ITEMS = 8
REFIT_AFTER_REVIEWS = 200


@dataclass(frozen=True)
class TrainingSet:
    items: list
    review_count: int


def training_set(*, user: AbstractBaseUser) -> TrainingSet:
    """The user's logs as fsrs-rs training items (one query, ordered by card then time)."""
    rows = ReviewLog.objects.filter(user=user).order_by("card_id", "reviewed_at", "pk").values_list("card_id", "day", "rating")
    items = []
    count = 0
    card = None
    history: list = []
    last_day = None
    for card_id, day, rating in rows.iterator(chunk_size=5000):
        count += 1
        if card_id != card:
            card, history, last_day = card_id, [], day
        delta = (day - last_day).days
        history.append(fsrs_rs_python.FSRSReview(rating, delta))
        if delta > 0:
            items.append(fsrs_rs_python.FSRSItem(list(history)))
        last_day = day
    return TrainingSet(items=items, review_count=count)


def within_py_fsrs_bounds(parameters) -> list[float]:
    """The fit clamped to the bounds py-fsrs's Scheduler enforces (fsrs/scheduler.py `_validate_parameters`).

    fsrs-rs clips to the same bounds in float32, which can land a hair outside them in float64
    (0.8 becomes 0.800000011920929) and would make `fsrs.Scheduler` refuse the whole set.
    """
    return [
        min(max(value, lower), upper)
        for value, lower, upper in zip(parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    ]


def fit_parameters(items: list) -> tuple[list[float], float, float, float, float]:
    """Fit on `items`; returns (parameters, log loss, rmse, default log loss, default rmse)."""
    fitted = within_py_fsrs_bounds(fsrs_rs_python.FSRS(fsrs_rs_python.DEFAULT_PARAMETERS).compute_parameters(items))
    mine = fsrs_rs_python.FSRS(fitted).evaluate(items)
    default = fsrs_rs_python.FSRS(fsrs_rs_python.DEFAULT_PARAMETERS).evaluate(items)
    return fitted, mine.log_loss, mine.rmse_bins, default.log_loss, default.rmse_bins


def fsrs_fit(*, user: AbstractBaseUser, now: datetime | None = None) -> FsrsFit | None:
    """Fit the user's parameters and adopt them if they beat the defaults; None below the library's minimum.

    Slow (about 2 s for 100,000 logs): run it from `manage.py fit_fsrs`, never inside a request.
    """
    started = time.perf_counter()
    data = training_set(user=user)
    if len(data.items) < MIN_TRAINING_ITEMS:
        return None
    parameters, log_loss, rmse, default_log_loss, default_rmse = fit_parameters(data.items)
    used = log_loss < default_log_loss
    with transaction.atomic():
        fit = FsrsFit.objects.create(
            user=user, fitted_at=now or timezone.now(), review_count=data.review_count, item_count=len(data.items),
            parameters=parameters, log_loss=log_loss, rmse=rmse, default_log_loss=default_log_loss,
            default_rmse=default_rmse, used=used, seconds=time.perf_counter() - started,
        )
        Preferences.objects.filter(user=user).update(
            fsrs_parameters=parameters if used else None, stats_version=F("stats_version") + 1
        )
    return fit


def latest_fit(*, user: AbstractBaseUser) -> FsrsFit | None:
    return FsrsFit.objects.filter(user=user).order_by("-fitted_at", "-pk").first()


def needs_fit(*, user: AbstractBaseUser, review_count: int) -> bool:
    """True when the user has never been fitted, or has REFIT_AFTER_REVIEWS more reviews than the last fit read."""
    fit = latest_fit(user=user)
    return fit is None or review_count - fit.review_count >= REFIT_AFTER_REVIEWS
