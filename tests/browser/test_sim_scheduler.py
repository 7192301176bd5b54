"""The kube-scheduler simulator in Chromium: editing the YAML re-renders the run through htmx."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAINT = "    taints: [{key: dedicated, value: gpu, effect: NoSchedule}]\n"


def test_adding_a_taint_in_the_editor_filters_the_node_without_a_reload(page):
    page.goto("/en/sim/scheduler/")
    assert page.locator("h1").count() == 1
    assert page.locator("table.sched-scores tr.chosen th").inner_text().startswith("node-b")
    page.evaluate("window.notReloaded = true")
    yaml = page.input_value("#id_scenario")
    tainted = yaml.replace("    labels: {topology.kubernetes.io/zone: zone-b}\n",
                           "    labels: {topology.kubernetes.io/zone: zone-b}\n" + TAINT)
    assert tainted != yaml
    page.fill("#id_scenario", tainted)  # htmx re-runs 400 ms after the input
    row = page.locator("table.sched-filters tr", has=page.locator("th", has_text="node-b"))
    row.locator("td.reason", has_text="node(s) had untolerated taint(s)").wait_for()
    assert "filtered" in row.get_attribute("class")
    assert row.locator("td.step-fail").get_attribute("title") == "TaintToleration: failed"
    assert "Only node-c passes every filter" in page.locator(".sched-outcome").inner_text()
    assert "Successfully assigned default/web to node-c" in page.locator("pre.sched-events").inner_text()
    assert page.evaluate("window.notReloaded") is True
    page.wait_for_url(re.compile(r"scenario="))
    assert page.console_errors == []


def test_a_preset_link_and_a_phone_width_page(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/en/sim/scheduler/")
    page.click('a[data-preset="priority-preemption"]')
    page.wait_for_url(re.compile(r"preset=priority-preemption"))
    assert "status.nominatedNodeName: node-a" in page.locator("#sched-result").inner_text()
    assert "FailedScheduling" in page.locator("pre.sched-events").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == []


def test_an_invalid_effect_shows_its_path_without_a_reload(page):
    page.goto("/en/sim/scheduler/?preset=cordoned-node")
    yaml = page.input_value("#id_scenario")
    page.fill("#id_scenario", yaml.replace("effect: NoSchedule", "effect: Sometimes"))
    page.locator(".sched-errors", has_text="nodes[0].taints[0].effect").wait_for()
    assert page.locator("h1").count() == 1
