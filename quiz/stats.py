"""Dashboard figures for one learner: today, streak, review heatmap, due forecast, true retention, card states."""

import heapq
import math
import zlib
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import chain

import fsrs
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db import connection
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext, pgettext_lazy

from kbase.models import FROM_CONTENT, Question, Topic, content_version, is_zh
from quiz import charts
from quiz.days import day_start
from quiz.models import Card, Preferences, ReviewTally, State
from quiz.queue import INTERVIEW_MARGIN_DAYS, ReviewQueue, new_card_pace, plain_sql, review_queue
from quiz.scheduling import scheduler_for
from quiz.services import Interview, interview_of

TALLY = ReviewTally._meta.db_table

# Short enough for the heatmap's 30-pixel label column in both languages.
HEATMAP_WEEKDAYS = [
    pgettext_lazy("heatmap weekday", "Mon"), pgettext_lazy("heatmap weekday", "Tue"),
    pgettext_lazy("heatmap weekday", "Wed"), pgettext_lazy("heatmap weekday", "Thu"),
    pgettext_lazy("heatmap weekday", "Fri"), pgettext_lazy("heatmap weekday", "Sat"),
    pgettext_lazy("heatmap weekday", "Sun"),
]

FORECAST_DAYS = 30
HEATMAP_DAYS = 365
# The dashboard's caches outlive a review day: their keys say when they go stale.
DASHBOARD_CACHE_SECONDS = 26 * 3600


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
    with connection.cursor() as cursor:
        cursor.execute(plain_sql("SELECT id, topic_id FROM {question}"))
        return dict(cursor.fetchall())


def question_topics_at(content: int) -> dict[int, int]:
    """`question_topics`, kept per worker for one content version, which every question or topic write bumps
    (kbase.models.FROM_CONTENT; 2 ms to read at 5,000 questions). `content` must be read before this."""
    return FROM_CONTENT.get(content, "question topics", question_topics)


def _to_naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class RecallModel:
    """FSRS-6 retrievability at one instant, as `fsrs.Scheduler.get_card_retrievability` computes it.

    (1 + factor * t / S) ** decay with t the whole days since the last review (fsrs/scheduler.py,
    `Scheduler.__init__` sets `_DECAY = -w[20]` and `_FACTOR = 0.9 ** (1 / _DECAY) - 1`,
    `get_card_retrievability` takes `max(0, (current - last_review).days)`), over naive UTC datetimes.
    """

    at: datetime
    factor: float
    decay: float

    @classmethod
    def of(cls, scheduler: fsrs.Scheduler, moment: datetime) -> "RecallModel":
        return cls(at=_to_naive_utc(moment), factor=scheduler._FACTOR, decay=scheduler._DECAY)

    def recall(self, stability: float | None, last_review: datetime | None) -> float | None:
        if stability is None or last_review is None:
            return None
        return (1 + self.factor * max(0, (self.at - last_review).days) / stability) ** self.decay


# The deck's rows by plain SQL: through the ORM, building 5,000 rows and parsing their datetimes was 60% of
# reading the deck. Same cards as Card.objects.for_user(user); datetimes as UTC text (what SQLite stores,
# 'YYYY-MM-DD HH:MM:SS[.ffffff]'): the due date is kept as that text (it sorts as the instant does, see
# `forecast_starts`) and pickles ten times faster into the cache than a datetime. A card is named by its question
# (one card per learner and question): a column less to build per row (0.7 ms of 5 at 5,000 cards).
DECK_SQL = (
    "SELECT {card}.question_id, {card}.state, {stability}, {reviewed}, {due}{topic} FROM {card}{join}"
    " WHERE {card}.user_id = %s"
    " AND {card}.question_id NOT IN (SELECT {question}.id FROM {question} WHERE {question}.is_published = %s){rated}"
)
# The cards rated on or after a day, with their topics by a join: only the few cards rated since a snapshot.
RATED_SQL = (
    " AND {card}.id IN (SELECT {log}.card_id FROM {log} WHERE {log}.user_id = %s AND {log}.day >= %s)"
    " ORDER BY {card}.id LIMIT %s"
)


def _utc_text(column: str) -> str:
    """SQL for a datetime column as UTC text: SQLite stores it so, PostgreSQL formats it alike (always six digits;
    `to_char` rather than a cast to text, whose format follows the server's DateStyle)."""
    if connection.vendor == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    return f"CAST({column} AS text)"


def _deck_sql(*, recall: bool = True, rated: bool = False) -> str:
    """`DECK_SQL`; without `recall` (no interview to predict for) the stability and last review read as NULL."""
    card = Card._meta.db_table
    return plain_sql(
        DECK_SQL,
        stability=f"{card}.stability" if recall else "NULL", reviewed=_utc_text(f"{card}.last_review") if recall else "NULL",
        due=_utc_text(f"{card}.due"),
        topic=plain_sql(", {question}.topic_id") if rated else "",
        join=plain_sql(" INNER JOIN {question} ON {question}.id = {card}.question_id") if rated else "",
        rated=plain_sql(RATED_SQL) if rated else "",
    )


def _deck_cards(rows, *, topic_of: dict[int, int], model: RecallModel | None) -> dict[int, tuple]:
    """question id -> (question, topic, state, due as UTC text, recall at the interview or None), from `DECK_SQL` rows.

    The recall is `RecallModel.recall` written out in the loop, the same operations in the same order (so
    it equals fsrs's retrievability exactly): a call per card was a third of the loop.
    """
    if model is None:
        return {question_id: (question_id, topic_of[question_id], state, due, None)
                for question_id, state, _stability, _reviewed, due in rows}
    at, factor, decay, parse = model.at, model.factor, model.decay, datetime.fromisoformat
    return {
        question_id: (question_id, topic_of[question_id], state, due,
                      None if stability is None or reviewed is None
                      else (1 + factor * max(0, (at - parse(reviewed)).days) / stability) ** decay)
        for question_id, state, stability, reviewed, due in rows
    }


def _read_deck(user: AbstractBaseUser, *, recall: bool) -> list[tuple]:
    """`DECK_SQL` rows of each of the user's published cards."""
    with connection.cursor() as cursor:
        cursor.execute(_deck_sql(recall=recall), [user.pk, False])
        return cursor.fetchall()


def _read_rated(user: AbstractBaseUser, since: date, limit: int) -> list[tuple]:
    """`DECK_SQL` rows, topic id last, of at most `limit` of the user's published cards rated on or after `since`."""
    with connection.cursor() as cursor:
        cursor.execute(_deck_sql(rated=True),
                       [user.pk, False, user.pk, connection.ops.adapt_datefield_value(since), limit])
        return cursor.fetchall()


def deck_rows(*, user: AbstractBaseUser, preferences: Preferences | None = None, topic_of: dict[int, int] | None = None) -> list[tuple]:
    """Rows of `_deck_cards` for each of the user's published cards, read from scratch (no cache)."""
    topic_of = question_topics() if topic_of is None else topic_of
    model = _interview_model(preferences) if preferences is not None else None
    return list(_deck_cards(_read_deck(user, recall=model is not None), topic_of=topic_of, model=model).values())


def _interview_model(preferences: Preferences) -> RecallModel | None:
    interview = interview_of(preferences)
    if interview is None:
        return None
    return RecallModel.of(scheduler_for(preferences.desired_retention, preferences.fsrs_parameters), interview.at)


def _preferences_fingerprint(preferences: Preferences) -> str:
    """What the cached deck depends on besides the cards: settings writes bump stats_version, admin edits may not."""
    parameters = preferences.fsrs_parameters
    return "{}:{}:{}:{}:{:x}".format(
        preferences.interview_date, preferences.desired_retention, preferences.time_zone, preferences.day_start_hour,
        zlib.crc32(repr(parameters).encode()) if parameters else 0,
    )


# A snapshot that many cards behind is read again rather than patched; one this many cards behind on a new
# day is stored again, patched.
DECK_OVERLAY_MAX = 500
DECK_RESTORE_AT = 100
# The shape of a snapshot: 2 has the due date as UTC text (1 had a datetime), 3 names cards by their questions.
DECK_FORMAT = 3


def deck_snapshot(
    *, user: AbstractBaseUser, preferences: Preferences, content: int, today: date,
    topics: Callable[[], dict] = question_topics,
) -> list[tuple]:
    """The user's deck rows (`_deck_cards`), from a cached snapshot patched with the cards rated since it was read.

    The snapshot is keyed by the stats version and log generation (bumped by every card write but a
    rating), the content version (publishing, topics) and the settings it used. A rating always writes a
    review log dated on the review day it was shown (an earlier day than the current one bumps the log
    generation), so re-reading the cards with logs dated on or after the day the snapshot was taken makes it
    current: one small query instead of the whole deck. Days rather than log ids: on PostgreSQL ids are
    handed out before commit, so a later id may commit first. On a new day a snapshot DECK_RESTORE_AT cards
    behind is stored again, patched, so the patch stays small.
    """
    # DECK_FORMAT in the key: a snapshot cached (in Redis) by an older release holds rows of another shape.
    key = (f"dashboard-deck:{DECK_FORMAT}:{user.pk}:{preferences.stats_version}:{preferences.log_generation}:{content}:"
           f"{_preferences_fingerprint(preferences)}")
    model = _interview_model(preferences)
    cached = cache.get(key)
    if cached is not None:
        taken, cards = cached
        changed = _read_rated(user, taken, DECK_OVERLAY_MAX + 1)
        if len(changed) <= DECK_OVERLAY_MAX:
            topic_of = {row[0]: row[5] for row in changed}
            cards.update(_deck_cards([row[:5] for row in changed], topic_of=topic_of, model=model))
            if taken < today and len(changed) >= DECK_RESTORE_AT:
                # Patched up to now: later ratings are dated today or later (writing it costs ~3 ms).
                cache.set(key, (today, cards), DASHBOARD_CACHE_SECONDS)
            return list(cards.values())
    cards = _deck_cards(_read_deck(user, recall=model is not None), topic_of=topics(), model=model)
    cache.set(key, (today, cards), DASHBOARD_CACHE_SECONDS)
    return list(cards.values())


def _interview_ahead(preferences: Preferences, today: date) -> Interview | None:
    """The learner's interview if it is today or later (the dashboard predicts recall for it), else None."""
    interview = interview_of(preferences)
    return interview if interview is not None and interview.date >= today else None


def interview_figures(
    *, user: AbstractBaseUser, preferences: Preferences, today: date, new_done: int = 0, rows: list[tuple] | None = None,
    topics: list[Topic] | None = None,
) -> InterviewFigures | None:
    """Recall predicted for the interview, per topic and overall; None without a date or once it has passed.

    The pace counts today's first reviews of new cards too, as the queue does, so it holds all day.
    `rows` are the deck rows (`deck_rows` or `deck_snapshot`, with the recall at the interview); sums are
    `math.fsum`, so they do not depend on the rows' order. Two queries: the topics (unless given) and the weakest cards' questions.
    """
    interview = _interview_ahead(preferences, today)
    if interview is None:
        return None
    target = preferences.desired_retention
    rows = deck_rows(user=user, preferences=preferences) if rows is None else rows
    per_topic: dict[int, list] = {}  # topic id -> [recalls, unseen, at risk]
    weak = []
    for question_id, topic_id, _state, _due, recall in rows:
        counts = per_topic.get(topic_id)
        if counts is None:
            counts = per_topic[topic_id] = [[], 0, 0]
        if recall is None:
            counts[1] += 1
        else:
            counts[0].append(recall)
            if recall < target:
                counts[2] += 1
                weak.append((recall, question_id))
    studied = sum(len(counts[0]) for counts in per_topic.values())
    unseen = sum(counts[1] for counts in per_topic.values())
    at_risk = heapq.nsmallest(AT_RISK_SHOWN, weak)
    questions = Question.objects.only("pk", "slug", "question_en", "question_zh").in_bulk([pk for _r, pk in at_risk])
    zh = is_zh()
    return InterviewFigures(
        date=interview.date,
        days_left=(interview.date - today).days,
        desired_retention=target,
        studied=studied,
        unseen=unseen,
        at_risk=len(weak),
        recall=math.fsum(chain.from_iterable(counts[0] for counts in per_topic.values())) / studied if studied else None,
        pace=new_card_pace(unseen=unseen + new_done, today=today, interview_date=interview.date),
        margin_days=INTERVIEW_MARGIN_DAYS,
        topics=[
            TopicRecall(name=topic.name_zh if zh else topic.name_en, studied=len(per_topic[topic.pk][0]),
                        unseen=per_topic[topic.pk][1], at_risk=per_topic[topic.pk][2],
                        recall_sum=math.fsum(per_topic[topic.pk][0]))
            for topic in (topics_in_order() if topics is None else topics)
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


def daily_review_counts(*, user: AbstractBaseUser, since: date | None = None, until: date | None = None) -> dict[date, int]:
    """Reviews per review day from `since` to `until` (inclusive; open ends if None): summed over topics from the
    review tally (a day's few rows instead of its logs), by plain SQL."""
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        # The day column keeps its declared type, so both databases return dates.
        cursor.execute(plain_sql("SELECT day, SUM(reviews) FROM {tally} WHERE user_id = %s AND day >= %s AND day <= %s"
                                 " GROUP BY day", tally=TALLY),
                       [user.pk, adapt(since or date.min), adapt(until or date.max)])
        return dict(cursor.fetchall())


def streak(counts: dict[date, int], *, today: date) -> int:
    """Consecutive review days up to today; a day not yet reviewed today does not break it."""
    day = today if counts.get(today) else today - timedelta(days=1)
    length = 0
    while counts.get(day):
        length += 1
        day -= timedelta(days=1)
    return length


# Review days in a row ending on a day: one index seek per day, back to the first day without a review
# (reading the days' counts scanned every log before the heatmap's window, 4 ms at 100,000 logs).
DAYS_IN_A_ROW_SQL = (
    "WITH RECURSIVE run(day) AS ("
    " SELECT {ending} WHERE EXISTS (SELECT 1 FROM {log} WHERE {log}.user_id = %s AND {log}.day = {ending})"
    " UNION ALL SELECT {before} FROM run"
    " WHERE EXISTS (SELECT 1 FROM {log} WHERE {log}.user_id = %s AND {log}.day = {before})"
    ") SELECT COUNT(*) FROM run"
)


def days_in_a_row(*, user: AbstractBaseUser, ending: date) -> int:
    """Consecutive review days ending on `ending` (0 if the user did not review that day)."""
    if connection.vendor == "postgresql":
        sql = plain_sql(DAYS_IN_A_ROW_SQL, ending="CAST(%s AS date)", before="run.day - 1")
    elif connection.vendor == "sqlite":
        sql = plain_sql(DAYS_IN_A_ROW_SQL, ending="%s", before="date(run.day, '-1 day')")
    else:
        return streak(daily_review_counts(user=user, until=ending), today=ending + timedelta(days=1))
    day = connection.ops.adapt_datefield_value(ending)
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, user.pk, day, user.pk])
        return cursor.fetchone()[0]


def forecast_starts(*, preferences: Preferences, today: date) -> list[str]:
    """The starts of today's review day and the FORECAST_DAYS after it, as UTC text like the deck's due dates.

    A start has no fraction of a second ('YYYY-MM-DD HH:MM:SS'), so text comparison orders a due date
    against it as the instants compare, but that a due date equal to a start written with '.000000' sorts
    after it: where `bisect_right` and `<` put an equal one anyway.
    """
    zone, hour = preferences.zone, preferences.day_start_hour
    return [str(_to_naive_utc(day_start(today + timedelta(days=offset), zone=zone, day_start_hour=hour)))
            for offset in range(FORECAST_DAYS + 1)]


def forecast_from_rows(rows: list[tuple], *, starts: list[str]) -> list[int]:
    """Cards falling due on each of the next FORECAST_DAYS review days; overdue cards count for today."""
    return _forecast((row[3] for row in rows if row[2] != State.NEW), starts=starts)


def _forecast(dues, *, starts: list[str]) -> list[int]:
    counts = [0] * FORECAST_DAYS
    end = starts[-1]
    for due in dues:
        if due is not None and due < end:
            counts[max(0, bisect_right(starts, due) - 1)] += 1
    return counts


# The deck's cards due before the forecast's end: a range of the (user, state, due) index per reviewed state.
DUE_SOON_SQL = (
    "SELECT {due} FROM {card} WHERE {card}.user_id = %s AND {card}.state IN (%s, %s, %s) AND {card}.due < %s"
    " AND {card}.question_id NOT IN (SELECT {question}.id FROM {question} WHERE {question}.is_published = %s)"
)


def due_forecast(*, user: AbstractBaseUser, preferences: Preferences, today: date) -> list[int]:
    """`forecast_from_rows` over the user's deck, reading only the cards due before the forecast ends."""
    starts = forecast_starts(preferences=preferences, today=today)
    end = day_start(today + timedelta(days=FORECAST_DAYS), zone=preferences.zone, day_start_hour=preferences.day_start_hour)
    with connection.cursor() as cursor:
        cursor.execute(
            plain_sql(DUE_SOON_SQL, due=_utc_text(f"{Card._meta.db_table}.due")),
            [user.pk, State.LEARNING, State.REVIEW, State.RELEARNING, connection.ops.adapt_datetimefield_value(end), False],
        )
        return _forecast((due for (due,) in cursor.fetchall()), starts=starts)


# True retention per topic from the review tally: a year is ~7,000 rows of its covering index where the logs
# were ~33,000 entries (10 ms), with no question -> topic map to read.
RETENTION_SQL = (
    "SELECT topic_id, SUM(retention_passed), SUM(retention_total) FROM {tally} WHERE user_id = %s AND day >= %s"
    " AND day <= %s GROUP BY topic_id HAVING SUM(retention_total) > 0"
)


def _retention_sums(*, user: AbstractBaseUser, first: date, last: date) -> dict[int, list[int]]:
    """Topic id -> [passed, total] over reviews of Review-state cards on days first..last (not rated Again: passed)."""
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(plain_sql(RETENTION_SQL, tally=TALLY), [user.pk, adapt(first), adapt(last)])
        return {topic_id: [passed, total] for topic_id, passed, total in cursor.fetchall()}


def _add_sums(into: dict[int, list[int]], sums: dict[int, list[int]], sign: int = 1) -> None:
    for topic_id, (passed, total) in sums.items():
        counts = into.setdefault(topic_id, [0, 0])
        counts[0] += sign * passed
        counts[1] += sign * total
        if not counts[1]:
            del into[topic_id]


def topics_in_order() -> list[Topic]:
    return list(Topic.objects.only("pk", "name_en", "name_zh", "position", "slug"))


def _topic_rows(sums: dict[int, list[int]], topics: list[Topic] | None = None) -> list[tuple[str, int, int]]:
    zh = is_zh()
    return [
        (topic.name_zh if zh else topic.name_en, *sums[topic.pk])
        for topic in (topics_in_order() if topics is None else topics)
        if topic.pk in sums
    ]


def retention_by_topic(*, user: AbstractBaseUser, since: date, until: date | None = None) -> list[tuple[str, int, int]]:
    """True retention per topic: of the reviews of Review-state cards from `since` to `until`, how many were not Again."""
    return _topic_rows(_retention_sums(user=user, first=since, last=until or date.max))


# Past days a cached history that many days behind is brought forward by; further behind, it is read again.
HISTORY_STEP_MAX = 60


def _history_from_scratch(*, user: AbstractBaseUser, since: date, through: date) -> dict:
    counts = daily_review_counts(user=user, since=since, until=through)
    run = streak(counts, today=through + timedelta(days=1))
    if run >= (through - since).days + 1:
        # The streak runs back past the window.
        run += days_in_a_row(user=user, ending=since - timedelta(days=1))
    retention = _retention_sums(user=user, first=since, last=through)
    return {"since": since, "through": through, "counts": counts, "streak": run, "retention": retention}


def _history_advanced(history: dict, *, user: AbstractBaseUser, since: date, through: date) -> dict:
    """A cached history brought forward to end at `through`: the new days added, the days before `since` taken off."""
    added = daily_review_counts(user=user, since=history["through"] + timedelta(days=1), until=through)
    counts = {day: count for day, count in history["counts"].items() if day >= since}
    counts.update(added)
    run = history["streak"]
    day = history["through"] + timedelta(days=1)
    while day <= through:
        run = run + 1 if added.get(day) else 0
        day += timedelta(days=1)
    retention = {topic_id: list(sums) for topic_id, sums in history["retention"].items()}
    _add_sums(retention, _retention_sums(user=user, first=history["through"] + timedelta(days=1), last=through))
    if since > history["since"]:
        dropped = _retention_sums(user=user, first=history["since"], last=since - timedelta(days=1))
        _add_sums(retention, dropped, sign=-1)
    return {"since": since, "through": through, "counts": counts, "streak": run, "retention": retention}


def review_history(*, user: AbstractBaseUser, preferences: Preferences, today: date, content: int) -> dict:
    """Past days' review figures (days before today): counts per day in the heatmap's window, the streak that
    ends yesterday, and true retention per topic; today's part is added live by `dashboard_figures`.

    Past logs change only when a log of a past day is written or deleted, and every path that does
    bumps the learner's log generation (`quiz.services.log_history_changed`), which keys this cache with
    the content version (topics). A new review day brings the cached history forward by reading only the
    days between (a small range scan) instead of the whole year.
    """
    since, through = today - timedelta(days=HEATMAP_DAYS - 1), today - timedelta(days=1)
    key = f"dashboard-history:{user.pk}:{preferences.log_generation}:{content}"
    history = cache.get(key)
    if history is not None and history["through"] == through and history["since"] == since:
        return history
    if history is not None and history["through"] < through and (through - history["through"]).days <= HISTORY_STEP_MAX:
        history = _history_advanced(history, user=user, since=since, through=through)
    else:
        history = _history_from_scratch(user=user, since=since, through=through)
    cache.set(key, history, DASHBOARD_CACHE_SECONDS)
    return history


# All the user's cards by state from the covering (user, state, due) index, less those of unpublished questions
# (usually none) sought one by one: 0.3 ms where `Card.objects.for_user` read 5,000 rows for the question ids.
CARD_STATES_SQL = (
    "SELECT state, COUNT(*) FROM {card} WHERE user_id = %s GROUP BY state"
    " UNION ALL SELECT {card}.state, -COUNT(*) FROM {question} CROSS JOIN {card} WHERE {question}.is_published = %s"
    " AND {card}.user_id = %s AND {card}.question_id = {question}.id GROUP BY {card}.state"
)


def cards_by_state(*, user: AbstractBaseUser, rows: list[tuple] | None = None) -> dict[int, int]:
    """Cards per state: one grouped query, or counted from the deck rows when the dashboard has read them anyway."""
    if rows is None:
        counts = {}
        with connection.cursor() as cursor:
            cursor.execute(plain_sql(CARD_STATES_SQL), [user.pk, False, user.pk])
            for state, count in cursor.fetchall():
                counts[state] = counts.get(state, 0) + count
    else:
        counts = {}
        for row in rows:
            counts[row[2]] = counts.get(row[2], 0) + 1
    return {state: counts.get(state, 0) for state in State.values}


def dashboard_figures(
    *, user: AbstractBaseUser, preferences: Preferences, now: datetime, queue: ReviewQueue | None = None,
    content: int | None = None,
) -> DashboardFigures:
    """Every figure on the dashboard: past days from `review_history`, the deck from `deck_snapshot` (both
    cached and kept current) when there is an interview to predict recall for, else counted in SQL, today's
    reviews and retention read live."""
    queue = queue or review_queue(user=user, preferences=preferences, now=now, pick_card=False)
    content = content_version() if content is None else content
    today = queue.day.date
    history = review_history(user=user, preferences=preferences, today=today, content=content)
    counts = {**history["counts"], today: queue.done} if queue.done else history["counts"]
    retention_sums = {topic_id: list(sums) for topic_id, sums in history["retention"].items()}
    if queue.done:
        _add_sums(retention_sums, _retention_sums(user=user, first=today, last=today))
    topic_list = topics_in_order()
    retention_rows = _topic_rows(retention_sums, topic_list)
    passed, total = sum(row[1] for row in retention_rows), sum(row[2] for row in retention_rows)
    if _interview_ahead(preferences, today) is not None:
        rows = deck_snapshot(user=user, preferences=preferences, content=content, today=today,
                             topics=lambda: question_topics_at(content))
        by_state = cards_by_state(user=user, rows=rows)
        forecast = forecast_from_rows(rows, starts=forecast_starts(preferences=preferences, today=today))
    else:
        # Nothing to predict: the deck's counts come from SQL, with no cards to read or cache one by one.
        rows = None
        by_state = cards_by_state(user=user)
        forecast = due_forecast(user=user, preferences=preferences, today=today)
    forecast_labels = [gettext("Today")] + [date_format(today + timedelta(days=offset), "n/j") for offset in range(1, FORECAST_DAYS)]
    return DashboardFigures(
        queue=queue,
        streak=history["streak"] + 1 if queue.done else history["streak"],
        reviewed_today=queue.done,
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
        interview=interview_figures(user=user, preferences=preferences, today=today, new_done=queue.new_done, rows=rows,
                                    topics=topic_list),
        states=charts.stacked_bar([
            (key, label, by_state[state]) for key, label, state in (
                ("new", State.NEW.label, State.NEW),
                ("learning", State.LEARNING.label, State.LEARNING),
                ("review", State.REVIEW.label, State.REVIEW),
                ("relearning", State.RELEARNING.label, State.RELEARNING),
            )
        ]),
    )
