"""Writes for accounts, decks and reviews. Each is one transaction; views call these and nothing else writes."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from kbase.models import Question, Topic
from quiz.days import review_date
from quiz.models import Card, Preferences, Rating, ReviewLog, State
from quiz.scheduling import Interview, plan_for_interview, schedule, scheduler_for, to_fsrs

# A rating form says when its card was shown; older than this and we schedule from the
# time of the rating instead (the previews on a page left open that long are stale anyway).
MAX_ANSWER_TIME = timedelta(hours=1)


@dataclass(frozen=True)
class ReviewResult:
    recorded: bool
    card: Card
    log: ReviewLog | None


def account_create(*, username: str, password: str, language: str, time_zone: str, email: str = "") -> AbstractBaseUser:
    """Create a learner and their preferences; the email (optional) is what password resets are sent to."""
    with transaction.atomic():
        user = get_user_model().objects.create_user(username=username, password=password, email=email)
        Preferences.objects.create(user=user, language=language, time_zone=time_zone)
    return user


def preferences_ensure(*, user: AbstractBaseUser) -> Preferences:
    """The user's preferences, created with defaults for accounts made outside sign-up (e.g. createsuperuser)."""
    return Preferences.objects.get_or_create(user=user)[0]


def deck_add_questions(*, user: AbstractBaseUser, questions: QuerySet[Question]) -> int:
    """Add a New card for each published question not yet in the user's deck; returns how many were added."""
    with transaction.atomic():
        wanted = set(questions.filter(is_published=True).values_list("pk", flat=True))
        wanted -= set(Card.objects.filter(user=user, question__in=wanted).values_list("question_id", flat=True))
        # ignore_conflicts: a concurrent add of the same question loses quietly to the unique constraint.
        Card.objects.bulk_create(
            [Card(user=user, question_id=question_id) for question_id in sorted(wanted)],
            ignore_conflicts=True,
            batch_size=500,
        )
        if wanted:
            _stats_changed(user)
    return len(wanted)


def deck_add_topic(*, user: AbstractBaseUser, topic: Topic) -> int:
    return deck_add_questions(user=user, questions=Question.objects.filter(topic=topic))


def deck_add_all(*, user: AbstractBaseUser) -> int:
    return deck_add_questions(user=user, questions=Question.objects.all())


def question_rate(*, user: AbstractBaseUser, question: Question, rating: int, now: datetime | None = None) -> Card:
    """Rate a question from its page: its card joins the deck if needed, then FSRS schedules the rating."""
    with transaction.atomic():
        card, _created = Card.objects.get_or_create(user=user, question=question)
        result = review_record(user=user, card_id=card.pk, rating=rating, version=card.version, now=now)
    return result.card


def deck_remove_questions(*, user: AbstractBaseUser, questions: QuerySet[Question]) -> int:
    """Take the user's cards for these questions out of the deck (with their review history); returns how many."""
    with transaction.atomic():
        cards = Card.objects.filter(user=user, question__in=questions)
        removed = cards.count()
        cards.delete()
        if removed:
            _stats_changed(user)
    return removed


def deck_remove_topic(*, user: AbstractBaseUser, topic: Topic) -> int:
    return deck_remove_questions(user=user, questions=Question.objects.filter(topic=topic))


def _review_instant(card: Card, *, shown_at: datetime | None, now: datetime) -> datetime:
    """When the review happened: the moment the card (and its previews) were shown, if plausible."""
    if shown_at is None or not (now - MAX_ANSWER_TIME <= shown_at <= now):
        return now
    if card.last_review is not None and shown_at < card.last_review:
        return now
    return shown_at


def review_record(
    *,
    user: AbstractBaseUser,
    card_id: int,
    rating: int,
    version: int,
    shown_at: datetime | None = None,
    now: datetime | None = None,
    preferences: Preferences | None = None,
) -> ReviewResult:
    """Rate one of the user's cards, scheduled by FSRS at the moment it was shown.

    `version` is the card version the rating form was rendered with: if the card has changed since
    (a double click, a retried request, another tab, an undo), nothing is recorded.
    Pass the user's `preferences` if already loaded. Raises Card.DoesNotExist if the card is not the user's.
    """
    now = (now or timezone.now()).astimezone(UTC)
    rating = Rating(rating)
    with transaction.atomic():
        card = Card.objects.select_for_update().get(pk=card_id, user=user)
        if card.version != version:
            return ReviewResult(recorded=False, card=card, log=None)
        preferences = preferences or preferences_ensure(user=user)
        at = _review_instant(card, shown_at=shown_at, now=now)
        outcome = schedule(
            card=card, rating=rating, at=at, desired_retention=preferences.desired_retention,
            parameters=preferences.fsrs_parameters, interview=interview_of(preferences),
        )
        log = ReviewLog(
            user=user,
            card=card,
            rating=rating,
            reviewed_at=at,
            day=review_date(at, zone=preferences.zone, day_start_hour=preferences.day_start_hour),
            duration_ms=int((now - at).total_seconds() * 1000) if at != now else None,
            scheduled_interval=outcome.interval,
            state_before=card.state,
            step_before=card.step,
            stability_before=card.stability,
            difficulty_before=card.difficulty,
            due_before=card.due,
            last_review_before=card.last_review,
            lapses_before=card.lapses,
        )
        if card.state == State.REVIEW and rating == Rating.AGAIN:
            card.lapses += 1
            if card.lapses >= preferences.leech_threshold and not card.is_leech:
                card.is_leech = card.suspended = log.made_leech = True
        card.state = outcome.state
        card.step = outcome.step
        card.stability = outcome.stability
        card.difficulty = outcome.difficulty
        card.due = outcome.due
        card.last_review = outcome.last_review
        card.reps += 1
        card.version += 1
        card.save()
        log.save()
        _stats_changed(user)
    return ReviewResult(recorded=True, card=card, log=log)


def review_undo(*, user: AbstractBaseUser, log_id: int) -> Card | None:
    """Undo the user's latest rating if it is `log_id`: restore the card exactly and delete the log.

    Returns the restored card, or None when `log_id` is not the latest rating (already undone,
    superseded, or someone else's), in which case nothing changes.
    """
    with transaction.atomic():
        log = ReviewLog.objects.filter(user=user).order_by("-pk").first()
        if log is None or log.pk != log_id:
            return None
        card = Card.objects.select_for_update().get(pk=log.card_id)
        card.state = log.state_before
        card.step = log.step_before
        card.stability = log.stability_before
        card.difficulty = log.difficulty_before
        card.due = log.due_before
        card.last_review = log.last_review_before
        card.lapses = log.lapses_before
        if log.made_leech:
            card.is_leech = card.suspended = False
        card.reps -= 1
        card.version += 1
        card.save()
        log.delete()
        _stats_changed(user)
    return card


def interview_of(preferences: Preferences) -> Interview | None:
    """The learner's interview as the scheduler plans toward it, or None without a date."""
    return Interview.of(preferences.interview_date, zone=preferences.zone, day_start_hour=preferences.day_start_hour)


def preferences_saved(*, user: AbstractBaseUser) -> int:
    """After the settings change: plan cards toward a (new) interview date and refresh the dashboard."""
    moved = interview_plan_apply(user=user)
    _stats_changed(user)
    return moved


def _stats_changed(user: AbstractBaseUser) -> None:
    """Invalidate the learner's cached dashboard figures (their key holds this version)."""
    Preferences.objects.filter(user=user).update(stats_version=F("stats_version") + 1)


def card_suspend(*, user: AbstractBaseUser, card_id: int, suspended: bool) -> Card:
    """Suspend or unsuspend one of the user's cards; unsuspending a leech keeps its tag. Raises Card.DoesNotExist."""
    with transaction.atomic():
        card = Card.objects.select_for_update().get(pk=card_id, user=user)
        card.suspended = suspended
        card.version += 1
        card.save(update_fields=["suspended", "version"])
        _stats_changed(user)
    return card


def card_bury(*, user: AbstractBaseUser, card_id: int, now: datetime | None = None) -> Card:
    """Hide one of the user's cards until their next review day. Raises Card.DoesNotExist."""
    now = now or timezone.now()
    with transaction.atomic():
        card = Card.objects.select_for_update().get(pk=card_id, user=user)
        preferences = preferences_ensure(user=user)
        today = review_date(now, zone=preferences.zone, day_start_hour=preferences.day_start_hour)
        card.buried_until = today + timedelta(days=1)
        card.version += 1
        card.save(update_fields=["buried_until", "version"])
        _stats_changed(user)
    return card


def interview_plan_apply(*, user: AbstractBaseUser, now: datetime | None = None) -> int:
    """Bring forward the user's Review cards already due after their interview that are at risk on the day.

    Each gets the due date a review now would give it (`plan_for_interview`), so a date set after
    cards were scheduled still reaches them. Returns how many cards moved.
    """
    now = (now or timezone.now()).astimezone(UTC)
    with transaction.atomic():
        preferences = preferences_ensure(user=user)
        interview = interview_of(preferences)
        if interview is None or interview.at <= now:
            return 0
        scheduler = scheduler_for(preferences.desired_retention, preferences.fsrs_parameters)
        moved = []
        for card in Card.objects.select_for_update().filter(user=user, state=State.REVIEW, due__gt=interview.at):
            due = plan_for_interview(to_fsrs(card, at=now), at=now, scheduler=scheduler, interview=interview)
            if due != card.due:
                card.due = due
                card.version += 1
                moved.append(card)
        Card.objects.bulk_update(moved, ["due", "version"], batch_size=500)
        if moved:
            _stats_changed(user)
    return len(moved)
