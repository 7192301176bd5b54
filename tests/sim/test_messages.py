"""Simulator pages show validation messages in the page's language, naming the form's labels."""

import re

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import registry

API_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")

# Values a learner typed that only the server rejects (the "silly values").
SILLY = [
    ("rolling-update", {"max_surge": "abc"}),
    ("rolling-update", {"max_unavailable": "200%"}),
    ("rolling-update", {"max_surge": "0", "max_unavailable": "0"}),
    ("rolling-update", {"replicas": "-1"}),
    ("rolling-update", {"replicas": "1.5"}),
    ("rolling-update", {"min_ready_seconds": "700", "progress_deadline_seconds": "600"}),
    ("rolling-update", {"strategy": "Canary"}),
    ("etcd", {"events": "stop:leadr@2000"}),
    ("etcd", {"events": "stop@2000"}),
    ("etcd", {"events": "stop:9@2000"}),
    ("etcd", {"events": "stop:bob@2000"}),
    ("etcd", {"events": "heal:1@2000"}),
    ("etcd", {"events": "partition:0-1|1-2@2000"}),
    ("etcd", {"events": "partition:0-1|@2000"}),
    ("etcd", {"events": "partition:@2000"}),
    ("etcd", {"events": "stop:leader@99999999"}),
    ("etcd", {"events": "stop:leader@soon"}),
    ("etcd", {"events": "jump:leader@2000"}),
    ("etcd", {"heartbeat_ms": "100", "election_ms": "200"}),
    ("etcd", {"members": "3", "down": "4"}),
    ("etcd", {"rtt_ms": "900", "election_ms": "1000"}),
    ("etcd", {"members": "9", "learners": "3", "write_rate": "200", "heartbeat_ms": "10", "election_ms": "50", "duration_ms": "60000"}),
    ("etcd", {"prevote": "maybe"}),
    ("pod-lifecycle", {"recover_at_seconds": "5"}),
    ("pod-lifecycle", {"hang_at_seconds": "10", "recover_at_seconds": "5"}),
    ("pod-lifecycle", {"init_containers": "1", "init_fail_index": "3"}),
    ("pod-lifecycle", {"delete_at_seconds": "900", "horizon_seconds": "600"}),
    ("pod-lifecycle", {"liveness": "true", "liveness_success_threshold": "2"}),
    ("pod-lifecycle", {"horizon_seconds": "5"}),
    ("pod-lifecycle", {"memory_limit_mi": "lots"}),
]


def errors_for(kind, data, language):
    simulator = registry.get(kind)
    with translation.override(language):
        form = simulator.form_class(data)
        assert not form.is_valid(), data
        return [str(message) for messages in form.errors.values() for message in messages]


@pytest.mark.parametrize(("kind", "data"), SILLY)
def test_chinese_pages_show_every_engine_message_in_chinese_with_the_form_labels(kind, data):
    for message in errors_for(kind, data, "zh-hans"):
        assert not re.search(r"\b(must|cannot|needs|unknown|there is|is not)\b", message), message
        assert not API_NAME.findall(message), message


@pytest.mark.parametrize(("kind", "data"), SILLY)
def test_english_pages_name_the_form_labels_not_the_api_parameters(kind, data):
    for message in errors_for(kind, data, "en"):
        assert not API_NAME.findall(message), message


def test_an_election_timeout_under_five_heartbeats_names_the_heartbeat_label():
    [message] = errors_for("etcd", {"heartbeat_ms": "100", "election_ms": "200"}, "zh-hans")
    assert message == "必须至少是“心跳间隔（毫秒）”的 5 倍（500 ms），这是 etcd 的要求"


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(registry.kinds()), text=st.text(max_size=12), data=st.data())
def test_any_typed_value_gets_a_chinese_message(kind, text, data):
    simulator = registry.get(kind)
    name = data.draw(st.sampled_from(sorted(simulator.form_class().fields)))
    with translation.override("zh-hans"):
        form = simulator.form_class({name: text})
        form.is_valid()
        for messages in form.errors.values():
            for message in messages:
                assert not API_NAME.findall(str(message)), message
                assert "must" not in str(message), message


@pytest.mark.django_db
def test_etcd_fault_descriptions_are_translated_in_what_happened_and_the_fault_list(client):
    query = "events=stop:leader@2000,heal@4000,stop:leader@4500,restart:all@6000&duration_ms=10000"
    html = client.get(f"/zh-hans/sim/etcd/?{query}").content.decode()
    assert "停止了成员" in html and "任期" in html
    assert "网络本来就是连通的" in html
    assert "stopped member" not in html and "the network is already whole" not in html
    english = client.get(f"/en/sim/etcd/?{query}").content.decode()
    assert "stopped member" in english
