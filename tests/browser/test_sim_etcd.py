"""The etcd simulator in Chromium: fault buttons re-run the scenario with htmx."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ring_leader(page):
    return page.locator('svg.etcd-ring g.member[data-role="leader"]')


def test_stopping_the_leader_elects_a_new_one_without_a_reload(page):
    page.goto("/en/sim/etcd/")
    assert page.locator("h1").count() == 1
    assert ring_leader(page).get_attribute("data-member") == "0"
    page.evaluate("window.__kept = true")  # survives only if htmx swaps instead of reloading

    page.click('a[data-action="stop-leader"]')
    page.wait_for_url(re.compile(r"events=stop%3Aleader%402000"))
    page.locator("svg.etcd-ring g.member[data-member='0'][data-role='stopped']").wait_for()

    new_leader = ring_leader(page)
    assert new_leader.count() == 1 and new_leader.get_attribute("data-member") in {"1", "2"}
    assert re.search(r"Member [12] became leader of term 2", page.locator("ul.etcd-outcome").inner_text())
    assert page.input_value("#id_events") == "stop:leader@2000"
    assert page.evaluate("window.__kept") is True
    assert page.console_errors == []


def test_a_two_two_split_leaves_no_leader_and_heal_restores_one(page):
    page.goto("/en/sim/etcd/?members=4")
    page.click('a[data-action="partition-halves"]')
    page.locator('a[data-action="heal"]').wait_for()
    assert ring_leader(page).count() == 0
    page.click('a[data-action="heal"]')
    page.wait_for_url(re.compile(r"heal%405000"))
    ring_leader(page).wait_for()
    assert page.locator("h1").count() == 1
    assert page.console_errors == []


def test_the_parameter_form_works_and_shows_errors(page):
    page.goto("/en/sim/etcd/")
    page.select_option("#id_members", "5")
    page.locator("svg.etcd-ring g.member[data-member='4']").wait_for()
    page.fill("#id_events", "stop:9@100")
    page.press("#id_events", "Enter")
    page.locator(".etcd-errors", has_text="no member 9").wait_for()
    assert page.locator("h1").count() == 1
