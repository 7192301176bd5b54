"""The page frame's tags (kbase/templatetags/kbase_tags.py): {% same_for_everyone %} parts recorded once per
worker, language and signed-in state, with {% per_request %} holes for what each response has of its own."""

import re

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.middleware.csrf import _unmask_cipher_token
from django.template import Context, Engine, TemplateSyntaxError
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db
NONCE = re.compile(r'nonce="([^"]+)"')
TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")
ENGINE = Engine(libraries={"kbase_tags": "kbase.templatetags.kbase_tags"}, builtins=["django.templatetags.i18n"])


def render(source, **variables):
    return ENGINE.from_string("{% load kbase_tags %}" + source).render(Context(variables))


def test_a_cached_part_is_rendered_once_and_its_holes_every_time():
    template = ENGINE.from_string(
        "{% load kbase_tags %}{% same_for_everyone %}[{{ fixed }}|{% per_request %}{{ own }}{% endper_request %}]"
        "{% endsame_for_everyone %}"
    )
    assert template.render(Context({"fixed": "a", "own": 1})) == "[a|1]"
    assert template.render(Context({"fixed": "b", "own": 2})) == "[a|2]"  # the fixed part as first recorded
    with translation.override("zh-hans"):
        assert template.render(Context({"fixed": "c", "own": 3})) == "[c|3]"  # recorded apart per language


def test_a_hole_in_a_loop_of_the_cached_part_keeps_that_item_s_variables():
    template = ENGINE.from_string(
        "{% load kbase_tags %}{% same_for_everyone %}{% for code in codes %}<{{ code }}:{% per_request %}{{ code }}={{ own }}"
        "{% endper_request %}>{% endfor %}{% endsame_for_everyone %}"
    )
    assert template.render(Context({"codes": ["en", "zh"], "own": 1})) == "<en:en=1><zh:zh=1>"
    assert template.render(Context({"codes": ["en", "zh"], "own": 2})) == "<en:en=2><zh:zh=2>"


def test_nested_parts_record_their_own_holes():
    template = ENGINE.from_string(
        "{% load kbase_tags %}{% same_for_everyone %}({% per_request %}{% same_for_everyone %}<{% per_request %}{{ own }}"
        "{% endper_request %}>{% endsame_for_everyone %}{% endper_request %}){% endsame_for_everyone %}"
    )
    assert [template.render(Context({"own": n})) for n in (1, 2)] == ["(<1>)", "(<2>)"]
    inside = ENGINE.from_string(
        "{% load kbase_tags %}{% same_for_everyone %}({% same_for_everyone %}<{% per_request %}{{ own }}"
        "{% endper_request %}>{% endsame_for_everyone %}){% endsame_for_everyone %}"
    )
    assert [inside.render(Context({"own": n})) for n in (1, 2)] == ["(<1>)", "(<2>)"]


def test_a_block_outside_a_hole_is_refused_when_the_template_is_parsed():
    with pytest.raises(TemplateSyntaxError, match="block content"):
        render("{% same_for_everyone %}{% block content %}{% endblock %}{% endsame_for_everyone %}")
    assert render("{% same_for_everyone %}{% per_request %}{% block content %}x{% endblock %}{% endper_request %}{% endsame_for_everyone %}") == "x"


def test_a_hole_a_filter_drops_is_refused_rather_than_cached():
    with pytest.raises(TemplateSyntaxError, match="dropped or repeated"):
        render("{% same_for_everyone %}{% filter cut:'\x00' %}{% per_request %}x{% endper_request %}{% endfilter %}{% endsame_for_everyone %}")


@pytest.mark.parametrize("source", [
    "{% same_for_everyone %}<input value='{{ csrf_token }}'>{% endsame_for_everyone %}",
    "{% same_for_everyone %}{% csrf_token %}{% endsame_for_everyone %}",
    "{% same_for_everyone %}{% htmx_script %}{% endsame_for_everyone %}",
    "{% same_for_everyone %}<script nonce='{{ csp_nonce }}'></script>{% endsame_for_everyone %}",
])
def test_the_response_s_nonce_or_token_in_a_cached_part_fails_the_first_render(rf, source):
    from django.template import engines
    from django.utils.csp import LazyNonce

    request = rf.get("/")
    request._csp_nonce = LazyNonce()
    template = engines["django"].from_string("{% load kbase_tags django_htmx %}" + source)
    with pytest.raises(TemplateSyntaxError, match="per_request"):
        template.render({}, request)
    ok = engines["django"].from_string(
        "{% load kbase_tags %}{% same_for_everyone %}<i>{% per_request %}{{ csrf_token }}{{ csp_nonce }}"
        "{% endper_request %}</i>{% endsame_for_everyone %}"
    )
    assert ok.render({}, request) != ok.render({}, request)


def test_a_hole_outside_a_cached_part_is_an_ordinary_render():
    assert render("{% per_request %}{{ own }}{% endper_request %}", own="x") == "x"


def _fresh(client, path):
    """A rendered page (a `messages` cookie keeps it out of the page cache, as a pending message would)."""
    client.cookies["messages"] = "none"
    return client.get(path)


@pytest.mark.parametrize("path", ["/en/search/", "/zh-hans/search/?q=pod", "/en/"])
def test_every_rendered_page_carries_its_own_nonce_and_a_valid_token(path):
    seen = set()
    for _ in range(3):
        client = Client()
        response = _fresh(client, path)
        html = response.content.decode()
        nonces = set(NONCE.findall(html))
        assert len(nonces) == 1 and f"'nonce-{nonces.pop()}'" in response["Content-Security-Policy"]
        tokens = TOKEN.findall(html)
        assert tokens and all(_unmask_cipher_token(t) == client.cookies["csrftoken"].value for t in tokens)
        seen.update(tokens)
    assert len(seen) == 3


def test_the_language_switch_links_to_this_page_in_the_other_language(client):
    html = _fresh(client, "/en/search/?q=rolling+update").content.decode()
    assert '<a href="/zh-hans/search/?q=rolling+update" hreflang="zh-hans" lang="zh-hans">简体中文</a>' in html
    assert '<span class="current" aria-current="true">English</span>' in html
    html = _fresh(client, "/zh-hans/search/?q=%E6%8E%A2%E9%92%88").content.decode()
    assert '<a href="/en/search/?q=%E6%8E%A2%E9%92%88" hreflang="en" lang="en">English</a>' in html


def test_signed_in_learners_get_their_own_menu_token_and_messages():
    anonymous = _fresh(Client(), "/en/search/").content.decode()
    assert "Log in" in anonymous and "Log out" not in anonymous and "Dashboard" not in anonymous
    ada, bob = (get_user_model().objects.create_user(name, password="pw") for name in ("ada", "bob"))
    pages = {}
    for user in (ada, bob):
        client = Client()
        client.force_login(user)
        response = _fresh(client, "/en/search/")
        request = response.wsgi_request
        messages.info(request, f"Hello {user.username}")  # what the next page shows
        request._messages.update(response)
        client.cookies.update(response.cookies)
        html = client.get("/en/search/?q=pod").content.decode()
        assert "Dashboard" in html and "Log out" in html and "Log in" not in html
        logout_form = re.search(r'action="/en/accounts/logout/">(.*?)</form>', html).group(1)
        assert _unmask_cipher_token(TOKEN.search(logout_form).group()) == client.cookies["csrftoken"].value
        pages[user.username] = html
    assert "Hello ada" in pages["ada"] and "Hello bob" not in pages["ada"]
    assert "Hello bob" in pages["bob"] and "Hello ada" not in pages["bob"]


def test_a_frame_first_recorded_without_a_request_still_gives_pages_their_language_switch(client):
    from django.template import loader

    from kbase.templatetags.kbase_tags import SameForEveryoneNode

    for node in loader.get_template("base.html").template.nodelist.get_nodes_by_type(SameForEveryoneNode):
        node.rendered.clear()  # parts are recorded once per worker: make this render the first
    assert "简体中文" in loader.render_to_string("404.html")  # no request: no context processors, no language_links
    html = _fresh(client, "/en/search/?q=pod").content.decode()
    assert '<a href="/zh-hans/search/?q=pod" hreflang="zh-hans" lang="zh-hans">简体中文</a>' in html
