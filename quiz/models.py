from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kbase.models import Question, Topic, is_zh

MIN_RETENTION = 0.70
MAX_RETENTION = 0.97


class State(models.IntegerChoices):
    """A card's learning state: FSRS's three states plus New (never reviewed), which FSRS does not model."""

    NEW = 0, pgettext_lazy("card state", "New")
    LEARNING = 1, pgettext_lazy("card state", "Learning")
    REVIEW = 2, pgettext_lazy("card state", "Review")
    RELEARNING = 3, pgettext_lazy("card state", "Relearning")


INTRADAY_STATES = (State.LEARNING, State.RELEARNING)


class Rating(models.IntegerChoices):
    AGAIN = 1, _("Again")
    HARD = 2, _("Hard")
    GOOD = 3, _("Good")
    EASY = 4, _("Easy")


class Preferences(models.Model):
    """A learner's review settings: language, day boundaries, retention target and daily limits."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences")
    language = models.CharField(_("interface language"), max_length=10, choices=settings.LANGUAGES, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    day_start_hour = models.PositiveSmallIntegerField(
        _("new day starts at"), default=4, help_text=_("Hour of the day (0-23, local time) when a new review day begins.")
    )
    desired_retention = models.FloatField(
        _("desired retention"),
        default=0.9,
        help_text=_("Share of cards you want to recall when they come due (0.70-0.97). Higher means more reviews."),
    )
    new_per_day = models.PositiveIntegerField(_("new cards per day"), default=20)
    reviews_per_day = models.PositiveIntegerField(_("reviews per day"), default=200)
    interview_date = models.DateField(
        _("interview date"), null=True, blank=True,
        help_text=_("Reviews are planned so that your cards are fresh on this day. Leave empty to clear."),
    )
    follow_interview_pace = models.BooleanField(
        _("pace new cards to the interview"), default=True,
        help_text=_("With an interview date, new cards per day follow the pace needed to see every card in time."),
    )
    leech_threshold = models.PositiveSmallIntegerField(
        _("leech threshold"), default=8,
        help_text=_("A card that lapses this many times is tagged leech and suspended."),
    )
    # The FSRS-6 weights used for this learner: a fit that beat the defaults, or null for the defaults.
    fsrs_parameters = models.JSONField(null=True, blank=True, editable=False)
    # fsrs-rs's optimal_retention for this learner's deck and parameters, set by `manage.py fit_fsrs` (seconds to compute).
    optimal_retention = models.FloatField(null=True, blank=True, editable=False)
    # Bumped by every write that changes cards or logs but a rating: part of the dashboard's cache keys.
    stats_version = models.PositiveIntegerField(default=0, editable=False)
    # Bumped by every write that changes a log of a past review day (undo of yesterday's rating, deck
    # removal, an admin delete): the key of the dashboard's cached history of past days.
    log_generation = models.PositiveIntegerField(default=0, editable=False)
    quiz_feeds_review = models.BooleanField(
        _("quiz results feed review"),
        default=True,
        help_text=_("A correct quiz answer rates that question's card Good, a wrong one Again."),
    )

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")
        constraints = [
            models.CheckConstraint(condition=Q(day_start_hour__lte=23), name="preferences_day_start_hour_0_23"),
            models.CheckConstraint(
                condition=Q(desired_retention__gte=MIN_RETENTION, desired_retention__lte=MAX_RETENTION),
                name="preferences_retention_range",
            ),
            models.CheckConstraint(condition=Q(new_per_day__lte=9999), name="preferences_new_per_day_max"),
            models.CheckConstraint(condition=Q(reviews_per_day__lte=99999), name="preferences_reviews_per_day_max"),
            models.CheckConstraint(condition=Q(leech_threshold__gte=1), name="preferences_leech_threshold_min"),
        ]

    def __str__(self):
        return f"preferences of {self.user_id}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class CardQuerySet(models.QuerySet):
    def for_user(self, user):
        """The user's cards whose questions are still published (unpublished ones leave the queue).

        `NOT IN (unpublished question ids)` rather than a join on the flag: the subquery reads the small
        quiz_question_published index (usually no rows), where the join read every wide question row.
        """
        return self.filter(user=user).exclude(question_id__in=Question.objects.filter(is_published=False).values("pk"))

    def studying(self, today):
        """Cards that may be shown on review day `today`: not suspended and not buried past it."""
        return self.filter(suspended=False).exclude(buried_until__gt=today)

    # new, intraday_due_by and reviews_due_before are what the review queue picks from; quiz.queue.PICKS runs
    # them as plain SQL, and tests/quiz/test_queue.py checks that both pick the same card: change them together.
    def new(self):
        return self.filter(state=State.NEW).order_by("question__number")

    def intraday_due_by(self, moment):
        return self.filter(state__in=INTRADAY_STATES, due__lte=moment).order_by("due", "pk")

    def reviews_due_before(self, moment):
        return self.filter(state=State.REVIEW, due__lt=moment).order_by("due", "pk")


class Card(models.Model):
    """One learner's spaced-repetition card for one question, holding the FSRS memory state."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cards")
    # PROTECT: deleting a question must not silently erase learners' review history;
    # the content importer unpublishes removed questions instead of deleting them.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="cards")
    state = models.PositiveSmallIntegerField(_("state"), choices=State.choices, default=State.NEW)
    step = models.PositiveSmallIntegerField(_("learning step"), null=True, blank=True)
    stability = models.FloatField(_("stability"), null=True, blank=True)
    difficulty = models.FloatField(_("difficulty"), null=True, blank=True)
    due = models.DateTimeField(_("due"), null=True, blank=True)
    last_review = models.DateTimeField(_("last review"), null=True, blank=True)
    reps = models.PositiveIntegerField(_("reviews"), default=0)
    lapses = models.PositiveIntegerField(_("lapses"), default=0)
    is_leech = models.BooleanField(_("leech"), default=False)
    suspended = models.BooleanField(_("suspended"), default=False)
    buried_until = models.DateField(
        _("buried until"), null=True, blank=True, help_text=_("The review day on which a buried card comes back.")
    )
    # Bumped by every rating and every undo (never restored): a rating form carries the
    # version it was rendered with, so a repeated or stale submission changes nothing.
    version = models.PositiveIntegerField(default=0)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = CardQuerySet.as_manager()

    class Meta:
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="card_unique_user_question"),
            models.CheckConstraint(condition=Q(state__lte=3), name="card_state_valid"),
            models.CheckConstraint(
                condition=Q(state=State.NEW, due__isnull=True, last_review__isnull=True, reps=0)
                | Q(state__gt=State.NEW, due__isnull=False, last_review__isnull=False, reps__gt=0),
                name="card_new_iff_unreviewed",
            ),
        ]
        indexes = [models.Index(fields=["user", "state", "due"], name="card_user_state_due")]

    def __str__(self):
        return f"card {self.pk} ({self.user_id}, {self.question_id})"

    @property
    def is_new(self):
        return self.state == State.NEW


class ReviewLog(models.Model):
    """One rating of one card, with the card's state before it, so it can be undone exactly or replayed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs")
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="logs")
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    reviewed_at = models.DateTimeField(_("reviewed at"))
    day = models.DateField(_("review day"), help_text=_("The learner's local review day, after the day-start hour."))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    scheduled_interval = models.DurationField(_("scheduled interval"))
    state_before = models.PositiveSmallIntegerField(_("state before"), choices=State.choices)
    step_before = models.PositiveSmallIntegerField(null=True, blank=True)
    stability_before = models.FloatField(null=True, blank=True)
    difficulty_before = models.FloatField(null=True, blank=True)
    due_before = models.DateTimeField(null=True, blank=True)
    last_review_before = models.DateTimeField(null=True, blank=True)
    lapses_before = models.PositiveIntegerField(default=0)
    # True when this rating reached the leech threshold and suspended the card (undo lifts it).
    made_leech = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("review log")
        verbose_name_plural = _("review logs")
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=4), name="reviewlog_rating_1_4"),
            models.CheckConstraint(condition=Q(state_before__lte=3), name="reviewlog_state_before_valid"),
        ]
        # Covering index: today's counts and the streak's days read it without touching rows (the heatmap and
        # true retention read quiz.ReviewTally).
        indexes = [
            models.Index(fields=["user", "day", "state_before", "rating", "card"], name="reviewlog_user_day_cover"),
        ]

    def __str__(self):
        return f"review {self.pk} of card {self.card_id}"


class ReviewTally(models.Model):
    """Review logs counted per learner, review day and topic (the topic of the log's card's question).

    Kept by database triggers (migration 0006_review_tally), so every write to the logs counts: ratings,
    undo, deck removal, account deletion, the admin, raw SQL. The dashboard reads the heatmap's counts and
    true retention from these few rows instead of the year's logs. Only rows with reviews are kept.
    """

    # No single-column indexes: the unique (user, day, topic) index serves the user's rows, topics are rarely deleted.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField(_("review day"))
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+", db_index=False)
    reviews = models.PositiveIntegerField(_("reviews"))
    # True retention's counts: reviews of cards in the Review state, and of those the ones not rated Again.
    retention_total = models.PositiveIntegerField()
    retention_passed = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("review tally")
        verbose_name_plural = _("review tallies")
        constraints = [models.UniqueConstraint(fields=["user", "day", "topic"], name="reviewtally_unique_user_day_topic")]
        # Covering: a year of a learner's counts is read without touching the table's rows.
        indexes = [
            models.Index(fields=["user", "day", "topic", "reviews", "retention_total", "retention_passed"],
                         name="reviewtally_user_day_cover"),
        ]

    def __str__(self):
        return f"{self.reviews} reviews of topic {self.topic_id} by {self.user_id} on {self.day}"


class FsrsFit(models.Model):
    """One fit of a learner's FSRS-6 parameters to their review logs, with both models' losses on those logs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fsrs_fits")
    fitted_at = models.DateTimeField(_("fitted at"))
    review_count = models.PositiveIntegerField(_("reviews"), help_text=_("Review logs the fit read."))
    item_count = models.PositiveIntegerField(_("training items"))
    parameters = models.JSONField(_("parameters"))
    log_loss = models.FloatField(_("log loss"))
    rmse = models.FloatField(_("RMSE (bins)"))
    default_log_loss = models.FloatField(_("default log loss"))
    default_rmse = models.FloatField(_("default RMSE (bins)"))
    used = models.BooleanField(_("used"), help_text=_("The fit predicted the reviews better than the defaults."))
    seconds = models.FloatField(_("seconds"))

    class Meta:
        verbose_name = _("FSRS fit")
        verbose_name_plural = _("FSRS fits")
        indexes = [models.Index(fields=["user", "-fitted_at"], name="fsrsfit_user_latest")]

    def __str__(self):
        return f"fit {self.pk} of {self.user_id}"


class Mix(models.TextChoices):
    """Which kinds of question a quiz draws."""

    BOTH = "both", _("Multiple choice and simulator questions")
    CHOICES = "choices", _("Multiple choice only")
    GENERATED = "generated", _("Simulator questions only")


class GeneratedMode(models.TextChoices):
    """Whether everyone taking a shared set gets the same simulator numbers."""

    FIXED = "fixed", _("The same numbers for everyone")
    FRESH = "fresh", _("Fresh numbers for each attempt")


MIN_QUESTIONS, MAX_QUESTIONS = 5, 50
MIN_MINUTES, MAX_MINUTES = 1, 120


class QuizConfig(models.Model):
    """What a quiz draws from: topics (none means all), size, time limit, difficulty range and mix."""

    topics = models.ManyToManyField(Topic, blank=True, verbose_name=_("topics"), related_name="+")
    count = models.PositiveSmallIntegerField(_("questions"), default=10)
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes)"), default=10)
    difficulty_min = models.PositiveSmallIntegerField(_("easiest"), default=1)
    difficulty_max = models.PositiveSmallIntegerField(_("hardest"), default=3)
    mix = models.CharField(_("mix"), max_length=10, choices=Mix.choices, default=Mix.BOTH)

    class Meta:
        abstract = True

    @classmethod
    def range_constraints(cls, prefix):
        return [
            models.CheckConstraint(
                condition=Q(count__gte=MIN_QUESTIONS, count__lte=MAX_QUESTIONS), name=f"{prefix}_count_range"
            ),
            models.CheckConstraint(
                condition=Q(time_limit_minutes__gte=MIN_MINUTES, time_limit_minutes__lte=MAX_MINUTES),
                name=f"{prefix}_time_limit_range",
            ),
            models.CheckConstraint(
                condition=Q(difficulty_min__gte=1, difficulty_max__lte=3, difficulty_min__lte=models.F("difficulty_max")),
                name=f"{prefix}_difficulty_range",
            ),
        ]


class QuizSet(QuizConfig):
    """A named, shareable quiz: everyone with the link takes the same questions under the same limit."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_sets")
    name = models.CharField(_("name"), max_length=120)
    token = models.SlugField(_("share token"), max_length=32, unique=True)
    seed = models.BigIntegerField(_("seed"))
    generated_mode = models.CharField(
        _("simulator numbers"), max_length=10, choices=GeneratedMode.choices, default=GeneratedMode.FIXED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("quiz set")
        verbose_name_plural = _("quiz sets")
        constraints = QuizConfig.range_constraints("quizset")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("quiz:quiz-set", args=[self.token])


class AttemptQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def finished(self):
        return self.filter(finished_at__isnull=False)


class Attempt(QuizConfig):
    """One sitting of a quiz: its seed, its server-side deadline and, once finished, its score."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz_set = models.ForeignKey(
        QuizSet, on_delete=models.SET_NULL, null=True, blank=True, related_name="attempts", verbose_name=_("quiz set")
    )
    seed = models.BigIntegerField(_("seed"))
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(_("deadline"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("correct answers"), null=True, blank=True)
    total = models.PositiveSmallIntegerField(_("questions"), default=0)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            *QuizConfig.range_constraints("attempt"),
            models.CheckConstraint(condition=Q(deadline__gt=models.F("started_at")), name="attempt_deadline_after_start"),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True, score__isnull=True)
                | Q(finished_at__isnull=False, score__isnull=False),
                name="attempt_scored_iff_finished",
            ),
        ]
        indexes = [models.Index(fields=["user", "-started_at"], name="attempt_user_started")]

    def __str__(self):
        return f"attempt {self.pk} of {self.user_id}"

    @property
    def is_finished(self):
        return self.finished_at is not None

    @property
    def percent(self):
        return round(100 * self.score / self.total) if self.total and self.score is not None else 0

    @property
    def time_used(self):
        end = self.finished_at or self.deadline
        return min(end, self.deadline) - self.started_at


class ItemKind(models.TextChoices):
    CHOICE = "choice", _("Multiple choice")
    GENERATED = "generated", _("Simulator question")


class AttemptItem(models.Model):
    """One question of an attempt, frozen when the attempt starts: its text, options and correct answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    question = models.ForeignKey(Question, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    generator = models.CharField(_("generator"), max_length=60, blank=True)
    generator_seed = models.BigIntegerField(_("generator seed"), null=True, blank=True)
    params = models.JSONField(_("simulator parameters"), default=dict, blank=True)
    prompt_en = models.TextField()
    prompt_zh = models.TextField()
    # [{"value": "...", "en": "...", "zh": "..."}] in the order shown (shuffled per attempt).
    options = models.JSONField(default=list, blank=True)
    correct_answer = models.CharField(_("correct answer"), max_length=200)
    unit_en = models.CharField(max_length=40, blank=True)
    unit_zh = models.CharField(max_length=40, blank=True)
    tolerance = models.FloatField(default=0)
    explanation_en = models.TextField(blank=True)
    explanation_zh = models.TextField(blank=True)
    flagged = models.BooleanField(_("flagged"), default=False)

    class Meta:
        ordering = ["attempt", "position"]
        verbose_name = _("attempt item")
        verbose_name_plural = _("attempt items")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attemptitem_unique_position"),
            models.CheckConstraint(
                condition=Q(kind="choice", question__isnull=False) | Q(kind="generated", generator__gt=""),
                name="attemptitem_source_matches_kind",
            ),
        ]

    def __str__(self):
        return f"item {self.position} of attempt {self.attempt_id}"

    def prompt(self):
        return self.prompt_zh if is_zh() else self.prompt_en

    def unit(self):
        return self.unit_zh if is_zh() else self.unit_en

    def explanation(self):
        return self.explanation_zh if is_zh() else self.explanation_en

    def tolerance_text(self):
        """The accepted margin as shown next to the answer box ("1" for ±1 s), or "" for exact answers."""
        if not self.tolerance:
            return ""
        return f"{self.tolerance:g}"

    def localized_options(self):
        key = "zh" if is_zh() else "en"
        return [{"value": option["value"], "text": option[key]} for option in self.options]

    def option_text(self, value):
        key = "zh" if is_zh() else "en"
        return next((option[key] for option in self.options if option["value"] == value), value)


class Answer(models.Model):
    """The one answer given to an attempt item; a second submission never replaces it."""

    item = models.ForeignKey(AttemptItem, on_delete=models.CASCADE, related_name="answers")
    value = models.CharField(_("answer"), max_length=200)
    is_correct = models.BooleanField(_("correct"))
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["item"], name="answer_one_per_item")]

    def __str__(self):
        return f"answer to {self.item_id}"
