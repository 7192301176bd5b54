"""quiz/deck_state.py: the plain-SQL deck reads behind signed-in page views mean what their querysets mean."""

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbase.models import Question
from quiz import deck_state
from quiz.models import Card
from tests.quiz.helpers import make_card, make_question, make_topic, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    topics = [make_topic("pods", position=0), make_topic("networking", position=1)]
    return [make_question(f"q-{n}", topic=topics[n % 2]) for n in range(8)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.tuples(st.integers(0, 1), st.integers(0, 7)), max_size=16),
       unpublished=st.sets(st.integers(0, 7), max_size=4))
def test_the_deck_reads_equal_their_querysets_on_random_decks(catalogue, picks, unpublished):
    Card.objects.all().delete()
    get_user_model().objects.all().delete()
    Question.objects.update(is_published=True)
    Question.objects.filter(slug__in=[f"q-{n}" for n in unpublished]).update(is_published=False)
    users = [make_user(f"learner-{n}") for n in range(2)]
    for who, which in set(picks):
        make_card(users[who], catalogue[which])
    for user in users:
        for topic in ("pods", "networking", "no-such-topic"):
            expected = Card.objects.for_user(user).filter(question__topic__slug=topic).count()
            assert deck_state.topic_cards(user.pk, topic) == expected
        for slug in [f"q-{n}" for n in range(8)] + ["no-such-question"]:
            expected = Card.objects.filter(user=user, question__slug=slug).values_list("version", flat=True).first()
            assert deck_state.card_version(user.pk, slug) == expected
