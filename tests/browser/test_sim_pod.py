"""The pod lifecycle simulator in Chromium: presets and htmx re-render the timeline."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_picking_the_crash_loop_preset_shows_the_timeline(page):
    page.goto("/en/sim/pod-lifecycle/")
    assert page.locator("h1").count() == 1
    page.click('a[data-preset="crash-loop"]')
    page.wait_for_url(re.compile(r"exit_after_seconds=2"))
    chart = page.locator("#pod-result svg.pod-chart")
    assert chart.get_attribute("role") == "img"
    assert "CrashLoopBackOff" in chart.text_content()
    watch = page.locator("pre.pod-watch").inner_text()
    assert re.search(r"demo\s+0/1\s+CrashLoopBackOff", watch)
    assert "Back-off restarting failed container app" in page.locator("table.pod-events").inner_text()
    assert page.locator('a[data-preset="crash-loop"][aria-current="true"]').count() == 1
    assert page.console_errors == []


def test_enabling_a_probe_redraws_without_a_reload_and_the_url_reproduces_the_run(page):
    page.goto("/en/sim/pod-lifecycle/?hang_at_seconds=60&horizon_seconds=200")
    assert "liveness probe" not in page.locator("#pod-result svg.pod-chart").text_content()
    page.click("#probe-liveness summary")
    page.check("#id_liveness")
    page.locator("table.pod-events", has_text="failed liveness probe, will be restarted").wait_for()
    page.wait_for_url(re.compile(r"liveness=on|liveness=true"))
    assert "liveness probe" in page.locator("#pod-result svg.pod-chart").text_content()
    shared = page.input_value("#pod-share-url")
    assert "liveness=true" in shared

    page.goto(shared)
    assert page.locator("#id_liveness").is_checked()
    assert "Killing" in page.locator("table.pod-events").inner_text()
    assert page.console_errors == []


def test_an_invalid_value_shows_the_error_without_a_reload(page):
    page.goto("/en/sim/pod-lifecycle/?hang_at_seconds=60")
    page.fill("#id_recover_at_seconds", "30")
    page.press("#id_recover_at_seconds", "Tab")
    page.locator(".pod-errors", has_text="must be later than “App hangs at (s)”").wait_for()
    assert page.locator("h1").count() == 1
    assert "recover_at_seconds=30" not in page.url  # the address keeps the last valid run
