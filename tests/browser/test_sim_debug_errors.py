"""Under DEBUG, a 400 that a simulator page renders itself stays inline (django-htmx must not take over)."""


import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASES = [
    ("rolling-update", "#id_max_surge", "abc", ".rolling-errors"),
    ("rolling-update", "#id_max_unavailable", "200%", ".rolling-errors"),
    ("etcd", "#id_events", "stop:leadr@2000", ".etcd-errors"),
    ("etcd", "#id_election_ms", "200", ".etcd-errors"),
]


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.mark.parametrize(("kind", "field", "value", "errors"), CASES)
def test_a_value_only_the_server_rejects_shows_the_inline_error_in_debug_mode(page, debug, kind, field, value, errors):
    page.goto(f"/en/sim/{kind}/")
    assert "django-htmx" in page.content()  # the debug error handler is on this page
    start_url = page.url
    with page.expect_response(lambda response: response.status == 400):
        page.fill(field, value)
        page.press(field, "Tab")
    expect(page.locator(errors)).to_be_visible()
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("header.site-header")).to_have_count(1)  # the page was not replaced by the fragment
    assert page.url == start_url
