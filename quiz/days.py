"""Review days: the learner's local calendar day, starting at their day-start hour (Anki's "next day starts at").

A review day is named by the local date on which it starts. With a day-start hour of 4, 03:59 on
12 March still belongs to 11 March. Boundaries are computed on the local wall clock and then converted
to UTC, so a day that contains a daylight-saving change lasts 23 or 25 hours.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ReviewDay:
    date: date
    start: datetime
    end: datetime


def review_date(moment: datetime, *, zone: ZoneInfo, day_start_hour: int) -> date:
    """The review day that `moment` (an aware datetime) falls in."""
    review = moment.astimezone(zone).date()
    # Compare instants rather than wall-clock times: on days where the day-start hour is
    # skipped or repeated (DST, or a zone that dropped a whole date) this stays consistent.
    while moment < day_start(review, zone=zone, day_start_hour=day_start_hour):
        review -= timedelta(days=1)
    return review


def day_start(review: date, *, zone: ZoneInfo, day_start_hour: int) -> datetime:
    """The UTC instant at which the review day `review` begins."""
    # An hour skipped by a spring-forward change resolves to the first valid instant after it.
    return datetime.combine(review, time(day_start_hour), tzinfo=zone).astimezone(UTC)


def review_day(moment: datetime, *, zone: ZoneInfo, day_start_hour: int) -> ReviewDay:
    """The review day containing `moment`, with its UTC start (inclusive) and end (exclusive)."""
    review = review_date(moment, zone=zone, day_start_hour=day_start_hour)
    return ReviewDay(
        date=review,
        start=day_start(review, zone=zone, day_start_hour=day_start_hour),
        end=day_start(review + timedelta(days=1), zone=zone, day_start_hour=day_start_hour),
    )
