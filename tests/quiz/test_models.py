from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from quiz.models import Card, Preferences, State
from tests.quiz.helpers import at, make_card, make_question, make_user

pytestmark = pytest.mark.django_db


def test_a_learner_has_one_card_per_question():
    user = make_user()
    question = make_question("only-once")
    Card.objects.create(user=user, question=question)

    with pytest.raises(IntegrityError):
        Card.objects.create(user=user, question=question)


def test_two_learners_may_hold_the_same_question():
    question = make_question("shared")
    make_card(make_user("a"), question)
    make_card(make_user("b"), question)

    assert Card.objects.filter(question=question).count() == 2


@pytest.mark.parametrize("retention", [0.5, 0.99])
def test_the_database_refuses_retention_outside_070_097(retention):
    user = make_user()

    with pytest.raises(IntegrityError):
        Preferences.objects.filter(user=user).update(desired_retention=retention)


def test_the_database_refuses_a_reviewed_card_without_a_due_date():
    with pytest.raises(IntegrityError):
        make_card(make_user(), state=State.REVIEW, stability=1.0, difficulty=5.0, reps=1, last_review=at(2026, 1, 1), due=None)


def test_the_database_refuses_a_new_card_with_a_schedule():
    with pytest.raises(IntegrityError):
        make_card(make_user(), due=at(2026, 1, 1), last_review=at(2026, 1, 1) - timedelta(days=1))


def test_a_question_with_cards_cannot_be_deleted():
    card = make_card(make_user())

    with pytest.raises(IntegrityError):
        card.question.delete()


def test_the_quiz_models_have_no_pending_migrations():
    out = StringIO()
    call_command("makemigrations", "quiz", "--check", "--dry-run", stdout=out)

    assert "No changes detected" in out.getvalue()
