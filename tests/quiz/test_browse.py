import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from quiz.models import Card, Rating, ReviewLog, State
from quiz.services import review_record
from tests.quiz.helpers import at, make_card, make_question, make_questions, make_topic, make_user

pytestmark = pytest.mark.django_db

DECK = "/en/deck/"
ACTION = "/en/deck/cards/action/"


@pytest.fixture
def learner(client):
    user = make_user()
    client.force_login(user)
    return user


def reviewed(user, question, **fields):
    now = timezone.now()
    defaults = {"state": State.REVIEW, "stability": 12.0, "difficulty": 5.0, "reps": 3,
                "last_review": now - timedelta(days=6), "due": now + timedelta(days=6)}
    return make_card(user, question, **{**defaults, **fields})


def test_the_browser_filters_by_text_topic_state_due_and_flags(client, learner):
    pods, probes = make_topic("pods", position=1), make_topic("probes", position=2)
    now = timezone.now()
    new = make_card(learner, make_question("pod-restart", topic=pods, question_en="Why does a pod restart?"))
    overdue = reviewed(learner, make_question("liveness", topic=probes), due=now - timedelta(days=3))
    leech = reviewed(learner, make_question("readiness", topic=probes), is_leech=True, suspended=True, lapses=8)
    later = reviewed(learner, make_question("startup", topic=probes), due=now + timedelta(days=30))

    def listed(**query):
        response = client.get(DECK, query)
        assert response.status_code == 200
        return {card.pk for card in response.context["page"].object_list}

    assert listed() == {new.pk, overdue.pk, leech.pk, later.pk}
    assert listed(q="restart") == {new.pk}
    assert listed(q="RESTART") == {new.pk}
    assert listed(topic="probes") == {overdue.pk, leech.pk, later.pk}
    assert listed(state="new") == {new.pk}
    assert listed(due="overdue") == {overdue.pk}
    assert listed(due="week") == {overdue.pk, leech.pk}
    assert listed(flag="leech") == {leech.pk}
    assert listed(flag="suspended") == {leech.pk}
    html = client.get(DECK, {"flag": "leech"}).content.decode()
    assert "What is readiness?" in html and "Leech" in html and "1 card matches." in html


@pytest.mark.parametrize(("field", "value"), [("state", "asleep"), ("due", "someday"), ("page", "x"), ("topic", "no spaces")])
def test_a_bad_browser_filter_is_a_400_naming_the_field(client, learner, field, value):
    response = client.get(DECK, {field: value})

    assert response.status_code == 400


def test_the_browser_pages_fifty_cards_at_a_fixed_number_of_queries(client, learner, django_assert_num_queries):
    for question in make_questions(120, topic=make_topic("many")):
        make_card(learner, question)

    # user (the session comes from the shared cache); topics, cards per topic; preferences; count, page of cards
    with django_assert_num_queries(6):
        response = client.get(DECK, {"page": 3})
    assert len(response.context["page"].object_list) == 20
    assert "Page 3 of 3" in response.content.decode()


def test_the_card_page_shows_history_and_a_forgetting_curve(client, learner):
    card = make_card(learner, make_question("probe-history"))
    moment = timezone.now() - timedelta(days=20)
    for rating, days in ((Rating.GOOD, 0), (Rating.GOOD, 1), (Rating.AGAIN, 6)):
        card.refresh_from_db()
        review_record(user=learner, card_id=card.pk, rating=rating, version=card.version,
                      now=moment + timedelta(days=days))

    html = client.get(f"/en/deck/cards/{card.pk}/").content.decode()

    assert html.count("<h1") == 1
    assert "What is probe-history?" in html
    assert html.count('<circle class="marker-') == 3
    assert '<polyline class="curve"' in html
    assert html.count("<tr>") == 4  # header + three reviews
    assert " style=" not in html


def test_another_learners_card_page_is_a_404(client, learner):
    card = make_card(make_user("someone-else"))
    assert client.get(f"/en/deck/cards/{card.pk}/").status_code == 404


def test_suspend_unsuspend_and_bury_from_the_review_page_and_the_card_page(client, learner):
    card = make_card(learner)

    assert client.post(ACTION, {"card": card.pk, "action": "suspend", "next": "review"})["Location"] == "/en/review/"
    assert Card.objects.get(pk=card.pk).suspended
    assert client.post(ACTION, {"card": card.pk, "action": "unsuspend", "next": "card"})["Location"] == \
        f"/en/deck/cards/{card.pk}/"
    assert not Card.objects.get(pk=card.pk).suspended
    client.post(ACTION, {"card": card.pk, "action": "bury", "next": "review", "ahead": 3})
    assert Card.objects.get(pk=card.pk).buried_until > timezone.now().date() - timedelta(days=1)


def test_card_actions_check_the_owner_and_the_input(client, learner):
    other = make_card(make_user("other"))
    assert client.post(ACTION, {"card": other.pk, "action": "suspend"}).status_code == 404
    assert client.post(ACTION, {"card": other.pk, "action": "explode"}).status_code == 400
    assert client.get(ACTION).status_code == 405
    assert not Card.objects.get(pk=other.pk).suspended


def test_the_review_log_exports_as_csv(client, learner):
    card = make_card(learner, make_question("csv-card"))
    moment = at(2026, 6, 1, 12, 0)
    review_record(user=learner, card_id=card.pk, rating=Rating.GOOD, version=0, now=moment,
                  shown_at=moment - timedelta(seconds=7))
    card.refresh_from_db()
    review_record(user=learner, card_id=card.pk, rating=Rating.AGAIN, version=card.version, now=moment + timedelta(minutes=15))
    other = make_card(make_user("other"))
    review_record(user=other.user, card_id=other.pk, rating=Rating.GOOD, version=0, now=moment)  # stays out

    response = client.get("/en/export/review-log.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert rows == [
        ["card", "question", "reviewed_at", "rating", "state", "duration_ms", "scheduled_interval_days"],
        [str(card.pk), "csv-card", "2026-06-01T11:59:53+00:00", "3", "new", "7000", "0.0069"],
        [str(card.pk), "csv-card", "2026-06-01T12:15:00+00:00", "1", "learning", "", "0.0007"],
    ]
    assert ReviewLog.objects.count() == 3


def test_studying_ahead_from_the_review_page_keeps_going_without_javascript(client, learner):
    now = timezone.now()
    card = reviewed(learner, make_question("soon"), due=now + timedelta(days=2))

    assert "Study ahead" in client.get("/en/review/").content.decode()
    html = client.get("/en/review/", {"ahead": 3}).content.decode()
    assert "What is soon?" in html and 'name="ahead" value="3"' in html

    response = client.post("/en/review/rate/", {"card": card.pk, "version": card.version, "rating": 3, "ahead": 3})
    assert response["Location"] == "/en/review/?ahead=3"
    assert ReviewLog.objects.get().state_before == State.REVIEW


@pytest.mark.parametrize("value", ["-1", "31", "soon"])
def test_a_bad_study_ahead_value_is_a_400_naming_the_field(client, learner, value):
    response = client.get("/en/review/", {"ahead": value})
    assert response.status_code == 400


def test_the_browser_suspends_and_unsuspends_and_returns_to_the_same_filters(client, learner):
    card = make_card(learner, make_question("toggle"))
    response = client.post(ACTION, {"card": card.pk, "action": "suspend", "next": "browse", "query": "q=toggle&state=new"})

    assert response["Location"] == "/en/deck/?q=toggle&state=new"
    assert Card.objects.get(pk=card.pk).suspended
    html = client.get(DECK, {"q": "toggle"}).content.decode()
    assert 'value="unsuspend"' in html
    client.post(ACTION, {"card": card.pk, "action": "unsuspend", "next": "browse"})
    assert not Card.objects.get(pk=card.pk).suspended
