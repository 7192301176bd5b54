"""Simulator explanations that must agree with their own numbers (pod back-off, rolling with 0 replicas)."""

import pytest

from sim.engine import pod, rolling
from sim.services import simulate_cached
from sim.views.pod import describe_run as describe_pod
from sim.views.rolling import PRESETS, explain_rounding


def pod_sentences(**raw):
    params = pod.parse_params(raw)
    return describe_pod(params, simulate_cached("pod-lifecycle", params))


def test_immediate_restarts_after_liveness_kills_are_explained():
    sentences = " ".join(pod_sentences(start_seconds=90, liveness="true", horizon_seconds=600))
    assert "Waits before each restart: 0, 0, 0, 0, 0, 80, 160 s." in sentences
    assert "After a liveness kill the kubelet stops and restarts the container in the same sync" in sentences
    assert "after that the kubelet waits 10 s" not in sentences


def test_a_crash_loop_keeps_the_doubling_explanation():
    sentences = " ".join(pod_sentences(exit_after_seconds=2, exit_code=1, horizon_seconds=900))
    assert "Waits before each restart: 0, 10, 20, 40, 80, 160, 300 s." in sentences
    assert "The first restart is immediate; after that the kubelet waits 10 s, doubling" in sentences


def test_zero_replicas_does_not_claim_both_one_and_zero_unavailable():
    params = rolling.parse_params({"replicas": 0})
    result = simulate_cached("rolling-update", params)
    text = " ".join(explain_rounding(params, result["resolved"]))
    assert "counts as 0" in text
    assert "maxUnavailable = 1 instead" not in text


@pytest.mark.parametrize("replicas", [1, 3])
def test_the_fencepost_is_still_explained_with_replicas(replicas):
    params = rolling.parse_params({"replicas": replicas, "max_surge": "0", "max_unavailable": "10%"})
    result = simulate_cached("rolling-update", params)
    assert "maxUnavailable = 1 instead" in " ".join(explain_rounding(params, result["resolved"]))


def test_no_preset_calls_a_plain_rolling_update_a_canary():
    assert not any("anary" in str(label) for _slug, label, _raw in PRESETS)
