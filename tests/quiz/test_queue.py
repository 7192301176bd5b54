from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.models import Preferences, Rating, State
from quiz.queue import review_queue
from quiz.services import deck_add_topic, review_record
from tests.quiz.helpers import at, make_card, make_question, make_questions, make_topic, make_user

pytestmark = pytest.mark.django_db


def queue_at(user, now, **kwargs):
    return review_queue(user=user, preferences=Preferences.objects.get(user=user), now=now, **kwargs)


def rate_next(user, now, rating=Rating.GOOD):
    card = queue_at(user, now).card
    review_record(user=user, card_id=card.pk, rating=rating, version=card.version, now=now)
    return card


def test_new_cards_come_in_content_plan_order_whatever_order_topics_were_added():
    user = make_user()
    later_topic, earlier_topic = make_topic("later", position=2), make_topic("earlier", position=1)
    make_question("third", topic=later_topic, number=30)
    make_question("first", topic=earlier_topic, number=10)
    make_question("second", topic=later_topic, number=20)
    deck_add_topic(user=user, topic=later_topic)
    deck_add_topic(user=user, topic=earlier_topic)
    now = at(2026, 5, 1, 12, 0)

    seen = [rate_next(user, now + timedelta(seconds=i), Rating.EASY).question.slug for i in range(3)]

    assert seen == ["first", "second", "third"]


def test_the_daily_new_card_limit_holds_until_the_next_review_day():
    user = make_user(new_per_day=2)
    topic = make_topic()
    make_questions(5, topic=topic)
    deck_add_topic(user=user, topic=topic)
    now = at(2026, 5, 1, 12, 0)

    assert queue_at(user, now).new == 2
    rate_next(user, now, Rating.EASY)
    rate_next(user, now + timedelta(seconds=1), Rating.EASY)

    done = queue_at(user, now + timedelta(minutes=1))
    assert (done.new, done.card, done.new_done, done.new_waiting, done.in_deck) == (0, None, 2, 3, 5)
    tomorrow = queue_at(user, at(2026, 5, 2, 4, 0))
    assert tomorrow.new == 2
    assert tomorrow.card.question.number == 3


def test_the_daily_review_limit_caps_review_cards_but_not_learning_steps():
    user = make_user(reviews_per_day=2)
    now = at(2026, 5, 1, 12, 0)
    for days_overdue in range(4):
        make_card(user, state=State.REVIEW, stability=5.0, difficulty=5.0, reps=2,
                  last_review=now - timedelta(days=6 + days_overdue), due=now - timedelta(days=days_overdue))

    assert queue_at(user, now).reviews == 2
    oldest = rate_next(user, now, Rating.AGAIN)
    assert oldest.due == now - timedelta(days=3)
    rate_next(user, now + timedelta(seconds=1), Rating.GOOD)

    later = queue_at(user, now + timedelta(minutes=11))
    assert later.reviews == 0
    assert later.learning == 1
    assert later.card.pk == oldest.pk  # relearning step is still served after the limit is reached


def test_learning_cards_due_now_come_before_reviews_and_new_cards():
    user = make_user()
    now = at(2026, 5, 1, 12, 0)
    make_card(user)
    review = make_card(user, state=State.REVIEW, stability=5.0, difficulty=5.0, reps=2,
                       last_review=now - timedelta(days=5), due=now - timedelta(hours=1))
    learning = make_card(user, state=State.LEARNING, step=1, stability=2.0, difficulty=5.0, reps=1,
                         last_review=now - timedelta(minutes=15), due=now - timedelta(minutes=5))

    assert queue_at(user, now).card == learning
    learning.due = now + timedelta(minutes=5)
    learning.save()
    assert queue_at(user, now).card == review


def test_a_learning_card_due_soon_is_shown_early_only_when_nothing_else_is_left():
    user = make_user()
    now = at(2026, 5, 1, 12, 0)
    learning = make_card(user, state=State.LEARNING, step=1, stability=2.0, difficulty=5.0, reps=1,
                         last_review=now, due=now + timedelta(minutes=10))

    assert queue_at(user, now).card == learning
    learning.due = now + timedelta(minutes=30)
    learning.save()
    waiting = queue_at(user, now)
    assert waiting.card is None
    assert (waiting.learning, waiting.next_learning_due) == (1, now + timedelta(minutes=30))


def test_unpublished_questions_leave_the_queue():
    user = make_user()
    card = make_card(user)
    card.question.is_published = False
    card.question.save()

    queue = queue_at(user, at(2026, 5, 1, 12, 0))

    assert (queue.card, queue.new, queue.in_deck) == (None, 0, 0)


def test_review_cards_due_before_the_local_day_start_count_as_due_today():
    # New York, day starts at 04:00. On 10 May 2026 (EDT) the review day ends at 08:00 UTC on 11 May.
    user = make_user(time_zone="America/New_York")
    now = at(2026, 5, 10, 16, 0)
    before_cutoff = make_card(user, state=State.REVIEW, stability=5.0, difficulty=5.0, reps=2,
                              last_review=now - timedelta(days=5), due=at(2026, 5, 11, 7, 59))
    make_card(user, state=State.REVIEW, stability=5.0, difficulty=5.0, reps=2,
              last_review=now - timedelta(days=5), due=at(2026, 5, 11, 8, 0))

    queue = queue_at(user, now)

    assert queue.reviews == 1
    assert queue.card == before_cutoff
    assert queue.day.date == date(2026, 5, 10)


def test_the_new_card_limit_resets_at_the_local_day_start_across_spring_forward():
    # New York springs forward on 8 March 2026, so the review day of 7 March is 23 hours long.
    user = make_user(time_zone="America/New_York", new_per_day=1)
    topic = make_topic()
    make_questions(4, topic=topic)
    deck_add_topic(user=user, topic=topic)

    rate_next(user, at(2026, 3, 7, 23, 30), Rating.EASY)  # 18:30 EST on 7 March
    assert queue_at(user, at(2026, 3, 8, 0, 30)).new == 0  # past midnight UTC: still 7 March locally
    assert queue_at(user, at(2026, 3, 8, 7, 59)).new == 0  # 03:59 EDT: still 7 March
    fresh = queue_at(user, at(2026, 3, 8, 8, 0))  # 04:00 EDT: 8 March begins
    assert (fresh.new, fresh.day.date) == (1, date(2026, 3, 8))
    assert fresh.day.start == at(2026, 3, 8, 8, 0)


def test_due_counts_follow_the_local_day_across_fall_back():
    # New York falls back on 1 November 2026: the review day of 31 October ends at 09:00 UTC.
    user = make_user(time_zone="America/New_York")
    now = at(2026, 10, 31, 20, 0)
    for hour in (8, 9):
        make_card(user, state=State.REVIEW, stability=5.0, difficulty=5.0, reps=2,
                  last_review=now - timedelta(days=5), due=at(2026, 11, 1, hour, 30))

    queue = queue_at(user, now)

    assert queue.day.end == at(2026, 11, 1, 9, 0)
    assert queue.reviews == 1  # 03:30 EST is before the 04:00 cut-off; 04:30 EST is tomorrow


def test_a_requested_card_is_shown_first_if_it_is_queued():
    user = make_user()
    first, second = make_card(user), make_card(user)
    now = at(2026, 5, 1, 12, 0)

    assert queue_at(user, now).card == first
    assert queue_at(user, now, card_id=second.pk).card == second


def test_a_requested_card_that_is_not_due_is_ignored():
    user = make_user()
    now = at(2026, 5, 1, 12, 0)
    waiting = make_card(user, state=State.REVIEW, stability=50.0, difficulty=5.0, reps=3,
                        last_review=now, due=now + timedelta(days=40))

    assert queue_at(user, now, card_id=waiting.pk).card is None


def test_asking_for_someone_elses_card_raises():
    owner, other = make_user("owner"), make_user("other")
    card = make_card(owner)

    with pytest.raises(card.DoesNotExist):
        queue_at(other, at(2026, 5, 1, 12, 0), card_id=card.pk)


def test_progress_counts_what_was_done_and_what_remains():
    user = make_user()
    topic = make_topic()
    make_questions(3, topic=topic)
    deck_add_topic(user=user, topic=topic)
    now = at(2026, 5, 1, 12, 0)
    rate_next(user, now, Rating.EASY)
    rate_next(user, now + timedelta(seconds=1), Rating.GOOD)

    queue = queue_at(user, now + timedelta(seconds=2))

    assert (queue.done, queue.new, queue.learning, queue.remaining, queue.total) == (2, 1, 1, 2, 4)


@pytest.mark.parametrize("seed", range(5))
def test_the_plain_sql_counts_equal_the_orm_querysets_they_replace(seed):
    """queue_counts and new_count against the same figures through Card.objects.for_user().studying()."""
    import random

    from django.db.models import Count, Max, Min, Q

    from quiz.days import review_day
    from quiz.models import INTRADAY_STATES, Card, ReviewLog
    from quiz.queue import LEARN_AHEAD, SCHEDULED_STATES, new_count, queue_counts

    rng = random.Random(seed)
    now = at(2026, 6, 10, 9, 30, 15, 123456)
    user, other = make_user(), make_user("other")
    day = review_day(now, zone=user.preferences.zone, day_start_hour=user.preferences.day_start_hour)
    for n, question in enumerate(make_questions(60, topic=make_topic("counted"))):
        state = rng.choice(list(State))
        owner = other if n % 7 == 0 else user
        fields = {"suspended": rng.random() < 0.15,
                  "buried_until": rng.choice([None, None, day.date, day.date + timedelta(days=1), day.date - timedelta(days=1)])}
        if state != State.NEW:
            due = now + timedelta(minutes=rng.randint(-3000, 3000))
            fields.update(state=state, stability=2.0, difficulty=5.0, reps=1, due=due, last_review=due - timedelta(days=1))
        card = make_card(owner, question, **fields)
        if rng.random() < 0.1:
            question.is_published = False
            question.save()
        for _ in range(rng.randint(0, 2)):
            log_day = rng.choice([day.date, day.date, day.date - timedelta(days=1)])
            ReviewLog.objects.create(user=owner, card=card, rating=Rating.GOOD, reviewed_at=now, day=log_day,
                                     scheduled_interval=timedelta(days=1), state_before=rng.choice(list(State)))
    until = day.end + timedelta(days=rng.choice([0, 0, 3]))
    mine = Card.objects.for_user(user).studying(day.date)
    intraday = Q(state__in=INTRADAY_STATES)
    expected = mine.filter(state__in=SCHEDULED_STATES, due__lt=max(until, now + LEARN_AHEAD)).aggregate(
        learning=Count("pk", filter=intraday & Q(due__lt=day.end)),
        reviews=Count("pk", filter=Q(state=State.REVIEW) & Q(due__lt=until)),
        next_learning_due=Min("due", filter=intraday),
    ) | ReviewLog.objects.filter(user=user, day=day.date).aggregate(
        done=Count("pk"),
        new_done=Count("pk", filter=Q(state_before=State.NEW)),
        reviews_done=Count("pk", filter=Q(state_before=State.REVIEW)),
        last_log_id=Max("pk"),
    )

    assert expected["learning"] and expected["reviews"] and expected["done"]  # the data exercises each count
    assert queue_counts(user=user, now=now, day=day, until=until) == expected
    assert new_count(user=user, today=day.date) == mine.filter(state=State.NEW).count()
    assert new_count(user=user, today=day.date, limit=3) == min(3, mine.filter(state=State.NEW).count())


rarely = st.integers(0, 5).map(lambda n: n == 0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(cards=st.lists(st.tuples(
    rarely,  # the other learner's card
    st.sampled_from(list(State)),
    st.integers(-3000, 3000),  # due, minutes from now (rounded to due_step, so that cards share one)
    rarely,  # suspended
    st.sampled_from([None, None, None, -1, 0, 1]),  # buried until, days from today
    rarely,  # question unpublished
), max_size=24), due_step=st.sampled_from([1, 60, 600]))
def test_the_plain_sql_pick_is_the_card_the_orm_queryset_picks(cards, due_step):
    """pick() against Card.objects.for_user(user).studying(today).select_related("question__topic").<kind>().first()."""
    from kbase.models import Question
    from quiz.days import review_day
    from quiz.models import Card
    from quiz.queue import LEARN_AHEAD, PICKS, pick, users_card

    Card.objects.all().delete()
    Question.objects.all().delete()
    get_user_model().objects.all().delete()
    now = at(2026, 6, 10, 9, 30, 15, 123456)
    user, other = make_user(), make_user("other")
    day = review_day(now, zone=user.preferences.zone, day_start_hour=user.preferences.day_start_hour)
    # Numbers out of creation order, so "new" cards are picked by content-plan order, not by id.
    questions = make_questions(len(cards), topic=make_topic("picked"), start=1000)
    for question, number in zip(questions, reversed(range(len(cards))), strict=True):
        question.number = number
        question.save()
    for question, (theirs, state, minutes, suspended, buried, unpublished) in zip(questions, cards, strict=True):
        fields = {"suspended": suspended, "buried_until": None if buried is None else day.date + timedelta(days=buried)}
        if state != State.NEW:
            due = now + timedelta(minutes=minutes - minutes % due_step)
            fields.update(state=state, stability=2.0, difficulty=5.0, reps=1, due=due, last_review=due - timedelta(days=1))
        make_card(other if theirs else user, question, **fields)
        if unpublished:
            Question.objects.filter(pk=question.pk).update(is_published=False)

    mine = Card.objects.for_user(user).studying(day.date).select_related("question__topic")
    for kind, moments in (("intraday", [now, now + LEARN_AHEAD]), ("review", [day.end, day.end + timedelta(days=3)]),
                          ("new", [None])):
        for moment in moments:
            queryset = getattr(mine, PICKS[kind][2])
            expected = (queryset(moment) if moment else queryset()).first()
            picked = pick(user=user, today=day.date, kind=kind, moment=moment)
            assert picked == expected, (kind, moment)
            if picked is not None:
                assert [getattr(picked, f.attname) for f in Card._meta.concrete_fields] == [
                    getattr(expected, f.attname) for f in Card._meta.concrete_fields]
                for loaded, reference in ((picked.question, expected.question),
                                          (picked.question.topic, expected.question.topic)):
                    fields = type(reference)._meta.concrete_fields
                    assert [getattr(loaded, f.attname) for f in fields] == [getattr(reference, f.attname) for f in fields]
    for card in Card.objects.all():
        if card.user_id == user.pk:
            assert users_card(user=user, card_id=card.pk).question.topic.slug == "picked"
        else:
            with pytest.raises(Card.DoesNotExist):
                users_card(user=user, card_id=card.pk)
