"""The rolling-update simulator in Chromium: htmx re-renders the chart as a parameter changes."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_changing_replicas_redraws_the_chart_and_updates_the_url(page):
    page.goto("/en/sim/rolling-update/")
    chart = page.locator("#rolling-result svg.rolling-chart")
    assert chart.get_attribute("role") == "img"
    assert "from 3 to 2" in page.locator("table.rolling-steps").inner_text()
    label_before = chart.get_attribute("aria-label")
    assert "from 3 available to 4 pods" in label_before

    page.fill("#id_replicas", "10")
    page.wait_for_url(re.compile(r"replicas=10"))
    page.locator("table.rolling-steps", has_text="from 10 to 8").wait_for()
    assert "max 13" in page.locator("#rolling-result svg.rolling-chart").text_content()
    assert "from 8 available to 13 pods" in page.locator("#rolling-result svg.rolling-chart").get_attribute("aria-label")
    assert "rounded up to 3" in page.locator(".rolling-explanation").inner_text()
    assert page.locator("h1").count() == 1
    assert page.console_errors == []


def test_choosing_recreate_shows_the_outage_and_the_url_reproduces_it(page):
    page.goto("/en/sim/rolling-update/")
    page.select_option("#id_strategy", "Recreate")
    page.locator("table.rolling-steps", has_text="from 3 to 0").wait_for()
    assert "Recreate ignores maxSurge" in page.locator(".rolling-explanation").inner_text()
    shared = page.input_value("#rolling-share-url")
    assert "strategy=Recreate" in shared

    page.goto(shared)
    assert page.locator("#id_strategy").input_value() == "Recreate"
    assert "from 3 to 0" in page.locator("table.rolling-steps").inner_text()
    assert page.console_errors == []


def test_an_invalid_value_shows_the_error_without_a_reload(page):
    page.goto("/en/sim/rolling-update/?replicas=3")
    page.fill("#id_max_unavailable", "0")
    page.fill("#id_max_surge", "0")
    page.locator(".rolling-errors", has_text="may not be 0 when maxSurge is 0").wait_for()
    assert page.locator("h1").count() == 1
