from datetime import timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbase.models import Question
from quiz.models import Answer, Attempt, Card, GeneratedMode, ItemKind, Mix, Rating, ReviewLog
from quiz.quizzes import plan
from quiz.services import AnswerStatus, BadAnswer, NoQuestions, attempt_answer, attempt_expire_if_due, attempt_finish, attempt_start, quiz_set_create
from tests.quiz.helpers import at, make_topic, make_user
from tests.quiz.quiz_helpers import make_bank, right_value, spec, start, wrong_value

pytestmark = pytest.mark.django_db
T0 = at(2026, 3, 8, 12, 0)


def test_an_attempt_stores_its_deadline_and_frozen_items():
    make_bank(6)
    attempt = start(make_user(), minutes=7, now=T0, count=5)
    assert attempt.deadline == T0 + timedelta(minutes=7)
    items = list(attempt.items.all())
    assert [item.position for item in items] == [1, 2, 3, 4, 5]
    assert all(item.kind == ItemKind.CHOICE and len(item.options) == 3 for item in items)
    for item in items:
        right = next(o for o in item.options if o["value"] == item.correct_answer)
        assert right["en"].startswith("right")


def test_the_mix_splits_between_content_and_generated_items():
    make_bank(10)
    both = start(make_user("a"), count=10, mix=Mix.BOTH)
    kinds = list(both.items.values_list("kind", flat=True))
    assert kinds.count(ItemKind.CHOICE) == 5 and kinds.count(ItemKind.GENERATED) == 5
    generated = start(make_user("b"), count=8, mix=Mix.GENERATED)
    assert set(generated.items.values_list("kind", flat=True)) == {ItemKind.GENERATED}
    assert generated.total == 8


def test_generated_items_fill_what_the_content_cannot():
    make_bank(3)
    attempt = start(make_user(), count=10, mix=Mix.BOTH)
    kinds = list(attempt.items.values_list("kind", flat=True))
    assert kinds.count(ItemKind.CHOICE) == 3 and kinds.count(ItemKind.GENERATED) == 7


def test_topic_and_difficulty_filters_apply_to_both_kinds():
    make_bank(6, slug="probes", difficulty=1)
    make_bank(6, slug="docker", difficulty=3)
    probes = make_topic("probes")
    attempt = start(make_user(), topics=[probes], count=10, mix=Mix.BOTH, low=1, high=2)
    items = list(attempt.items.select_related("question"))
    assert {item.question.topic.slug for item in items if item.question} == {"probes"}
    assert {item.generator for item in items if item.generator} <= {"pod-ready-at", "pod-liveness-kill"}
    assert all(item.generator != "pod-liveness-kill" for item in items)  # difficulty 3


def test_nothing_to_ask_is_a_clear_error():
    make_bank(3, slug="docker")
    with pytest.raises(NoQuestions, match="No questions match"):
        start(make_user(), topics=[make_topic("docker")], mix=Mix.GENERATED)


def test_an_attempt_is_rebuilt_exactly_from_its_seed():
    make_bank(8)
    attempt = start(make_user(), count=10, mix=Mix.BOTH, seed=1234)
    stored = [
        (i.position, i.kind, i.question_id, i.generator, i.generator_seed, i.params, i.options, i.correct_answer,
         i.prompt_en, i.prompt_zh)
        for i in attempt.items.all()
    ]
    rebuilt = plan(spec(count=10, mix=Mix.BOTH), selection_seed=1234, generation_seed=1234, shuffle_seed=1234)
    assert [
        (f["position"], f["kind"], f["question"].pk if "question" in f else None, f.get("generator", ""),
         f.get("generator_seed"), f.get("params", {}), f["options"], f["correct_answer"], f["prompt_en"], f["prompt_zh"])
        for f in (item.fields for item in rebuilt)
    ] == stored
    other = start(make_user("other"), count=10, mix=Mix.BOTH, seed=99)
    assert [i.params for i in other.items.all()] != [row[5] for row in stored]


def test_answers_are_graded_and_stored_once():
    make_bank(5)
    user = make_user()
    attempt = start(user, now=T0)
    item = attempt.items.get(position=1)
    first = attempt_answer(user=user, attempt_id=attempt.pk, position=1, value=right_value(item), now=T0)
    again = attempt_answer(user=user, attempt_id=attempt.pk, position=1, value=wrong_value(item), now=T0)
    assert first.status == AnswerStatus.RECORDED and first.answer.is_correct
    assert again.status == AnswerStatus.DUPLICATE and again.answer.pk == first.answer.pk
    assert list(Answer.objects.values_list("value", "is_correct")) == [(right_value(item), True)]


def test_a_value_that_is_not_an_option_or_a_number_is_refused():
    make_bank(5)
    user = make_user()
    # Half the generators ask for a choice: take the first seed whose generated items include a number.
    for seed in range(50):
        attempt = start(user, now=T0, mix=Mix.BOTH, count=6, seed=seed)
        number = next((item for item in attempt.items.filter(kind=ItemKind.GENERATED) if not item.options), None)
        if number is not None:
            break
    choice = attempt.items.filter(kind=ItemKind.CHOICE).first()
    with pytest.raises(BadAnswer, match="Choose one of the options"):
        attempt_answer(user=user, attempt_id=attempt.pk, position=choice.position, value="9", now=T0)
    with pytest.raises(BadAnswer, match="Enter a number"):
        attempt_answer(user=user, attempt_id=attempt.pk, position=number.position, value="soon", now=T0)
    outcome = attempt_answer(user=user, attempt_id=attempt.pk, position=number.position,
                             value=f" {number.correct_answer} ", now=T0)
    assert outcome.answer.is_correct
    assert Answer.objects.count() == 1


def test_someone_elses_attempt_cannot_be_answered():
    make_bank(5)
    attempt = start(make_user("owner"))
    with pytest.raises(Attempt.DoesNotExist):
        attempt_answer(user=make_user("intruder"), attempt_id=attempt.pk, position=1, value="1")
    assert not Answer.objects.exists()


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_finished():
    make_bank(5)
    user = make_user()
    attempt = start(user, now=T0, minutes=2)
    item = attempt.items.get(position=1)
    attempt_answer(user=user, attempt_id=attempt.pk, position=1, value=right_value(item), now=T0 + timedelta(minutes=1))
    late = attempt_answer(user=user, attempt_id=attempt.pk, position=2,
                          value=right_value(attempt.items.get(position=2)), now=T0 + timedelta(minutes=2))
    assert late.status == AnswerStatus.EXPIRED
    attempt.refresh_from_db()
    assert attempt.finished_at == attempt.deadline and attempt.score == 1
    assert Answer.objects.count() == 1
    after = attempt_answer(user=user, attempt_id=attempt.pk, position=3, value="1", now=T0 + timedelta(minutes=9))
    assert after.status == AnswerStatus.FINISHED


def test_an_expired_attempt_finishes_on_the_next_request_with_unanswered_items_wrong():
    make_bank(5)
    user = make_user()
    attempt = start(user, now=T0, minutes=1)
    assert attempt_expire_if_due(attempt=attempt, now=T0 + timedelta(seconds=59)).finished_at is None
    finished = attempt_expire_if_due(attempt=attempt, now=T0 + timedelta(hours=3))
    assert (finished.finished_at, finished.score, finished.total) == (T0 + timedelta(minutes=1), 0, 5)
    assert ReviewLog.objects.filter(rating=Rating.AGAIN).count() == 5


def test_finishing_twice_changes_nothing():
    make_bank(5)
    user = make_user()
    attempt = start(user, now=T0)
    attempt_finish(attempt=attempt, now=T0 + timedelta(seconds=30))
    attempt_finish(attempt=attempt, now=T0 + timedelta(seconds=90))
    attempt.refresh_from_db()
    assert attempt.finished_at == T0 + timedelta(seconds=30)
    assert ReviewLog.objects.count() == 5


def test_the_deadline_follows_the_servers_clock_not_the_request():
    make_bank(5)
    user = make_user()
    with time_machine.travel(T0, tick=False):
        attempt = attempt_start(user=user, spec=spec(), time_limit_minutes=1)
    with time_machine.travel(T0 + timedelta(seconds=61), tick=False):
        outcome = attempt_answer(user=user, attempt_id=attempt.pk, position=1, value="1")
    assert outcome.status == AnswerStatus.EXPIRED
    assert not Answer.objects.exists()


def test_results_feed_review_good_for_right_and_again_for_wrong_or_missing():
    questions = make_bank(5)
    user = make_user()
    attempt = start(user, now=T0)
    items = list(attempt.items.all())
    attempt_answer(user=user, attempt_id=attempt.pk, position=1, value=right_value(items[0]), now=T0)
    attempt_answer(user=user, attempt_id=attempt.pk, position=2, value=wrong_value(items[1]), now=T0)
    attempt_finish(attempt=attempt, now=T0 + timedelta(minutes=1))
    ratings = dict(ReviewLog.objects.values_list("card__question_id", "rating"))
    assert ratings == {
        items[0].question_id: Rating.GOOD,
        **{item.question_id: Rating.AGAIN for item in items[1:]},
    }
    assert Card.objects.filter(user=user).count() == len(questions)


def test_generated_items_have_no_card_and_are_skipped():
    make_bank(2)
    user = make_user()
    attempt = start(user, now=T0, count=6, mix=Mix.BOTH)
    attempt_finish(attempt=attempt, now=T0)
    assert ReviewLog.objects.count() == 2 == attempt.items.filter(kind=ItemKind.CHOICE).count()


def test_the_review_hand_off_can_be_switched_off():
    make_bank(5)
    user = make_user(quiz_feeds_review=False)
    attempt = start(user, now=T0)
    attempt_finish(attempt=attempt, now=T0)
    assert not ReviewLog.objects.exists() and not Card.objects.exists()


def test_a_shared_set_gives_everyone_the_same_questions_and_fixed_numbers():
    make_bank(8)
    owner = make_user("owner")
    quiz_set = quiz_set_create(owner=owner, name="Interview", spec=spec(count=8, mix=Mix.BOTH), time_limit_minutes=15,
                               generated_mode=GeneratedMode.FIXED)
    first = attempt_start(user=make_user("ann"), quiz_set=quiz_set, seed=1)
    second = attempt_start(user=make_user("bob"), quiz_set=quiz_set, seed=2)
    fields = ("position", "question_id", "generator", "generator_seed", "params", "correct_answer")
    assert list(first.items.values_list(*fields)) == list(second.items.values_list(*fields))
    assert (first.deadline - first.started_at) == timedelta(minutes=15)


def test_fresh_numbers_per_candidate_keep_the_questions_but_change_the_parameters():
    make_bank(8)
    quiz_set = quiz_set_create(owner=make_user("owner"), name="Fresh", spec=spec(count=8, mix=Mix.BOTH),
                               time_limit_minutes=15, generated_mode=GeneratedMode.FRESH)
    first = attempt_start(user=make_user("ann"), quiz_set=quiz_set, seed=1)
    second = attempt_start(user=make_user("bob"), quiz_set=quiz_set, seed=2)
    assert list(first.items.values_list("question_id", "generator")) == list(
        second.items.values_list("question_id", "generator"))
    generated = lambda a: list(a.items.filter(kind=ItemKind.GENERATED).values_list("params", flat=True))  # noqa: E731
    assert generated(first) != generated(second)


def test_options_are_shuffled_per_attempt():
    make_bank(5, slug="probes")
    quiz_set = quiz_set_create(owner=make_user("owner"), name="Same", spec=spec(count=5), time_limit_minutes=5,
                               generated_mode=GeneratedMode.FIXED)
    orders = set()
    for seed in range(8):
        attempt = attempt_start(user=make_user(f"u{seed}"), quiz_set=quiz_set, seed=seed)
        item = attempt.items.get(position=1)
        orders.add(tuple(option["value"] for option in item.options))
        assert sorted(option["value"] for option in item.options) == ["1", "2", "3"]
    assert len(orders) > 1


def test_the_database_holds_one_answer_per_item():
    from django.db import IntegrityError, transaction

    make_bank(5)
    item = start(make_user(), now=T0).items.get(position=1)
    Answer.objects.create(item=item, value="1", is_correct=True, answered_at=T0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(item=item, value="2", is_correct=False, answered_at=T0)
    assert Answer.objects.count() == 1


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan_=st.lists(st.sampled_from(["right", "wrong", "skip"]), min_size=6, max_size=6), seed=st.integers(0, 999))
def test_the_score_is_the_number_of_right_answers_and_topics_add_up(django_user_model, plan_, seed):
    from quiz.grading import by_topic

    if not Question.objects.exists():  # hypothesis runs every example in the same test transaction
        make_bank(4)
    user = django_user_model.objects.create_user(f"h{django_user_model.objects.count()}")
    attempt = start(user, now=T0, count=6, mix=Mix.BOTH, seed=seed)
    items = list(attempt.items.select_related("topic"))
    for item, choice in zip(items, plan_, strict=True):
        if choice != "skip":
            value = right_value(item) if choice == "right" else wrong_value(item)
            attempt_answer(user=user, attempt_id=attempt.pk, position=item.position, value=value, now=T0)
    finished = attempt_finish(attempt=attempt, now=T0 + timedelta(minutes=1))
    assert finished.score == plan_.count("right") and finished.total == 6
    answered = dict(Answer.objects.filter(item__attempt=attempt).values_list("item_id", "is_correct"))
    topics = by_topic((item.topic.slug if item.topic else "", "", answered.get(item.pk, False)) for item in items)
    assert sum(t.correct for t in topics) == finished.score and sum(t.total for t in topics) == 6
