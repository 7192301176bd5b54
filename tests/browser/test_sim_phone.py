"""Simulators on a phone and in answers: charts scroll visibly with exact times, results come into view."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.parametrize(("url", "chart"), [
    ("/en/sim/pod-lifecycle/?exit_after_seconds=2&exit_code=1&horizon_seconds=900", "svg.pod-chart"),
    ("/zh-hans/sim/etcd/?events=stop:leader@2000", "svg.etcd-swimlane"),
])
def test_a_swimlane_scrolls_visibly_and_lists_its_exact_times_for_touch(phone, url, chart):
    phone.goto(url)
    scroller = phone.locator(f".sim-timeline:has({chart})")
    sizes = scroller.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert sizes[0] > sizes[1]  # it scrolls inside its box, not the page
    hint = phone.locator(".sim-scroll-hint").first
    expect(hint).to_be_visible()
    first_title = phone.locator(f"{chart} rect.bar title").first.text_content()
    lane, _, times = first_title.partition(": ")
    details = phone.locator(".sim-exact-times").first
    details.locator("summary").click()
    expect(details.locator("td", has_text=times).first).to_be_visible()


def test_the_hint_is_hidden_on_a_desktop(page):
    page.goto("/en/sim/pod-lifecycle/")
    expect(page.locator(".sim-scroll-hint")).to_be_hidden()


def test_after_a_change_on_a_phone_the_result_comes_into_view(phone):
    phone.goto("/en/sim/rolling-update/")
    result = phone.locator("#rolling-result")
    assert result.bounding_box()["y"] > PHONE["height"]  # below the form at first
    phone.fill("#id_replicas", "10")
    phone.wait_for_url(re.compile(r"replicas=10"))
    phone.locator("table.rolling-steps", has_text="from 10 to 8").wait_for()
    expect(result).to_be_in_viewport()
    top = result.bounding_box()["y"]
    assert 0 <= top < PHONE["height"] / 2


def test_embedded_watch_boxes_show_their_last_line_and_charts_use_the_width(page):
    call_command("load_content", verbosity=0)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/en/questions/crashloopbackoff/")
    boxes = page.eval_on_selector_all("pre.pod-watch.compact", "els => els.map(e => [e.scrollHeight, e.clientHeight])")
    assert boxes and all(scroll <= client for scroll, client in boxes)
    widths = page.eval_on_selector_all(
        ".sim-embed svg.pod-chart", "els => els.map(e => [e.getBoundingClientRect().width, e.closest('.sim-embed').clientWidth])"
    )
    assert widths and all(width >= 0.9 * (available - 40) for width, available in widths)
