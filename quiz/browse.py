"""Reads for the card browser, a card's forgetting curve, and the exports (review log CSV, parameters JSON)."""

import csv
from datetime import datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Q

from quiz import charts
from quiz.days import day_start, review_day
from quiz.fitting import latest_fit
from quiz.models import Card, Preferences, ReviewLog, State
from quiz.scheduling import DEFAULT_PARAMETERS, retrievability, scheduler_for
from quiz.services import interview_of

PAGE_SIZE = 50
STATE_KEYS = {"new": State.NEW, "learning": State.LEARNING, "review": State.REVIEW, "relearning": State.RELEARNING}
CSV_COLUMNS = ["card", "question", "reviewed_at", "rating", "state", "duration_ms", "scheduled_interval_days"]


def browse_cards(*, user: AbstractBaseUser, preferences: Preferences, filters: dict, now: datetime) -> Page:
    """One page of the user's cards matching the browser's filters (a count and a page query)."""
    day = review_day(now, zone=preferences.zone, day_start_hour=preferences.day_start_hour)
    cards = Card.objects.for_user(user).select_related("question__topic").order_by("question__number")
    if text := (filters.get("q") or "").strip():
        cards = cards.filter(
            Q(question__question_en__icontains=text) | Q(question__question_zh__icontains=text)
            | Q(question__slug__icontains=text)
        )
    if filters.get("topic"):
        cards = cards.filter(question__topic__slug=filters["topic"])
    if filters.get("state"):
        cards = cards.filter(state=STATE_KEYS[filters["state"]])
    due = filters.get("due")
    if due == "overdue":
        cards = cards.filter(due__lt=day.start)
    elif due == "today":
        cards = cards.filter(due__lt=day.end)
    elif due == "week":
        week_end = day_start(day.date + timedelta(days=7), zone=preferences.zone, day_start_hour=preferences.day_start_hour)
        cards = cards.filter(due__lt=week_end)
    flag = filters.get("flag")
    if flag == "leech":
        cards = cards.filter(is_leech=True)
    elif flag == "suspended":
        cards = cards.filter(suspended=True)
    elif flag == "buried":
        cards = cards.filter(buried_until__gt=day.date)
    return Paginator(cards, PAGE_SIZE).get_page(filters.get("page") or 1)


def forgetting_curve_for(*, card: Card, logs: list[ReviewLog], preferences: Preferences, now: datetime):
    """Retrievability over the card's life: after each review it decays with the stability that review set.

    The stability a review set is the next log's `stability_before`, or the card's own for the last one.
    """
    if card.last_review is None or card.stability is None:
        return None
    scheduler = scheduler_for(preferences.desired_retention, preferences.fsrs_parameters)
    starts = [log.reviewed_at for log in logs]
    stabilities = [log.stability_before for log in logs[1:]] + [card.stability]
    interview = interview_of(preferences)
    end = max(now, card.due or now) + timedelta(days=3)
    if interview and interview.at > end:
        end = interview.at + timedelta(days=1)
    segments = []
    for index, (start, stability) in enumerate(zip(starts, stabilities, strict=True)):
        if stability is None:
            continue
        stop = starts[index + 1] if index + 1 < len(starts) else end
        segments.append((start, stop, stability))

    def recall(start, stability, moment):
        return retrievability(scheduler, stability=stability, last_review=start, at=moment)

    return charts.forgetting_curve(
        segments, recall=recall, first=starts[0] if starts else card.last_review, end=end, now=now, due=card.due,
        interview=interview.at if interview else None, target=preferences.desired_retention,
        reviews=[(log.reviewed_at, log.rating) for log in logs],
    )


def review_log_csv(*, user: AbstractBaseUser):
    """Rows of the user's review log as CSV text, header first, oldest review first (streamed in chunks)."""

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    yield writer.writerow(CSV_COLUMNS)
    rows = (
        ReviewLog.objects.filter(user=user).order_by("reviewed_at", "pk")
        .values_list("card_id", "card__question__slug", "reviewed_at", "rating", "state_before", "duration_ms",
                     "scheduled_interval")
    )
    for card_id, slug, reviewed_at, rating, state, duration, interval in rows.iterator(chunk_size=2000):
        yield writer.writerow([
            card_id, slug, reviewed_at.isoformat(), rating, State(state).name.lower(),
            "" if duration is None else duration, f"{interval.total_seconds() / 86400:.4f}",
        ])


def parameters_export(*, user: AbstractBaseUser, preferences: Preferences) -> dict:
    fit = latest_fit(user=user)
    return {
        "algorithm": "FSRS-6",
        "parameters": list(preferences.fsrs_parameters or DEFAULT_PARAMETERS),
        "personal": preferences.fsrs_parameters is not None,
        "desired_retention": preferences.desired_retention,
        "optimal_retention": preferences.optimal_retention,
        "latest_fit": None if fit is None else {
            "fitted_at": fit.fitted_at.isoformat(),
            "reviews": fit.review_count,
            "training_items": fit.item_count,
            "parameters": fit.parameters,
            "log_loss": fit.log_loss,
            "rmse_bins": fit.rmse,
            "default_log_loss": fit.default_log_loss,
            "default_rmse_bins": fit.default_rmse,
            "used": fit.used,
        },
    }
