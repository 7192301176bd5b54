"""Phone layout at 390x844: no page scrolls sideways, and the navigation folds into a menu button."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.quiz.helpers import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LANGUAGES = ["en", "zh-hans"]


@pytest.fixture
def phone(browser, live_server):
    """A signed-in learner's phone, with the real content loaded and every topic in the deck."""
    call_command("load_content", verbosity=0)
    make_user("phone-learner")
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/en/accounts/login/")
    page.fill("input[name=username]", "phone-learner")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url("**/dashboard/")
    page.goto("/en/deck/")
    page.click("form.deck-add-all button")
    yield page
    context.close()


def _overflow(page):
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


def _assert_fits(page, url):
    page.goto(url)
    scroll_width, inner_width = _overflow(page)
    assert inner_width == PHONE["width"], url
    assert scroll_width <= inner_width, f"{url} is {scroll_width}px wide on a {inner_width}px screen"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_is_wider_than_a_phone(phone, language):
    pages = [
        f"/{language}/",
        f"/{language}/questions/crashloopbackoff/",
        f"/{language}/questions/crashloopbackoff/?both=1",
        f"/{language}/questions/deployment-rolling-update-process/",
        f"/{language}/search/?q=pod",
        f"/{language}/review/",
        f"/{language}/dashboard/",
        f"/{language}/deck/",
    ]
    phone.goto(f"/{language}/sim/")
    simulators = phone.eval_on_selector_all(".card-list a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert len(simulators) >= 3
    for url in pages + [f"/{language}/sim/"] + simulators:
        _assert_fits(phone, url)


def test_the_navigation_is_a_menu_button_on_a_phone_and_works_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/en/")
        simulators = page.locator(".site-nav a", has_text="Simulators")
        expect(simulators).to_be_hidden()
        header_height = page.locator(".site-header").bounding_box()["height"]
        assert header_height < 70  # one row: brand, menu button, language switch
        page.click("summary.nav-toggle")
        expect(simulators).to_be_visible()
        simulators.click()
        page.wait_for_url("**/en/sim/")
    finally:
        context.close()


def test_the_navigation_is_a_plain_row_of_links_on_a_desktop(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/zh-hans/")
    expect(page.locator("summary.nav-toggle")).to_be_hidden()
    expect(page.locator(".site-nav a", has_text="模拟器")).to_be_visible()
    assert page.locator(".site-header").bounding_box()["height"] < 70


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_heatmap_shows_its_last_month_label_whole(phone, language):
    phone.goto(f"/{language}/dashboard/")
    right_edges = phone.eval_on_selector(
        "svg.heatmap",
        "svg => [Math.max(...[...svg.querySelectorAll('text.axis-label')].map(t => { const b = t.getBBox(); return b.x + b.width; })),"
        " svg.viewBox.baseVal.width]",
    )
    label_end, chart_width = right_edges
    assert label_end <= chart_width
