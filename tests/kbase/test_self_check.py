""""Check yourself" on a question page: choose, then see right or wrong, the explanation, and rate the card."""

import pytest

from kbase.models import Choice
from quiz.models import Card, ReviewLog
from tests.kbase.helpers import make_question
from tests.quiz.helpers import make_user

pytestmark = pytest.mark.django_db

PAGE = "/en/questions/logs-previous/"
CHECK = "/en/questions/logs-previous/check/"
RATE = "/en/questions/logs-previous/rate/"


@pytest.fixture
def question():
    question = make_question("logs-previous", prompt_en="Which command shows the crashed run's output?",
                             prompt_zh="哪个命令能看到崩溃那次的输出？",
                             explanation_en="`--previous` returns the last terminated instance's logs.",
                             explanation_zh="`--previous` 返回上一个已终止实例的日志。")
    Choice.objects.create(question=question, position=0, text_en="kubectl get pod -o wide", text_zh="kubectl get pod -o wide")
    Choice.objects.create(question=question, position=1, text_en="kubectl logs --previous", text_zh="kubectl logs --previous",
                          is_correct=True)
    question.explanation_en_html = "<p>Because --previous returns the last terminated instance.</p>"
    question.explanation_zh_html = "<p>因为 --previous 返回上一个已终止实例。</p>"
    question.save()
    return question


def test_the_question_page_asks_without_giving_the_answer_away(client, question):
    html = client.get(PAGE).content.decode()
    assert "Check my answer" in html
    assert 'type="radio" name="choice"' in html
    assert "class=\"correct" not in html
    assert "last terminated instance" not in html


def test_without_javascript_a_pick_posts_and_redirects_to_the_graded_page(client, question):
    response = client.post(CHECK, {"choice": 0})
    assert response.status_code == 302
    assert response["Location"] == "/en/questions/logs-previous/?choice=0#self-check"

    html = client.get(response["Location"]).content.decode()
    assert "Not quite" in html
    assert "(your answer)" in html
    assert "last terminated instance" in html


def test_with_htmx_a_right_pick_returns_just_the_graded_region(client, question):
    response = client.post(CHECK, {"choice": 1}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Right!" in html and "last terminated instance" in html
    assert "Sign up to schedule this question" in html  # anonymous: no rating buttons


def test_a_missing_pick_is_a_400_that_asks_again(client, question):
    response = client.post(CHECK, {"choice": "9"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Check my answer" in response.content.decode()


def test_the_graded_region_is_in_chinese_on_chinese_pages(client, question):
    html = client.post("/zh-hans/questions/logs-previous/check/", {"choice": 1}, HTTP_HX_REQUEST="true").content.decode()
    assert "答对了" in html and "因为 --previous" in html


def test_a_signed_in_learner_rates_the_card_from_the_question_page(client, question):
    user = make_user()
    client.force_login(user)
    html = client.post(CHECK, {"choice": 1}, HTTP_HX_REQUEST="true").content.decode()
    assert 'name="rating" value="3"' in html

    response = client.post(RATE, {"rating": 3}, HTTP_HX_REQUEST="true")

    assert "Saved. This card is in your deck" in response.content.decode()
    card = Card.objects.get(user=user, question=question)
    assert card.reps == 1
    assert ReviewLog.objects.filter(user=user, card=card, rating=3).count() == 1


def test_rating_without_javascript_redirects_back_with_a_message(client, question):
    client.force_login(make_user())
    response = client.post(RATE, {"rating": 1}, follow=True)
    assert response.redirect_chain[-1][0] == "/en/questions/logs-previous/#self-check"
    assert "Saved. This card is in your deck" in response.content.decode()


def test_rating_needs_an_account_and_a_valid_rating(client, question):
    assert client.post(RATE, {"rating": 3}).status_code == 302
    assert not Card.objects.exists()
    client.force_login(make_user())
    assert client.post(RATE, {"rating": 7}).status_code == 400
    assert not Card.objects.exists()


def _version_field(html):
    import re

    return re.search(r'name="version" value="(\d*)"', html).group(1)


def test_a_rating_sent_twice_is_recorded_once(client, question):
    user = make_user()
    client.force_login(user)
    html = client.post(CHECK, {"choice": 1}, HTTP_HX_REQUEST="true").content.decode()
    data = {"rating": 3, "version": _version_field(html)}
    assert data["version"] == ""  # not in the deck yet

    first = client.post(RATE, data, HTTP_HX_REQUEST="true").content.decode()
    again = client.post(RATE, data, HTTP_HX_REQUEST="true").content.decode()  # a double click, a retried request

    assert 'class="rated"' in first and "Saved." in first
    assert 'class="rated already"' in again and "This rating was already saved." in again
    assert ReviewLog.objects.filter(user=user).count() == 1
    assert Card.objects.get(user=user).reps == 1


def test_the_page_carries_the_cards_version_so_the_next_rating_counts_and_a_stale_one_does_not(client, question):
    user = make_user()
    client.force_login(user)
    client.post(RATE, {"rating": 3, "version": ""}, HTTP_HX_REQUEST="true")
    page = client.get(PAGE + "?choice=1").content.decode()  # the cached page, keyed on the card's version
    version = _version_field(page)
    assert version == str(Card.objects.get(user=user).version) == "1"

    client.post(RATE, {"rating": 4, "version": version}, follow=True)
    client.post(RATE, {"rating": 4, "version": version}, follow=True)  # the same page submitted again
    assert list(ReviewLog.objects.filter(user=user).values_list("rating", flat=True).order_by("pk")) == [3, 4]
    assert _version_field(client.get(PAGE + "?choice=1").content.decode()) == "2"


def test_without_javascript_a_repeated_rating_says_so_in_chinese(client, question):
    client.force_login(make_user())
    client.post("/zh-hans/questions/logs-previous/rate/", {"rating": 2, "version": ""})
    response = client.post("/zh-hans/questions/logs-previous/rate/", {"rating": 2, "version": ""}, follow=True)
    assert "这个评分已经保存过了" in response.content.decode()
    assert ReviewLog.objects.count() == 1


def test_a_malformed_version_is_a_400(client, question):
    client.force_login(make_user())
    assert client.post(RATE, {"rating": 3, "version": "abc"}).status_code == 400
    assert client.post(RATE, {"rating": 3, "version": "-1"}).status_code == 400
    assert not ReviewLog.objects.exists()


def test_a_card_added_to_the_deck_elsewhere_and_never_rated_takes_the_rating(client, question):
    user = make_user()
    client.force_login(user)
    html = client.post(CHECK, {"choice": 1}, HTTP_HX_REQUEST="true").content.decode()  # drawn: not in the deck
    Card.objects.create(user=user, question=question)  # "Add to my deck" in another tab
    response = client.post(RATE, {"rating": 3, "version": _version_field(html)}, HTTP_HX_REQUEST="true")
    assert 'class="rated"' in response.content.decode()
    assert ReviewLog.objects.filter(user=user).count() == 1


def test_a_rating_from_a_page_drawn_before_an_undo_is_refused_with_a_message_in_both_languages(client, question):
    from quiz.services import review_undo

    user = make_user()
    client.force_login(user)
    client.post(RATE, {"rating": 3, "version": ""}, HTTP_HX_REQUEST="true")
    review_undo(user=user, log_id=ReviewLog.objects.get(user=user).pk)  # the card is new again, version 2
    response = client.post(RATE, {"rating": 3, "version": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "This page was out of date, so the rating was not saved." in response.content.decode()
    zh = client.post("/zh-hans/questions/logs-previous/rate/", {"rating": 3, "version": "1"}, follow=True)
    assert "这个页面已经过时" in zh.content.decode()
    assert not ReviewLog.objects.filter(user=user).exists()
