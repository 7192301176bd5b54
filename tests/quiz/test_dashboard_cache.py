"""The dashboard's caches (past days' history, the deck snapshot, the page) against a from-scratch computation.

Each path that changes what the dashboard shows is taken with the caches warm, and the page that follows
must equal the page drawn from an empty cache, byte for byte (but the per-response CSP nonce and CSRF token).
"""

import random
import re
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import fsrs
import pytest
from django.contrib import admin
from django.core.cache import cache
from hypothesis import given, settings
from hypothesis import strategies as st

from kbase.models import FROM_CONTENT, Question, content_version
from quiz import stats
from quiz.admin import ReviewLogAdmin
from quiz.models import Card, Preferences, Rating, ReviewLog, State
from quiz.scheduling import DEFAULT_PARAMETERS, scheduler_for, to_fsrs
from quiz.services import card_bury, card_suspend, deck_add_questions, deck_remove_questions, interview_of, review_record, review_undo
from quiz.stats import RecallModel, _history_advanced, _history_from_scratch, deck_rows
from tests.quiz.helpers import at, make_card, make_question, make_topic, make_user

NOW = at(2026, 6, 10, 12, 0)
TODAY = date(2026, 6, 10)
DASHBOARD = "/en/dashboard/"
SETTINGS = {"language": "en", "time_zone": "UTC", "day_start_hour": 4, "desired_retention": "0.9",
            "new_per_day": 5, "reviews_per_day": 200, "interview_date": "2099-01-05", "follow_interview_pace": "on",
            "leech_threshold": 8}


def page(client, path=DASHBOARD):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    html = re.sub(r'nonce="[^"]+"', "", html)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def assert_as_from_scratch(client, path=DASHBOARD):
    """The page drawn with the caches as they are equals the page drawn from an empty cache (and without the
    worker's question -> topic copy); returns it."""
    cached = page(client, path)
    cache.clear()
    FROM_CONTENT.clear()
    assert cached == page(client, path)
    return cached


@pytest.fixture
def clock():
    moment = [NOW]
    with mock.patch("django.utils.timezone.now", lambda: moment[0]):
        yield moment


@pytest.fixture
def learner(db, client, clock):
    """Twelve cards in three topics (three new, nine in review, four of them due) and a fortnight of reviews."""
    user = make_user(interview_date=date(2026, 6, 30), new_per_day=5)
    topics = [make_topic(f"topic-{n}", position=n) for n in range(3)]
    cards = []
    for n in range(12):
        question = make_question(f"dash-{n}", topic=topics[n % 3])
        if n < 3:
            cards.append(make_card(user, question))
            continue
        cards.append(make_card(user, question, state=State.REVIEW, stability=1.5 + 2 * n, difficulty=5.0, reps=3,
                               last_review=NOW - timedelta(days=n), due=NOW + timedelta(days=n - 6, hours=n)))
    ReviewLog.objects.bulk_create([
        ReviewLog(user=user, card=cards[3 + n % 9], rating=Rating.AGAIN if n % 4 == 0 else Rating.GOOD,
                  reviewed_at=NOW - timedelta(days=n), day=TODAY - timedelta(days=n), scheduled_interval=timedelta(days=2),
                  state_before=State.REVIEW if n % 3 else State.LEARNING)
        for n in range(1, 15)
    ])
    client.force_login(user)
    page(client)  # the caches are warm from here on
    return user, cards


def rate(card, rating=Rating.GOOD, **kwargs):
    card.refresh_from_db()
    return review_record(user=card.user, card_id=card.pk, rating=rating, version=card.version, **kwargs)


@pytest.mark.parametrize("path", [DASHBOARD, "/zh-hans/dashboard/"])
def test_a_rating_shows_at_once_and_as_from_scratch(client, learner, path):
    _user, cards = learner
    page(client, path)

    rate(cards[3], Rating.AGAIN)
    rate(cards[0])

    html = assert_as_from_scratch(client, path)
    assert '<dd class="stat-reviewed">2</dd>' in html


def test_a_rating_from_a_question_page_that_adds_its_card_matches_from_scratch(client, learner):
    question = make_question("rated-from-its-page", topic=make_topic("topic-1"))

    response = client.post(f"/en/questions/{question.slug}/rate/", {"rating": Rating.HARD}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Learning: 1" in assert_as_from_scratch(client)


def test_many_ratings_one_after_another_match_from_scratch_each_time(client, learner):
    _user, cards = learner
    for n, card in enumerate(cards[:7]):
        rate(card, Rating.AGAIN if n % 3 == 0 else Rating.GOOD)
        assert_as_from_scratch(client)


@pytest.mark.parametrize("interview_date", [None, date(2026, 6, 1)])  # none, or one that has passed
def test_without_an_interview_to_predict_for_the_deck_counted_in_sql_matches_from_scratch(client, learner, clock,
                                                                                         interview_date):
    user, cards = learner
    Preferences.objects.filter(user=user).update(interview_date=interview_date)
    page(client)
    rate(cards[3], Rating.AGAIN)
    rate(cards[0])
    html = assert_as_from_scratch(client)
    assert "Learning: 1" in html and "Relearning: 1" in html

    clock[0] = NOW + timedelta(days=1)
    client.force_login(user)
    rate(cards[8])
    deck_remove_questions(user=user, questions=Question.objects.filter(pk=cards[5].question_id))

    html = assert_as_from_scratch(client)
    assert "Review: 7" in html and "Predicted recall" not in html


def test_a_snapshot_too_far_behind_is_read_again(client, learner, monkeypatch):
    _user, cards = learner
    monkeypatch.setattr("quiz.stats.DECK_OVERLAY_MAX", 2)
    for card in cards[3:7]:
        rate(card, Rating.HARD)

    assert '<dd class="stat-reviewed">4</dd>' in assert_as_from_scratch(client)


def test_undoing_todays_rating_matches_from_scratch(client, learner):
    user, cards = learner
    log = rate(cards[4]).log
    page(client)

    review_undo(user=user, log_id=log.pk)

    assert '<dd class="stat-reviewed">0</dd>' in assert_as_from_scratch(client)
    assert Preferences.objects.get(user=user).log_generation == 0  # today's history is read live


def test_undoing_yesterdays_rating_matches_from_scratch(client, learner, clock):
    user, cards = learner
    clock[0] = NOW - timedelta(hours=14)  # 22:00 the day before
    log = rate(cards[5], Rating.AGAIN).log
    assert log.day == TODAY - timedelta(days=1)
    clock[0] = NOW
    page(client)

    review_undo(user=user, log_id=log.pk)

    assert Preferences.objects.get(user=user).log_generation == 1
    assert_as_from_scratch(client)


def test_a_rating_shown_before_the_day_began_matches_from_scratch(client, learner, clock):
    user, cards = learner
    clock[0] = at(2026, 6, 11, 4, 5)  # a new review day began at 04:00
    page(client)
    cards[6].refresh_from_db()

    log = review_record(user=user, card_id=cards[6].pk, rating=Rating.GOOD, version=cards[6].version,
                        shown_at=at(2026, 6, 11, 3, 58))

    assert log.log.day == TODAY  # the day it was shown on, now a past day
    assert Preferences.objects.get(user=user).log_generation == 1
    assert_as_from_scratch(client)


@pytest.mark.parametrize("action", ["suspend", "bury"])
def test_suspending_or_burying_matches_from_scratch(client, learner, action):
    user, cards = learner
    if action == "suspend":
        card_suspend(user=user, card_id=cards[3].pk, suspended=True)
    else:
        card_bury(user=user, card_id=cards[3].pk)

    assert_as_from_scratch(client)


def test_adding_and_removing_cards_matches_from_scratch(client, learner):
    user, cards = learner
    deck_add_questions(user=user, questions=Question.objects.filter(pk=make_question("added").pk))
    assert "New: 4" in assert_as_from_scratch(client)

    deck_remove_questions(user=user, questions=Question.objects.filter(pk__in=[cards[4].question_id, cards[7].question_id]))

    assert Preferences.objects.get(user=user).log_generation == 1
    assert "Review: 7" in assert_as_from_scratch(client)


@pytest.mark.parametrize(("field", "value"), [("desired_retention", "0.8"), ("interview_date", "2099-02-01"),
                                              ("interview_date", ""), ("day_start_hour", "13")])
def test_a_settings_change_matches_from_scratch(client, learner, field, value):
    response = client.post("/en/settings/", {**SETTINGS, field: value})
    assert response.status_code == 302
    client.get(response["Location"])  # shows (and uses up) the "saved" message

    assert_as_from_scratch(client)


def test_the_day_rolling_over_matches_from_scratch(client, learner, clock):
    user, cards = learner
    for days, card in ((1, cards[3]), (2, cards[8]), (5, cards[0]), (90, cards[9])):
        clock[0] = NOW + timedelta(days=days)
        client.force_login(user)  # the session would have expired
        assert_as_from_scratch(client)
        rate(card, Rating.AGAIN)
        assert_as_from_scratch(client)


def test_a_snapshot_patched_on_a_new_day_is_stored_again(client, learner, clock, monkeypatch):
    user, cards = learner
    monkeypatch.setattr("quiz.stats.DECK_RESTORE_AT", 2)
    for card in cards[3:6]:
        rate(card)
    clock[0] = NOW + timedelta(days=1)
    assert_as_from_scratch(client)
    page(client)  # the snapshot read from scratch is one day old from here on
    clock[0] = NOW + timedelta(days=2)
    for card in cards[6:9]:
        rate(card, Rating.AGAIN)
    page(client)  # patched with the three, and stored again
    rate(cards[0])

    assert_as_from_scratch(client)


def test_a_topic_change_in_the_content_matches_from_scratch(client, learner):
    _user, cards = learner
    Question.objects.filter(pk=cards[4].question_id).update(topic=make_topic("elsewhere", position=9))

    assert "Elsewhere" in assert_as_from_scratch(client)


@pytest.mark.parametrize("write", ["update", "save", "bulk_update", "bulk_create"])
def test_the_workers_question_topics_follow_every_content_write(db, write):
    topic, other = make_topic("first"), make_topic("second")
    question = make_question("moving", topic=topic)
    assert stats.question_topics_at(content_version())[question.pk] == topic.pk

    if write == "update":
        Question.objects.filter(pk=question.pk).update(topic=other)
    elif write == "save":
        question.topic = other
        question.save()
    elif write == "bulk_update":
        question.topic = other
        Question.objects.bulk_update([question], ["topic"])
    else:
        Question.objects.bulk_create([Question(slug="new", number=99, topic=other, question_en="?", question_zh="?")])
        question = Question.objects.get(slug="new")

    assert stats.question_topics_at(content_version())[question.pk] == other.pk


def test_deleting_a_log_in_the_admin_matches_from_scratch(client, learner):
    user, _cards = learner
    oldest = ReviewLog.objects.filter(user=user).order_by("day").first()

    ReviewLogAdmin(ReviewLog, admin.site).delete_queryset(None, ReviewLog.objects.filter(pk=oldest.pk))

    assert_as_from_scratch(client)


def test_after_a_rating_the_deck_is_not_read_again(client, learner, django_assert_num_queries):
    _user, cards = learner
    rate(cards[3])
    # user (the session comes from the shared cache), preferences; due and today's log counts, interview
    # pace, new cards; content version; today's retention, topics; the cards rated since the deck snapshot;
    # weakest cards' questions; expired quizzes, quiz scores
    with django_assert_num_queries(12) as context:
        client.get(DASHBOARD)
    card_reads = [query["sql"] for query in context.captured_queries if 'FROM "quiz_card"' in query["sql"]]
    assert all("quiz_reviewlog" in sql or "COUNT" in sql for sql in card_reads)


@pytest.mark.parametrize("seed", range(6))
def test_the_history_brought_forward_equals_the_history_read_from_scratch(db, seed):
    rng = random.Random(seed)
    user = make_user()
    cards = [make_card(user, make_question(f"h-{n}", topic=make_topic(f"h-{n % 4}", position=n % 4))) for n in range(8)]
    start = date(2025, 1, 1)
    ReviewLog.objects.bulk_create([
        ReviewLog(user=user, card=rng.choice(cards), rating=rng.choice(list(Rating)), reviewed_at=NOW,
                  day=start + timedelta(days=rng.choice([rng.randrange(500), rng.randrange(450, 500)])),
                  scheduled_interval=timedelta(days=1), state_before=rng.choice(list(State)))
        for _ in range(600)
    ])
    through = start + timedelta(days=400 + rng.randrange(50))
    history = _history_from_scratch(user=user, since=through - timedelta(days=363), through=through)
    for step in (1, 1, rng.randrange(2, 30)):
        through += timedelta(days=step)
        since = through - timedelta(days=363)
        history = _history_advanced(history, user=user, since=since, through=through)
        assert history == _history_from_scratch(user=user, since=since, through=through)


@settings(max_examples=300)
@given(
    stability=st.floats(min_value=0.001, max_value=36500),
    last_review=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)),
    gap=st.timedeltas(min_value=timedelta(days=-30), max_value=timedelta(days=4000)),
    decay=st.sampled_from([DEFAULT_PARAMETERS[20], 0.1, 0.5, 0.8]),
)
def test_predicted_recall_equals_fsrs_retrievability(stability, last_review, gap, decay):
    scheduler = scheduler_for(0.9, (*DEFAULT_PARAMETERS[:20], decay))
    moment = last_review + gap
    card = fsrs.Card(card_id=1, state=fsrs.State.Review, stability=stability, difficulty=5.0, due=moment,
                     last_review=last_review)
    model = RecallModel.of(scheduler, moment)

    recall = model.recall(stability, last_review.replace(tzinfo=None))

    assert recall == scheduler.get_card_retrievability(card, current_datetime=moment)


@pytest.mark.parametrize("decay", [DEFAULT_PARAMETERS[20], 0.5])
def test_predicted_recall_read_with_the_deck_equals_fsrs_retrievability_on_300_random_cards(db, decay):
    """The deck's loop (datetimes read back from the database as text) against fsrs on the stored cards."""
    rng = random.Random(17)
    user = make_user(interview_date=date(2026, 7, 1), time_zone="Asia/Kolkata",
                     fsrs_parameters=[*DEFAULT_PARAMETERS[:20], decay])
    topic = make_topic("recall")
    questions = Question.objects.bulk_create([
        Question(slug=f"recall-{n}", number=1000 + n, topic=topic, question_en="?", question_zh="?") for n in range(300)
    ])
    interview_at = interview_of(user.preferences).at
    cards = []
    for n, question in enumerate(questions):
        # Some exactly whole days before the interview, some a microsecond either side of it.
        last = interview_at - timedelta(days=rng.randrange(0, 400), microseconds=rng.choice([0, 1, -1, rng.randrange(86_400_000_000)]))
        if n % 10 == 0:
            cards.append(Card(user=user, question=question))
            continue
        cards.append(Card(user=user, question=question, state=rng.choice([State.LEARNING, State.REVIEW, State.RELEARNING]),
                          stability=rng.choice([rng.uniform(0.001, 5), rng.uniform(5, 36500)]), difficulty=5.0, reps=1,
                          last_review=last, due=last + timedelta(days=1)))
    Card.objects.bulk_create(cards)
    scheduler = scheduler_for(user.preferences.desired_retention, user.preferences.fsrs_parameters)
    expected = {
        card.question_id: None if card.state == State.NEW
        else scheduler.get_card_retrievability(to_fsrs(card, at=NOW), current_datetime=interview_at)
        for card in Card.objects.filter(user=user)
    }

    rows = deck_rows(user=user, preferences=user.preferences)

    assert {question_id: recall for question_id, _topic, _state, _due, recall in rows} == expected
    assert sum(recall is None for recall in expected.values()) == 30


def test_a_card_with_no_review_has_no_predicted_recall():
    assert RecallModel.of(scheduler_for(0.9), NOW).recall(None, None) is None
    assert Card._meta.get_field("stability").null
