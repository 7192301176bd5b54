import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from quiz.models import Card, Rating, ReviewLog, State
from quiz.services import deck_add_topic
from tests.quiz.helpers import make_card, make_question, make_questions, make_topic, make_user

pytestmark = pytest.mark.django_db

REVIEW = "/en/review/"
RATE = "/en/review/rate/"
UNDO = "/en/review/undo/"


def field(html, name):
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def rating_post(html, rating):
    return {"card": field(html, "card"), "version": field(html, "version"), "shown_at": field(html, "shown_at"), "rating": rating}


@pytest.fixture
def learner(client):
    user = make_user()
    topic = make_topic()
    make_questions(3, topic=topic)
    deck_add_topic(user=user, topic=topic)
    client.force_login(user)
    return user


def test_review_needs_an_account(client):
    response = client.get(REVIEW)

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/review/"


@pytest.mark.parametrize(("prefix", "question_text"), [("en", "What is q-0?"), ("zh-hans", "什么是 q-0？")])
def test_the_review_page_shows_the_next_card_with_its_answer_hidden(client, learner, prefix, question_text):
    response = client.get(f"/{prefix}/review/")
    html = response.content.decode()

    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert f'<html lang="{prefix}"' in html
    assert question_text in html
    assert '<details class="reveal">' in html  # answer hidden until revealed, with or without JavaScript
    assert html.count('name="rating"') == 4
    assert '<progress class="progress" value="0" max="3"' in html
    assert "js/review.js" in html


def test_the_answer_side_embeds_the_questions_simulator_runs(client, learner):
    topic = make_topic("sims")
    question = make_question("with-sim", topic=topic,
                             sims=[{"kind": "no-such-kind", "params": {}, "caption": {"en": "A run", "zh": "一次运行"}}])
    card = make_card(learner, question)

    html = client.get(f"{REVIEW}?card={card.pk}").content.decode()

    assert "Try it in the simulator" in html
    assert "A run" in html


def test_each_rating_button_shows_the_interval_that_gets_saved(client):
    user = make_user()
    now = timezone.now()
    make_card(user, state=State.REVIEW, stability=30.0, difficulty=5.0, reps=4,
              last_review=now - timedelta(days=31), due=now - timedelta(days=1))
    client.force_login(user)
    html = client.get(REVIEW).content.decode()
    shown = {int(value): int(seconds) for value, seconds in
             re.findall(r'name="rating" value="(\d)" class="[^"]*" data-interval-seconds="(\d+)"', html)}

    client.post(RATE, rating_post(html, Rating.GOOD))

    log = ReviewLog.objects.get()
    assert log.scheduled_interval == timedelta(seconds=shown[Rating.GOOD])
    assert shown[Rating.GOOD] >= 7 * 86400


def test_rating_without_javascript_redirects_to_the_next_card(client, learner):
    # At midday: the card rated Good comes back in 10 minutes, still today (near the 04:00 day start it
    # would fall into tomorrow and the progress bar would rightly count 3).
    now = timezone.now()
    noon = now.replace(hour=12, minute=0) + timedelta(days=1 if now.hour >= 12 else 0)
    with time_machine.travel(noon, tick=True):
        html = client.get(REVIEW).content.decode()

        response = client.post(RATE, rating_post(html, Rating.GOOD))

        assert response.status_code == 302
        assert response["Location"] == REVIEW
        assert ReviewLog.objects.filter(user=learner).count() == 1
        next_page = client.get(REVIEW).content.decode()
    assert "What is q-1?" in next_page
    assert '<progress class="progress" value="1" max="4"' in next_page


def test_rating_with_htmx_swaps_in_the_next_card(client, learner):
    html = client.get(REVIEW).content.decode()

    response = client.post(RATE, rating_post(html, Rating.GOOD), HTTP_HX_REQUEST="true")
    fragment = response.content.decode()

    assert response.status_code == 200
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<div id="review-session"')
    assert "What is q-1?" in fragment
    assert 'name="log"' in fragment  # undo is offered


def test_the_htmx_fragment_of_the_review_page_is_just_the_session(client, learner):
    response = client.get(REVIEW, HTTP_HX_REQUEST="true")

    assert "<html" not in response.content.decode()
    assert "What is q-0?" in response.content.decode()


def test_a_double_submitted_rating_is_recorded_once_and_both_answers_show_the_same_next_card(client, learner):
    html = client.get(REVIEW).content.decode()
    data = rating_post(html, Rating.HARD)

    first = client.post(RATE, data, HTTP_HX_REQUEST="true").content.decode()
    second = client.post(RATE, data, HTTP_HX_REQUEST="true").content.decode()

    assert ReviewLog.objects.filter(user=learner).count() == 1
    assert field(first, "card") == field(second, "card")
    assert field(first, "version") == field(second, "version")


def test_a_double_submitted_rating_without_javascript_is_recorded_once(client, learner):
    data = rating_post(client.get(REVIEW).content.decode(), Rating.GOOD)

    responses = [client.post(RATE, data) for _ in range(2)]

    assert [r.status_code for r in responses] == [302, 302]
    assert ReviewLog.objects.filter(user=learner).count() == 1


def test_rating_another_users_card_is_a_404(client, learner):
    victim = make_user("victim")
    card = make_card(victim)

    response = client.post(RATE, {"card": card.pk, "version": card.version, "rating": Rating.EASY})

    assert response.status_code == 404
    assert not ReviewLog.objects.exists()
    card.refresh_from_db()
    assert card.state == State.NEW


def test_opening_another_users_card_is_a_404(client, learner):
    card = make_card(make_user("victim"))

    assert client.get(f"{REVIEW}?card={card.pk}").status_code == 404
    assert client.get(f"{REVIEW}?card=nonsense").status_code == 404


def test_a_garbled_rating_is_refused_with_the_card_still_on_screen(client, learner):
    html = client.get(REVIEW).content.decode()
    data = rating_post(html, 9)

    response = client.post(RATE, data, HTTP_HX_REQUEST="true")

    assert response.status_code == 400
    assert "please rate again" in response.content.decode()
    assert "What is q-0?" in response.content.decode()
    assert not ReviewLog.objects.exists()


def test_review_pages_only_accept_their_methods(client, learner):
    assert client.post(REVIEW).status_code == 405
    assert client.get(RATE).status_code == 405
    assert client.get(UNDO).status_code == 405


def test_undo_without_javascript_returns_to_the_restored_card(client, learner):
    html = client.get(REVIEW).content.decode()
    client.post(RATE, rating_post(html, Rating.AGAIN))
    card = Card.objects.get(pk=field(html, "card"))
    log = ReviewLog.objects.get()

    response = client.post(UNDO, {"log": log.pk})

    assert response.status_code == 302
    assert response["Location"] == f"{REVIEW}?card={card.pk}"
    assert not ReviewLog.objects.exists()
    card.refresh_from_db()
    assert (card.state, card.reps) == (State.NEW, 0)
    assert "What is q-0?" in client.get(response["Location"]).content.decode()


def test_undo_with_htmx_shows_the_restored_card_again(client, learner):
    html = client.get(REVIEW).content.decode()
    after = client.post(RATE, rating_post(html, Rating.GOOD), HTTP_HX_REQUEST="true").content.decode()
    assert "What is q-1?" in after

    fragment = client.post(UNDO, {"log": field(after, "log")}, HTTP_HX_REQUEST="true").content.decode()

    assert "<html" not in fragment
    assert "What is q-0?" in fragment
    assert 'name="log"' not in fragment  # nothing left to undo today


def test_the_page_says_when_the_deck_is_empty(client):
    client.force_login(make_user())

    html = client.get(REVIEW).content.decode()

    assert "Your deck is empty" in html
    assert 'href="/en/deck/"' in html


def test_the_page_says_when_learning_cards_come_back(client):
    user = make_user(time_zone="Asia/Shanghai")
    now = timezone.now()
    make_card(user, state=State.LEARNING, step=1, stability=2.0, difficulty=5.0, reps=1,
              last_review=now, due=now + timedelta(hours=1))
    client.force_login(user)

    html = client.get(REVIEW).content.decode()

    assert "All done for now" in html
    assert "1 learning card is due again today" in html


def test_the_review_page_makes_a_fixed_number_of_queries(client, django_assert_num_queries, learner):
    # user (the session comes from the shared cache), preferences; due and today's log counts (one
    # statement), new cards within the limit; next card
    with django_assert_num_queries(5):
        client.get(REVIEW)
    make_questions(50, topic=make_topic("more"), prefix="more")
    deck_add_topic(user=learner, topic=make_topic("more"))
    with django_assert_num_queries(5):
        client.get(REVIEW)


def test_an_htmx_rating_makes_a_fixed_number_of_queries(client, django_assert_num_queries, learner):
    data = rating_post(client.get(REVIEW).content.decode(), Rating.GOOD)

    # user (the session comes from the shared cache), preferences; savepoint, card, card update, log
    # insert, release (no stats version bump: the dashboard's cache key holds the latest log id); then the
    # next page: due and log counts (one statement), new cards, next card
    with django_assert_num_queries(10):
        client.post(RATE, data, HTTP_HX_REQUEST="true")
    # the same with 50 more cards, rating the learning card that comes back (Again) and the ones after it
    make_questions(50, topic=make_topic("more"), prefix="more")
    deck_add_topic(user=learner, topic=make_topic("more"))
    for rating in (Rating.AGAIN, Rating.GOOD, Rating.EASY):
        data = rating_post(client.get(REVIEW).content.decode(), rating)
        with django_assert_num_queries(10):
            response = client.post(RATE, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and 'name="card"' in response.content.decode()


def test_rating_a_card_id_beyond_any_id_is_a_404(client, learner):
    data = rating_post(client.get(REVIEW).content.decode(), Rating.GOOD)

    for card_id in (2**63, 2**70):
        assert client.post(RATE, {**data, "card": card_id}, HTTP_HX_REQUEST="true").status_code == 404
        assert client.get(f"{REVIEW}?card={card_id}").status_code == 404
    assert not ReviewLog.objects.exists()


@pytest.mark.parametrize("htmx", [True, False])
def test_a_rating_from_a_second_tab_says_the_card_was_already_rated_and_shows_the_next_card(client, learner, htmx):
    html = client.get(REVIEW).content.decode()
    first_tab = rating_post(html, Rating.GOOD)
    second_tab = rating_post(html, Rating.EASY)
    client.post(RATE, first_tab)

    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(RATE, second_tab, follow=not htmx, **headers)

    page = response.content.decode()
    assert "This card was already rated in another tab" in page
    assert "What is q-1?" in page
    assert list(ReviewLog.objects.filter(user=learner).values_list("rating", flat=True)) == [Rating.GOOD]


def test_the_second_tab_notice_is_in_chinese_on_chinese_pages(client, learner):
    html = client.get("/zh-hans/review/").content.decode()
    data = rating_post(html, Rating.GOOD)
    client.post("/zh-hans/review/rate/", data)

    page = client.post("/zh-hans/review/rate/", data, HTTP_HX_REQUEST="true").content.decode()

    assert "这张卡片已在另一个标签页中评过分" in page
