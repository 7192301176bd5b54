"""The anonymous page cache (kbase/page_cache.py): fresh tokens per response, invalidation by content version."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.template import RequestContext, Template
from django.test import Client, RequestFactory
from django.utils.csp import LazyNonce

from kbase.models import Question, content_version
from kbase.page_cache import page_cache
from tests.kbase.helpers import make_question, make_topic

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'"X-CSRFToken": "([A-Za-z0-9]{64})"')


@pytest.fixture
def question():
    topic = make_topic("probes", name_en="Health probes", name_zh="健康探针")
    return make_question("liveness-probe", topic=topic, number=60, question_en="What does a liveness probe do?",
                         question_zh="存活探针有什么作用？", answer_en="It restarts a stuck container.",
                         answer_zh="重启卡死的容器。")


def test_each_cached_response_carries_its_own_csrf_token_and_a_post_with_it_passes(question):
    tokens = []
    for _ in range(3):
        browser = Client(enforce_csrf_checks=True)
        response = browser.get("/en/questions/liveness-probe/")
        token = TOKEN.search(response.content.decode()).group(1)
        tokens.append(token)
        checked = browser.post("/en/questions/liveness-probe/check/", {"choice": "1"}, headers={"X-CSRFToken": token})
        assert checked.status_code == 302  # not 403: the token matches the cookie set with this response
    assert len(set(tokens)) == 3


def test_a_cached_page_fills_in_the_responses_own_csp_nonce():
    template = Template('<script nonce="{{ csp_nonce }}" src="/x.js"></script>')
    view = page_cache(lambda request: HttpResponse(template.render(RequestContext(request))))
    middleware = ContentSecurityPolicyMiddleware(lambda request: None)
    seen = []
    for _ in range(3):
        request = RequestFactory().get("/en/nonce-test/")
        request.user, request.htmx = type("Anon", (), {"is_authenticated": False})(), False
        request._csp_nonce = LazyNonce()
        response = middleware.process_response(request, view(request))
        nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        seen.append(nonce)
    assert len(set(seen)) == 3


def test_an_edit_shows_on_the_next_request(client, question):
    assert "What does a liveness probe do?" in client.get("/en/questions/liveness-probe/").content.decode()
    question.question_en = "What does a liveness probe check?"
    question.save()  # what the admin's save does
    assert "What does a liveness probe check?" in client.get("/en/questions/liveness-probe/").content.decode()


def test_a_bulk_update_bumps_the_version_and_unpublishing_shows_at_once(client, question):
    assert client.get("/en/topics/probes/").status_code == 200
    before = content_version()
    Question.objects.filter(pk=question.pk).update(is_published=False)  # the admin's unpublish action
    assert content_version() > before
    assert client.get("/en/questions/liveness-probe/").status_code == 404
    assert "liveness-probe" not in client.get("/en/topics/probes/").content.decode()


def test_a_revision_restore_shows_at_once(client, question):
    from reversion.models import Version

    from kbase.services import _revision, question_restore

    with _revision("first"):
        question.save()
    with _revision("second"):
        question.question_en = "A newer wording?"
        question.save()
    assert "A newer wording?" in client.get("/en/questions/liveness-probe/").content.decode()
    admin = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    first = Version.objects.get_for_object(question).order_by("pk").first()
    question_restore(question=question, version=first, user=admin)
    assert "What does a liveness probe do?" in client.get("/en/questions/liveness-probe/").content.decode()


def test_both_languages_and_the_side_by_side_view_are_cached_apart(client, question):
    for _ in range(2):
        en = client.get("/en/questions/liveness-probe/").content.decode()
        zh = client.get("/zh-hans/questions/liveness-probe/").content.decode()
        both = client.get("/en/questions/liveness-probe/?both=1").content.decode()
        assert "It restarts a stuck container." in en and "重启卡死的容器。" not in en
        assert "重启卡死的容器。" in zh and "It restarts a stuck container." not in zh
        assert "重启卡死的容器。" in both and "It restarts a stuck container." in both


def test_a_signed_in_learner_sees_their_own_menu_and_messages(client, question):
    anonymous = client.get("/en/questions/liveness-probe/").content.decode()  # fills the cache
    assert "Log out" not in anonymous
    learner = get_user_model().objects.create_user("ada", password="pw")
    client.force_login(learner)
    response = client.post("/en/questions/liveness-probe/rate/", {"rating": "3"}, follow=True)
    html = response.content.decode()
    assert "Log out" in html
    assert "Saved. This card is in your deck" in html
    client.logout()
    assert "Saved. This card is in your deck" not in client.get("/en/questions/liveness-probe/").content.decode()


def test_simulator_pages_cache_only_their_default_and_preset_forms(client, django_assert_num_queries, monkeypatch):
    from kbase import page_cache as module

    first = client.get("/en/sim/rolling-update/")
    with django_assert_num_queries(0):  # from the cache, with no content version (no content on it)
        second = client.get("/en/sim/rolling-update/")
    # CSRF tokens and CSP nonces differ per response, and only they do; each nonce is the one in its header
    fresh = re.compile(r'\b[A-Za-z0-9]{64}\b|nonce="[^"]+"')
    assert fresh.sub("", second.content.decode()) == fresh.sub("", first.content.decode())
    for response in (first, second):
        nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert re.search(r'nonce="([^"]+)"', first.content.decode()).group(1) != \
        re.search(r'nonce="([^"]+)"', second.content.decode()).group(1)
    assert second["Vary"].count("HX-Request") == 1
    stored = []
    real = module.cache

    class Spy:
        def get(self, key, default=None):
            return real.get(key, default)

        def set(self, key, value, timeout):
            stored.append(key)
            return real.set(key, value, timeout)

    monkeypatch.setattr(module, "cache", Spy())
    client.get("/en/sim/rolling-update/?preset=recreate")
    assert len(stored) == 1  # a preset's page is stored
    client.get("/en/sim/rolling-update/?replicas=7")
    assert len(stored) == 1  # arbitrary parameters are not


def _without_tokens(html):
    return re.sub(r'\b[A-Za-z0-9]{64}\b|nonce="[^"]+"', "", html)


def test_signed_in_learners_share_a_cached_page_only_when_it_shows_them_the_same(question, django_assert_num_queries):
    from quiz.services import deck_add_questions

    ada, bob, cy = (get_user_model().objects.create_user(name, password="pw-long-enough-1") for name in ("ada", "bob", "cy"))
    deck_add_questions(user=ada, questions=Question.objects.filter(pk=question.pk))
    deck_add_questions(user=bob, questions=Question.objects.filter(pk=question.pk))
    pages = {}
    for user in (ada, bob, cy):
        browser = Client()
        browser.force_login(user)
        pages[user.username] = browser.get("/en/questions/liveness-probe/").content.decode()
        # from the cache the second time: the user, whether it is in their deck, the content version
        with django_assert_num_queries(3):
            again = browser.get("/en/questions/liveness-probe/").content.decode()
        assert _without_tokens(again) == _without_tokens(pages[user.username])
    assert "Remove from my deck" in pages["ada"] and "Remove from my deck" in pages["bob"]
    assert "Add this question to my deck" in pages["cy"] and "Remove from my deck" not in pages["cy"]
    assert _without_tokens(pages["ada"]) == _without_tokens(pages["bob"])
    assert "Log out" in pages["cy"] and "Sign up" not in pages["cy"]


def test_adding_to_the_deck_shows_at_once_on_the_cached_question_and_topic_pages(client, question):
    learner = get_user_model().objects.create_user("ada", password="pw-long-enough-1")
    client.force_login(learner)
    assert "Add this question to my deck" in client.get("/en/questions/liveness-probe/").content.decode()
    assert "Add this topic to my review deck" in client.get("/en/topics/probes/").content.decode()
    client.post("/en/deck/add/", {"question": "liveness-probe", "next": "/en/questions/liveness-probe/"})
    page = client.get("/en/questions/liveness-probe/").content.decode()
    assert "Remove from my deck" in page and "Add this question to my deck" not in page
    topic = client.get("/en/topics/probes/").content.decode()
    assert "All questions of this topic are in your deck." in topic


def test_a_signed_in_learner_sees_a_waiting_message_once_on_a_cached_page(client, question):
    learner = get_user_model().objects.create_user("ada", password="pw-long-enough-1")
    client.force_login(learner)
    client.get("/en/questions/liveness-probe/")  # fills the cache for learners without it in their deck
    client.post("/en/deck/add/", {"question": "liveness-probe", "next": "/en/questions/liveness-probe/"})
    client.post("/en/deck/remove/", {"question": "liveness-probe", "next": "/en/questions/liveness-probe/"})
    first = client.get("/en/questions/liveness-probe/").content.decode()
    assert "Removed 1 card from your deck." in first
    second = client.get("/en/questions/liveness-probe/").content.decode()
    assert "Removed 1 card from your deck." not in second and 'class="messages"' not in second
    assert "Add this question to my deck" in second


def test_the_signed_in_cache_is_dropped_by_an_edit_like_the_anonymous_one(client, question):
    learner = get_user_model().objects.create_user("ada", password="pw-long-enough-1")
    client.force_login(learner)
    assert "What does a liveness probe do?" in client.get("/en/questions/liveness-probe/").content.decode()
    question.question_en = "What does a liveness probe check?"
    question.save()
    assert "What does a liveness probe check?" in client.get("/en/questions/liveness-probe/").content.decode()


def test_values_from_the_content_are_computed_once_per_version_and_dropped_by_a_newer_one():
    from kbase.models import FromContent

    kept, loads = FromContent(), []

    def load(value):
        def run():
            loads.append(value)
            return value
        return run

    assert kept.get(1, "titles", load("a")) == "a"
    assert kept.get(1, "titles", load("b")) == "a"  # same version: not computed again
    assert kept.get(1, "words", load("w")) == "w"
    assert kept.get(2, "titles", load("c")) == "c"  # a newer version drops every value
    assert kept.get(2, "words", load("x")) == "x"
    kept.clear()
    assert kept.get(2, "titles", load("d")) == "d"
    assert loads == ["a", "w", "c", "x", "d"]

