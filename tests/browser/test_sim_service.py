"""The Service simulator in Chromium: changing an endpoint's state changes the rules and the distribution."""

import os
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SERVICE_SCREENSHOTS")


def rules(page):
    return page.locator("#service-result ol.service-rules").inner_text()


def counts(page):
    return {el.get_attribute("data-ip"): int(el.inner_text()) for el in page.locator("#service-result .count").all()}


def test_typing_an_endpoint_state_rewrites_the_rules_and_the_distribution_with_htmx(page):
    page.goto("/en/sim/service/")
    assert "--probability 0.33333333349" in rules(page)
    assert set(counts(page)) == {"10.244.0.2", "10.244.1.2", "10.244.2.2"}
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/service-default.png", full_page=True, caret="initial", animations="allow")

    page.fill("#id_endpoints", "node-a:ready,node-b:notready,node-c:ready")
    page.wait_for_url(re.compile(r"node-b%3Anotready"))
    page.locator("#service-result ol.service-rules", has_text="--probability 0.50000000000").wait_for()
    assert "0.33333333349" not in rules(page)
    assert set(counts(page)) == {"10.244.0.2", "10.244.2.2"}
    assert sum(counts(page).values()) == 1000
    assert page.locator("h1").count() == 1
    assert page.console_errors == []


def test_clicking_a_pod_cycles_its_state_without_javascript_help(page):
    page.goto("/en/sim/service/")
    page.locator('#service-result a.pod-link[data-ip="10.244.1.2"]').click()
    page.wait_for_url(re.compile(r"node-b%3Anotready"))
    assert page.locator("#id_endpoints").input_value() == "node-a:ready,node-b:notready,node-c:ready"
    assert "10.244.1.2" not in counts(page)
    assert "--probability 0.50000000000" in rules(page)


def test_the_nodeport_local_preset_drops_and_the_mode_toggle_switches_to_nftables(page):
    page.goto("/zh-hans/sim/service/")
    page.locator('a[data-preset="nodeport-local-none"]').click()
    page.locator(".service-verdict-dropped").wait_for()
    assert "default/web:http has no local endpoints" in page.locator(".service-verdict").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/service-zh-phone.png", full_page=True, caret="initial", animations="allow")
    page.select_option("#id_mode", "nftables")
    page.locator("#service-result ol.service-rules", has_text="no-endpoint-nodeports").wait_for()
    assert page.console_errors == []
