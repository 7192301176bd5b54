import pytest

from quiz.models import Card, State
from quiz.services import deck_add_all, deck_add_topic
from tests.quiz.helpers import make_question, make_questions, make_topic, make_user

pytestmark = pytest.mark.django_db


def test_adding_a_topic_adds_a_new_card_per_published_question():
    user = make_user()
    topic = make_topic()
    make_questions(3, topic=topic)
    make_question("hidden", topic=topic, is_published=False)
    make_questions(2, topic=make_topic("other"), prefix="other")

    added = deck_add_topic(user=user, topic=topic)

    assert added == 3
    cards = Card.objects.filter(user=user)
    assert cards.count() == 3
    assert set(cards.values_list("state", flat=True)) == {State.NEW}
    assert set(cards.values_list("question__topic__slug", flat=True)) == {"pods"}


def test_adding_twice_adds_nothing_the_second_time():
    user = make_user()
    topic = make_topic()
    make_questions(2, topic=topic)
    deck_add_topic(user=user, topic=topic)

    assert deck_add_topic(user=user, topic=topic) == 0
    assert Card.objects.count() == 2


def test_adding_everything_fills_the_gaps_and_leaves_other_learners_alone():
    user, other = make_user("me"), make_user("other")
    first, second = make_topic("a"), make_topic("b")
    make_questions(2, topic=first, prefix="a")
    make_questions(3, topic=second, prefix="b")
    deck_add_topic(user=user, topic=first)
    deck_add_topic(user=other, topic=first)

    assert deck_add_all(user=user) == 3
    assert Card.objects.filter(user=user).count() == 5
    assert Card.objects.filter(user=other).count() == 2


def test_the_deck_page_lists_topics_with_what_is_already_added(client):
    user = make_user()
    topic = make_topic()
    make_questions(3, topic=topic)
    client.force_login(user)

    before = client.get("/en/deck/").content.decode()
    response = client.post("/en/deck/add/", {"topic": "pods"})
    after = client.get("/en/deck/").content.decode()

    assert before.count("<h1") == 1
    assert "0 of 3" in before and 'value="pods"' in before
    assert response.status_code == 302 and response["Location"] == "/en/deck/"
    assert "Added 3 cards to your deck." in after
    assert "3 of 3" in after and "All added" in after


def test_the_deck_page_adds_everything(client):
    user = make_user()
    make_questions(2, topic=make_topic("a"), prefix="a")
    make_questions(2, topic=make_topic("b"), prefix="b")
    client.force_login(user)

    client.post("/zh-hans/deck/add/", {"everything": "1"})

    assert Card.objects.filter(user=user).count() == 4


def test_adding_an_unknown_topic_is_a_404(client):
    client.force_login(make_user())

    assert client.post("/en/deck/add/", {"topic": "nope"}).status_code == 404


def test_an_empty_add_request_is_explained(client):
    client.force_login(make_user())

    response = client.post("/en/deck/add/", {}, follow=True)

    assert "Choose a topic or everything." in response.content.decode()


def test_the_deck_needs_an_account(client):
    assert client.get("/en/deck/").status_code == 302
    assert client.post("/en/deck/add/", {"everything": "1"}).status_code == 302
    assert not Card.objects.exists()


def test_the_deck_page_lists_topics_in_content_order(client):
    client.force_login(make_user())
    for slug, position in [("zeta", 1), ("alpha", 3), ("mid", 2)]:
        make_question(f"{slug}-q", topic=make_topic(slug, position=position))

    html = client.get("/en/deck/").content.decode()

    assert html.index('value="zeta"') < html.index('value="mid"') < html.index('value="alpha"')


def test_a_single_question_is_added_from_its_page_and_the_page_says_so(client):
    user = make_user()
    make_questions(2, topic=make_topic("pods"), prefix="pod")
    client.force_login(user)
    page = client.get("/en/questions/pod-0/").content.decode()
    assert "Add this question to my deck" in page

    response = client.post("/en/deck/add/", {"question": "pod-0", "next": "/en/questions/pod-0/"}, follow=True)

    assert response.redirect_chain[-1][0] == "/en/questions/pod-0/"
    html = response.content.decode()
    assert "Added 1 card to your deck." in html and "This question is in your review deck." in html
    assert list(Card.objects.filter(user=user).values_list("question__slug", flat=True)) == ["pod-0"]


def test_a_card_is_removed_from_its_question_page(client):
    user = make_user()
    make_questions(2, topic=make_topic("pods"), prefix="pod")
    deck_add_all(user=user)
    client.force_login(user)

    response = client.post("/en/deck/remove/", {"question": "pod-1", "next": "/en/questions/pod-1/"}, follow=True)

    assert "Removed 1 card from your deck." in response.content.decode()
    assert list(Card.objects.filter(user=user).values_list("question__slug", flat=True)) == ["pod-0"]


def test_a_topic_is_removed_from_the_deck_page_and_only_the_learners_cards_go(client):
    user, other = make_user(), make_user("other")
    pods = make_topic("pods")
    make_questions(2, topic=pods, prefix="pod")
    make_questions(1, topic=make_topic("docker"), prefix="docker")
    deck_add_all(user=user)
    deck_add_all(user=other)
    client.force_login(user)
    assert "Remove topic" in client.get("/en/deck/").content.decode()

    response = client.post("/en/deck/remove/", {"topic": "pods"}, follow=True)

    assert response.redirect_chain[-1][0] == "/en/deck/"
    assert "Removed 2 cards from your deck." in response.content.decode()
    assert list(Card.objects.filter(user=user).values_list("question__slug", flat=True)) == ["docker-0"]
    assert Card.objects.filter(user=other).count() == 3


def test_add_this_topic_is_not_offered_when_all_its_questions_are_in_the_deck(client):
    user = make_user()
    pods = make_topic("pods")
    make_questions(2, topic=pods, prefix="pod")
    client.force_login(user)
    assert "Add this topic to my review deck" in client.get("/en/topics/pods/").content.decode()

    deck_add_topic(user=user, topic=pods)
    html = client.get("/en/topics/pods/").content.decode()

    assert "Add this topic to my review deck" not in html
    assert "All questions of this topic are in your deck." in html
    assert "Remove this topic from my deck" in html


def test_deck_changes_never_redirect_off_site(client):
    client.force_login(make_user())
    make_questions(1, topic=make_topic("pods"), prefix="pod")
    response = client.post("/en/deck/add/", {"question": "pod-0", "next": "https://evil.example/"})
    assert response["Location"] == "/en/deck/"
    assert client.post("/en/deck/remove/", {}).status_code == 302
    assert client.post("/en/deck/add/", {"question": "nope"}).status_code == 404
