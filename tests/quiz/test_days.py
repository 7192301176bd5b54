from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.days import day_start, review_date, review_day
from tests.quiz.helpers import at

NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_review_day_starts_at_the_day_start_hour_in_local_time():
    day = review_day(at(2026, 5, 10, 12, 0), zone=SHANGHAI, day_start_hour=4)

    assert day.date == date(2026, 5, 10)
    assert day.start == at(2026, 5, 9, 20, 0)  # 04:00 in Shanghai (UTC+8)
    assert day.end == at(2026, 5, 10, 20, 0)


def test_before_the_day_start_hour_it_is_still_yesterday():
    assert review_date(at(2026, 5, 10, 19, 59), zone=SHANGHAI, day_start_hour=4) == date(2026, 5, 10)
    assert review_date(at(2026, 5, 10, 20, 0), zone=SHANGHAI, day_start_hour=4) == date(2026, 5, 11)


def test_midnight_utc_is_not_a_boundary_for_a_learner_elsewhere():
    before = review_date(at(2026, 5, 10, 23, 59), zone=NEW_YORK, day_start_hour=4)
    after = review_date(at(2026, 5, 11, 0, 1), zone=NEW_YORK, day_start_hour=4)

    assert before == after == date(2026, 5, 10)


def test_the_day_containing_spring_forward_lasts_23_hours():
    # 8 March 2026: New York clocks jump from 02:00 EST to 03:00 EDT.
    day = review_day(at(2026, 3, 8, 7, 59), zone=NEW_YORK, day_start_hour=4)

    assert day.date == date(2026, 3, 7)
    assert day.start == at(2026, 3, 7, 9, 0)  # 04:00 EST
    assert day.end == at(2026, 3, 8, 8, 0)  # 04:00 EDT
    assert day.end - day.start == timedelta(hours=23)


def test_the_day_containing_fall_back_lasts_25_hours():
    # 1 November 2026: New York clocks fall back from 02:00 EDT to 01:00 EST.
    day = review_day(at(2026, 11, 1, 8, 30), zone=NEW_YORK, day_start_hour=4)

    assert day.date == date(2026, 10, 31)
    assert day.start == at(2026, 10, 31, 8, 0)  # 04:00 EDT
    assert day.end == at(2026, 11, 1, 9, 0)  # 04:00 EST
    assert day.end - day.start == timedelta(hours=25)


def test_a_day_start_hour_skipped_by_dst_begins_the_day_when_the_clock_resumes():
    # 02:00 does not exist in New York on 8 March 2026; the day starts at 03:00 EDT.
    assert day_start(date(2026, 3, 8), zone=NEW_YORK, day_start_hour=2) == at(2026, 3, 8, 7, 0)
    assert review_date(at(2026, 3, 8, 6, 59), zone=NEW_YORK, day_start_hour=2) == date(2026, 3, 7)
    assert review_date(at(2026, 3, 8, 7, 0), zone=NEW_YORK, day_start_hour=2) == date(2026, 3, 8)


def test_a_date_a_zone_skipped_entirely_belongs_to_no_review_day():
    # Samoa skipped 30 December 2011; the instants around it still land in a day that contains them.
    apia = ZoneInfo("Pacific/Apia")
    moment = at(2011, 12, 30, 12, 0)
    day = review_day(moment, zone=apia, day_start_hour=4)

    assert day.start <= moment < day.end
    assert day.date == date(2011, 12, 29)


ZONES = ["UTC", "America/New_York", "Europe/London", "Asia/Shanghai", "Australia/Lord_Howe",
         "Asia/Kathmandu", "Pacific/Chatham", "America/Santiago", "Pacific/Apia", "America/St_Johns"]


@settings(max_examples=200, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)).map(lambda d: d.replace(tzinfo=UTC)),
    zone=st.sampled_from(ZONES).map(ZoneInfo),
    hour=st.integers(0, 23),
)
def test_every_instant_lies_in_exactly_the_review_day_that_names_it(moment, zone, hour):
    day = review_day(moment, zone=zone, day_start_hour=hour)

    assert day.start <= moment < day.end
    assert timedelta(hours=22) <= day.end - day.start <= timedelta(hours=26)
    assert review_date(day.start, zone=zone, day_start_hour=hour) == day.date
    assert review_date(day.end, zone=zone, day_start_hour=hour) > day.date
