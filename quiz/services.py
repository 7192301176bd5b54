"""Writes for accounts, decks and reviews. Each is one transaction; views call these and nothing else writes."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from kbase.models import Question, Topic
from quiz import generators, rows
from quiz.days import review_date
from quiz.grading import CHOICE, NUMBER, is_correct, parse_number
from quiz.models import Answer, Attempt, AttemptItem, Card, GeneratedMode, Preferences, QuizSet, Rating, ReviewLog, State
from quiz.quizzes import QuizSpec, answer_type, plan
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
    # Read on every review request and rating: plain SQL, as the ORM's get would build it (~0.3 ms less).
    return rows.get(Preferences, "user_id = %s", [user.pk]) or Preferences.objects.get_or_create(user=user)[0]


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


def question_rate(
    *, user: AbstractBaseUser, question: Question, rating: int, version: int | None, now: datetime | None = None
) -> ReviewResult:
    """Rate a question from its page: its card joins the deck if needed, then FSRS schedules the rating.

    `version` is the card version the page showed (None: the question was not in the deck, as a card
    that joins it has version 0). If the card has been rated or undone since, nothing is recorded: the
    same rating sent twice (a double click, a request a proxy retried) counts once.
    """
    with transaction.atomic():
        card, _created = Card.objects.get_or_create(user=user, question=question)
        return review_record(user=user, card_id=card.pk, rating=rating, version=0 if version is None else version,
                             now=now)


def deck_remove_questions(*, user: AbstractBaseUser, questions: QuerySet[Question]) -> int:
    """Take the user's cards for these questions out of the deck (with their review history); returns how many."""
    with transaction.atomic():
        cards = Card.objects.filter(user=user, question__in=questions)
        removed = cards.count()
        cards.delete()
        if removed:
            _stats_changed(user, logs=True)
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


# What a rating changes on a card.
RATED_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses", "is_leech",
                "suspended", "version")


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
        # The card read, its update and the log's insert are plain SQL (quiz.rows): the ORM's save() spent
        # more time building its statements than the database spent running them.
        card = rows.get(Card, "id = %s AND user_id = %s", [card_id, user.pk], for_update=True) if rows.is_id(card_id) else None
        if card is None:
            raise Card.DoesNotExist("No such card.")
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
        rows.update(card, RATED_FIELDS)
        rows.insert(log)
        # No stats-version bump here: today's latest log id is part of the dashboard's cache key and
        # its deck snapshot re-reads the cards rated since it was taken, which saves every rating a
        # write to the preferences row. Only a rating that falls on an earlier review day than the
        # current one (shown before the day started) changes a past day's history. The clock is read after
        # the writes, so a dashboard that began its day before this commit is at most the commit's own
        # duration late (below a millisecond) to learn of it.
        today = review_date(max(now, timezone.now()), zone=preferences.zone, day_start_hour=preferences.day_start_hour)
        if log.day < today:
            _stats_changed(user, logs=True)
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
        preferences = preferences_ensure(user=user)
        today = review_date(timezone.now(), zone=preferences.zone, day_start_hour=preferences.day_start_hour)
        _stats_changed(user, logs=log.day < today)
    return card


def interview_of(preferences: Preferences) -> Interview | None:
    """The learner's interview as the scheduler plans toward it, or None without a date."""
    return Interview.of(preferences.interview_date, zone=preferences.zone, day_start_hour=preferences.day_start_hour)


def preferences_saved(*, user: AbstractBaseUser) -> int:
    """After the settings change: plan cards toward a (new) interview date and refresh the dashboard."""
    moved = interview_plan_apply(user=user)
    _stats_changed(user)
    return moved


def _stats_changed(user: AbstractBaseUser, *, logs: bool = False) -> None:
    """Invalidate the learner's cached dashboard figures (their keys hold these versions).

    Every write that changes cards or logs calls this, except a rating of today: the dashboard key
    also holds today's latest review log id, which a rating always raises (ids are never reused).
    `logs`: a log of a past review day was written or deleted, so the cached history of past days goes too.
    """
    stats_invalidate(user_ids=[user.pk], logs=logs)


def stats_invalidate(*, user_ids, logs: bool = True) -> None:
    """Bump the stats version (and with `logs` the log generation) of these users: for writes outside the
    services, such as deleting cards or logs in the admin."""
    bumps = {"stats_version": F("stats_version") + 1}
    if logs:
        bumps["log_generation"] = F("log_generation") + 1
    Preferences.objects.filter(user_id__in=list(user_ids)).update(**bumps)


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


# --- timed quizzes -----------------------------------------------------------------------------


class QuizError(Exception):
    """A quiz cannot be started or answered; the message is shown to the learner."""


class NoQuestions(QuizError):
    pass


class BadAnswer(QuizError):
    pass


class AnswerStatus:
    RECORDED = "recorded"
    DUPLICATE = "duplicate"
    EXPIRED = "expired"
    FINISHED = "finished"


@dataclass(frozen=True)
class AnswerOutcome:
    status: str
    attempt: Attempt
    answer: Answer | None = None


def _new_seed() -> int:
    return secrets.randbelow(generators.MAX_SEED + 1)


def quiz_set_create(
    *, owner: AbstractBaseUser, name: str, spec: QuizSpec, time_limit_minutes: int, generated_mode: str,
    seed: int | None = None,
) -> QuizSet:
    """Save a named quiz whose link anyone signed in can take."""
    with transaction.atomic():
        quiz_set = QuizSet.objects.create(
            owner=owner, name=name, token=secrets.token_urlsafe(9), seed=_new_seed() if seed is None else seed,
            generated_mode=generated_mode, count=spec.count, time_limit_minutes=time_limit_minutes,
            difficulty_min=spec.difficulty_min, difficulty_max=spec.difficulty_max, mix=spec.mix,
        )
        quiz_set.topics.set(spec.topics)
    return quiz_set


def spec_of(config) -> QuizSpec:
    """The QuizSpec of a saved QuizSet or Attempt."""
    return QuizSpec(topics=tuple(config.topics.all()), count=config.count, difficulty_min=config.difficulty_min,
                    difficulty_max=config.difficulty_max, mix=config.mix)


def attempt_start(
    *, user: AbstractBaseUser, spec: QuizSpec | None = None, time_limit_minutes: int | None = None,
    quiz_set: QuizSet | None = None, seed: int | None = None, now: datetime | None = None,
) -> Attempt:
    """Start a timed attempt, ad hoc (`spec` and `time_limit_minutes`) or of a shared `quiz_set`.

    The deadline is fixed here, on the server, and never moves. Raises NoQuestions when nothing matches.
    """
    now = now or timezone.now()
    seed = _new_seed() if seed is None else seed
    if quiz_set is not None:
        spec = spec_of(quiz_set)
        time_limit_minutes = quiz_set.time_limit_minutes
        selection_seed = quiz_set.seed
        generation_seed = quiz_set.seed if quiz_set.generated_mode == GeneratedMode.FIXED else seed
    else:
        selection_seed = generation_seed = seed
    planned = plan(spec, selection_seed=selection_seed, generation_seed=generation_seed, shuffle_seed=seed)
    if not planned:
        raise NoQuestions(gettext("No questions match these topics and difficulties; choose more."))
    with transaction.atomic():
        attempt = Attempt.objects.create(
            user=user, quiz_set=quiz_set, seed=seed, started_at=now,
            deadline=now + timedelta(minutes=time_limit_minutes), total=len(planned),
            count=spec.count, time_limit_minutes=time_limit_minutes, difficulty_min=spec.difficulty_min,
            difficulty_max=spec.difficulty_max, mix=spec.mix,
        )
        attempt.topics.set(spec.topics)
        AttemptItem.objects.bulk_create([AttemptItem(attempt=attempt, **item.fields) for item in planned])
    return attempt


def attempt_answer(
    *, user: AbstractBaseUser, attempt_id: int, position: int, value: str, now: datetime | None = None
) -> AnswerOutcome:
    """Record the one answer to an item; a repeat changes nothing, and after the deadline nothing is taken.

    Raises Attempt.DoesNotExist / AttemptItem.DoesNotExist for someone else's attempt or a missing
    item, and BadAnswer for a value that is not a number or not one of the options.
    """
    now = now or timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt_id, user=user)
        if attempt.is_finished:
            return AnswerOutcome(AnswerStatus.FINISHED, attempt)
        if now >= attempt.deadline:
            return AnswerOutcome(AnswerStatus.EXPIRED, attempt_finish(attempt=attempt, now=now))
        item = AttemptItem.objects.get(attempt=attempt, position=position)
        existing = Answer.objects.filter(item=item).first()
        if existing is not None:
            return AnswerOutcome(AnswerStatus.DUPLICATE, attempt, existing)
        value = value.strip()
        kind = answer_type(item)
        if kind == NUMBER and parse_number(value) is None:
            raise BadAnswer(gettext("Enter a number."))
        if kind == CHOICE and value not in {option["value"] for option in item.options}:
            raise BadAnswer(gettext("Choose one of the options."))
        correct = is_correct(answer_type=kind, correct=item.correct_answer, value=value, tolerance=item.tolerance)
        try:
            with transaction.atomic():
                answer = Answer.objects.create(item=item, value=value, is_correct=correct, answered_at=now)
        except IntegrityError:
            return AnswerOutcome(AnswerStatus.DUPLICATE, attempt, Answer.objects.get(item=item))
    return AnswerOutcome(AnswerStatus.RECORDED, attempt, answer)


def attempt_flag(*, user: AbstractBaseUser, attempt_id: int, position: int, flagged: bool) -> AttemptItem:
    """Mark an item to come back to (or clear the mark); raises DoesNotExist like attempt_answer."""
    item = AttemptItem.objects.get(attempt__pk=attempt_id, attempt__user=user, position=position)
    if item.flagged != flagged:
        item.flagged = flagged
        item.save(update_fields=["flagged"])
    return item


def attempt_finish(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Finish an attempt once: score it (unanswered items are wrong) and hand the results to review.

    An attempt finished after its deadline is recorded as finished at the deadline. Repeating the
    call changes nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.is_finished:
            return attempt
        correct_by_item = dict(Answer.objects.filter(item__attempt=attempt).values_list("item_id", "is_correct"))
        attempt.finished_at = min(now, attempt.deadline)
        attempt.score = sum(1 for correct in correct_by_item.values() if correct)
        attempt.save(update_fields=["finished_at", "score"])
        _feed_review(attempt=attempt, correct_by_item=correct_by_item, now=now)
    return attempt


def attempt_expire_if_due(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Finish the attempt if its time has run out; the server's clock decides, never the browser's."""
    now = now or timezone.now()
    if not attempt.is_finished and now >= attempt.deadline:
        return attempt_finish(attempt=attempt, now=now)
    return attempt


def attempts_expire_due(*, user: AbstractBaseUser, now: datetime | None = None) -> int:
    """Finish every attempt of the user whose time ran out (one query when there are none); returns how many."""
    now = now or timezone.now()
    due = list(Attempt.objects.filter(user=user, finished_at__isnull=True, deadline__lte=now))
    for attempt in due:
        attempt_finish(attempt=attempt, now=now)
    return len(due)


def _feed_review(*, attempt: Attempt, correct_by_item: dict[int, bool], now: datetime) -> None:
    """Rate each multiple-choice question's card: Good if answered correctly, Again otherwise.

    Goes through `review_record`, the review page's own service. A question not yet in the deck is
    added first; generated items have no card and are skipped.
    """
    preferences = preferences_ensure(user=attempt.user)
    if not preferences.quiz_feeds_review:
        return
    items = list(attempt.items.filter(question__isnull=False).values_list("pk", "question_id"))
    if not items:
        return
    question_ids = [question_id for _, question_id in items]
    deck_add_questions(user=attempt.user, questions=Question.objects.filter(pk__in=question_ids))
    cards = {card.question_id: card for card in Card.objects.filter(user=attempt.user, question_id__in=question_ids)}
    for item_id, question_id in items:
        card = cards.get(question_id)
        if card is None:  # unpublished since the attempt started
            continue
        rating = Rating.GOOD if correct_by_item.get(item_id) else Rating.AGAIN
        review_record(user=attempt.user, card_id=card.pk, rating=rating, version=card.version, now=now,
                      preferences=preferences)
