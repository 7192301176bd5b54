"""Dashboard figures for one learner: today, streak, review heatmap, due forecast, true retention, card states."""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import CharField, Count, Q
from django.db.models.functions import Cast
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext, pgettext_lazy

from kbase.models import Question, Topic, is_zh
from quiz import charts
from quiz.days import day_start
from quiz.models import Card, Preferences, Rating, ReviewLog, State
from quiz.queue import INTERVIEW_MARGIN_DAYS, ReviewQueue, new_card_pace, review_queue
from quiz.scheduling import scheduler_for
from quiz.services import interview_of

# Short enough for the heatmap's 30-pixel label column in both languages.
HEATMAP_WEEKDAYS = [
    pgettext_lazy("heatmap weekday", "Mon"), pgettext_lazy("heatmap weekday", "Tue"),
    pgettext_lazy("heatmap weekday", "Wed"), pgettext_lazy("heatmap weekday", "Thu"),
    pgettext_lazy("heatmap weekday", "Fri"), pgettext_lazy("heatmap weekday", "Sat"),
    pgettext_lazy("heatmap weekday", "Sun"),
]

FORECAST_DAYS = 30
HEATMAP_DAYS = 365


AT_RISK_SHOWN = 10


@dataclass(frozen=True)
class TopicRecall:
    name: str
    studied: int
    unseen: int
    at_risk: int
    recall_sum: float

    @property
    def recall_percent(self) -> int | None:
        return round(100 * self.recall_sum / self.studied) if self.studied else None


@dataclass(frozen=True)
class InterviewFigures:
    """Predicted recall on the interview day: mean FSRS retrievability of the studied cards at the interview time."""

    date: date
    days_left: int
    desired_retention: float
    studied: int
    unseen: int
    at_risk: int
    recall: float | None
    pace: int
    margin_days: int
    topics: list[TopicRecall]
    weakest: list[tuple[Question, float]]

    @property
    def recall_percent(self) -> int | None:
        return None if self.recall is None else round(100 * self.recall)


def question_topics() -> dict[int, int]:
    """Question id -> topic id for every question, from the covering topic index (unordered: no wide rows)."""
    return dict(Question.objects.values_list("pk", "topic_id").order_by())


def deck_rows(*, user: AbstractBaseUser, topic_of: dict[int, int] | None = None) -> list[tuple]:
    """(question, topic, state, stability, last review as text) of each of the user's published cards.

    One query over the cards (the interview panel and the card-state counts share it); the topics
    come from `topic_of` (`question_topics()`), never from the wide question rows. last_review comes as text parsed by fromisoformat: Django's per-row
    datetime converter was 40% of the interview panel.
    """
    topic_of = question_topics() if topic_of is None else topic_of
    rows = Card.objects.for_user(user).annotate(reviewed=Cast("last_review", CharField())).values_list(
        "question_id", "state", "stability", "reviewed"
    )
    return [(question_id, topic_of[question_id], state, stability, reviewed) for question_id, state, stability, reviewed in rows]


def interview_figures(
    *, user: AbstractBaseUser, preferences: Preferences, today: date, new_done: int = 0, rows: list[tuple] | None = None
) -> InterviewFigures | None:
    """Recall predicted for the interview, per topic and overall; None without a date or once it has passed.

    The pace counts today's first reviews of new cards too, as the queue does, so it holds all day.

    One query over the user's cards (`deck_rows`, or `rows` if already read) and one for the weakest
    cards' questions; the retrievability sum runs in Python over the tuples (about 3 ms for 5,000 cards).
    """
    interview = interview_of(preferences)
    if interview is None or interview.date < today:
        return None
    scheduler = scheduler_for(preferences.desired_retention, preferences.fsrs_parameters)
    target = preferences.desired_retention
    rows = deck_rows(user=user) if rows is None else rows
    # retrievability() inlined over the tuples: the same sum, in the same order, without a call per card.
    # Naive UTC on both sides (SQLite's text has no offset): the same whole days, without tzinfo calls per card.
    factor, decay, at = scheduler._FACTOR, scheduler._DECAY, interview.at.astimezone(UTC).replace(tzinfo=None)
    parse = datetime.fromisoformat
    per_topic: dict[int, list] = {}
    recalls = []
    for question_id, topic_id, _state, stability, reviewed in rows:
        counts = per_topic.get(topic_id)
        if counts is None:
            counts = per_topic[topic_id] = [0, 0, 0, 0.0]
        if reviewed is None or stability is None:
            counts[1] += 1
            continue
        last_review = parse(reviewed)
        if last_review.tzinfo is not None:
            last_review = last_review.astimezone(UTC).replace(tzinfo=None)
        recall = (1 + factor * max(0, (at - last_review).days) / stability) ** decay
        recalls.append((recall, question_id))
        counts[0] += 1
        counts[2] += recall < target
        counts[3] += recall
    studied = len(recalls)
    unseen = sum(counts[1] for counts in per_topic.values())
    at_risk = sorted(item for item in recalls if item[0] < target)[:AT_RISK_SHOWN]
    questions = Question.objects.only("pk", "slug", "question_en", "question_zh").in_bulk([pk for _r, pk in at_risk])
    zh = is_zh()
    return InterviewFigures(
        date=interview.date,
        days_left=(interview.date - today).days,
        desired_retention=target,
        studied=studied,
        unseen=unseen,
        at_risk=sum(counts[2] for counts in per_topic.values()),
        recall=sum(recall for recall, _pk in recalls) / studied if studied else None,
        pace=new_card_pace(unseen=unseen + new_done, today=today, interview_date=interview.date),
        margin_days=INTERVIEW_MARGIN_DAYS,
        topics=[
            TopicRecall(name=topic.name_zh if zh else topic.name_en, studied=per_topic[topic.pk][0],
                        unseen=per_topic[topic.pk][1], at_risk=per_topic[topic.pk][2], recall_sum=per_topic[topic.pk][3])
            for topic in Topic.objects.only("pk", "name_en", "name_zh", "position", "slug")
            if topic.pk in per_topic
        ],
        weakest=[(questions[pk], recall) for recall, pk in at_risk if pk in questions],
    )


@dataclass(frozen=True)
class DashboardFigures:
    queue: ReviewQueue
    streak: int
    reviewed_today: int
    heatmap: charts.Heatmap
    forecast: charts.BarChart
    retention: charts.RetentionChart
    retention_overall: charts.RetentionRow | None
    states: charts.StackedBar
    in_deck: int
    interview: InterviewFigures | None = None


def latest_log_id(*, user: AbstractBaseUser) -> int | None:
    """The id of the user's latest review log (an index seek): part of the dashboard's cache key, so a rating shows at once."""
    return ReviewLog.objects.filter(user=user).order_by("-pk").values_list("pk", flat=True).first()


def daily_review_counts(*, user: AbstractBaseUser, since: date | None = None) -> dict[date, int]:
    """Reviews per review day from `since` (all time if None): one grouped range scan of the user-and-day index."""
    logs = ReviewLog.objects.filter(user=user)
    if since is not None:
        logs = logs.filter(day__gte=since)
    return dict(logs.values_list("day").annotate(count=Count("*")).order_by())


def streak(counts: dict[date, int], *, today: date) -> int:
    """Consecutive review days up to today; a day not yet reviewed today does not break it."""
    day = today if counts.get(today) else today - timedelta(days=1)
    length = 0
    while counts.get(day):
        length += 1
        day -= timedelta(days=1)
    return length


def due_forecast(*, user: AbstractBaseUser, preferences: Preferences, today: date) -> list[int]:
    """Cards falling due on each of the next FORECAST_DAYS review days; overdue cards count for today."""
    zone, hour = preferences.zone, preferences.day_start_hour
    starts = [day_start(today + timedelta(days=offset), zone=zone, day_start_hour=hour) for offset in range(FORECAST_DAYS + 1)]
    counts = [0] * FORECAST_DAYS
    dues = Card.objects.for_user(user).exclude(state=State.NEW).filter(due__lt=starts[-1]).values_list("due", flat=True)
    for due in dues:
        counts[max(0, bisect_right(starts, due) - 1)] += 1
    return counts


def retention_by_topic(
    *, user: AbstractBaseUser, since: date, topic_of: dict[int, int] | None = None
) -> list[tuple[str, int, int]]:
    """True retention per topic: of the reviews of Review-state cards since `since`, how many were not Again.

    Three narrow queries joined here rather than one four-table join: the per-card counts come from
    the covering (user, state_before, card, day, rating) log index in card order (no sort), and
    card -> question -> topic from covering indexes (unordered, so never touching the wide question
    rows; the single join was 5x slower at 100,000 logs).
    """
    per_card = (
        ReviewLog.objects.filter(user=user, state_before=State.REVIEW, day__gte=since)
        .values_list("card_id")
        .annotate(total=Count("*"), passed=Count("pk", filter=Q(rating__gt=Rating.AGAIN)))
        .order_by()
    )
    question_of = dict(Card.objects.filter(user=user).values_list("pk", "question_id").order_by())
    topic_of = question_topics() if topic_of is None else topic_of
    sums: dict[int, list[int]] = {}
    for card_id, total, passed in per_card:
        counts = sums.setdefault(topic_of[question_of[card_id]], [0, 0])
        counts[0] += passed
        counts[1] += total
    zh = is_zh()
    return [
        (topic.name_zh if zh else topic.name_en, *sums[topic.pk])
        for topic in Topic.objects.only("pk", "name_en", "name_zh", "position", "slug")
        if topic.pk in sums
    ]


def cards_by_state(*, user: AbstractBaseUser, rows: list[tuple] | None = None) -> dict[int, int]:
    """Cards per state: one grouped query, or counted from `deck_rows` when the dashboard has read them anyway."""
    if rows is None:
        counts = dict(Card.objects.for_user(user).values_list("state").annotate(count=Count("*")).order_by())
    else:
        counts = {}
        for row in rows:
            counts[row[2]] = counts.get(row[2], 0) + 1
    return {state: counts.get(state, 0) for state in State.values}


def dashboard_figures(
    *, user: AbstractBaseUser, preferences: Preferences, now: datetime, queue: ReviewQueue | None = None
) -> DashboardFigures:
    queue = queue or review_queue(user=user, preferences=preferences, now=now, pick_card=False)
    today = queue.day.date
    since = today - timedelta(days=HEATMAP_DAYS - 1)
    # The heatmap's year is enough unless the streak runs back past it (then all days, once).
    counts = daily_review_counts(user=user, since=since)
    if streak(counts, today=today) >= (today - since).days:
        counts = daily_review_counts(user=user)
    forecast = due_forecast(user=user, preferences=preferences, today=today)
    forecast_labels = [gettext("Today")] + [date_format(today + timedelta(days=offset), "n/j") for offset in range(1, FORECAST_DAYS)]
    topic_of = question_topics()
    retention_rows = retention_by_topic(user=user, since=since, topic_of=topic_of)
    passed, total = sum(row[1] for row in retention_rows), sum(row[2] for row in retention_rows)
    interview = interview_of(preferences)
    rows = deck_rows(user=user, topic_of=topic_of) if interview is not None and interview.date >= today else None
    by_state = cards_by_state(user=user, rows=rows)
    return DashboardFigures(
        queue=queue,
        streak=streak(counts, today=today),
        reviewed_today=counts.get(today, 0),
        heatmap=charts.heatmap(
            counts,
            today=today,
            days=HEATMAP_DAYS,
            month_name=lambda day: date_format(day, "M"),
            weekday_name=lambda day: str(HEATMAP_WEEKDAYS[day.weekday()]),
        ),
        forecast=charts.column_chart(forecast, labels=forecast_labels),
        retention=charts.retention_chart(retention_rows),
        retention_overall=charts.retention_chart([(gettext("All topics"), passed, total)]).rows[0] if total else None,
        in_deck=sum(by_state.values()),
        interview=interview_figures(user=user, preferences=preferences, today=today, new_done=queue.new_done, rows=rows),
        states=charts.stacked_bar([
            (key, label, by_state[state]) for key, label, state in (
                ("new", State.NEW.label, State.NEW),
                ("learning", State.LEARNING.label, State.LEARNING),
                ("review", State.REVIEW.label, State.REVIEW),
                ("relearning", State.RELEARNING.label, State.RELEARNING),
            )
        ]),
    )
