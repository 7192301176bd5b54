"""The rolling-update engine against the Kubernetes source: validation, rounding, the sync loop."""

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sim.engine import ParamError, rolling
from sim.engine.rolling import Params, parse_params, resolve, resolve_fenceposts, simulate

EVENT = re.compile(r"Scaled (up|down) replica set (web-old-5d8f7c9b|web-new-7d9f8b6c) from (\d+) to (\d+)")


def run(**raw):
    return simulate(parse_params(raw))


def old_new(result):
    return [(step.old, step.new) for step in result.steps]


def reasons(result, kind="Progressing"):
    return [(c.t, c.status, c.reason) for c in result.conditions if c.type == kind]


# --- rounding: pkg/controller/deployment/util/deployment_util_test.go --------------------------


@pytest.mark.parametrize(
    ("max_surge", "max_unavailable", "desired", "expected"),
    [
        ("0%", "0%", 0, (0, 1)),
        ("39%", "39%", 10, (4, 3)),
        (None, "39%", 10, (0, 3)),
        ("39%", None, 10, (4, 0)),
        (None, None, 10, (0, 1)),
        (1, 1, 2, (1, 1)),
        ("25%", "25%", 8, (2, 2)),
        ("25%", "25%", 3, (1, 0)),
        ("25%", "25%", 10, (3, 2)),
    ],
)
def test_resolve_fenceposts_matches_the_kubernetes_unit_test_cases(max_surge, max_unavailable, desired, expected):
    assert resolve_fenceposts(max_surge, max_unavailable, desired) == expected


@pytest.mark.parametrize(("max_surge", "max_unavailable"), [("oops", "39%"), ("55%", "urg"), ("5", "1")])
def test_resolve_fenceposts_rejects_strings_that_are_not_percentages(max_surge, max_unavailable):
    with pytest.raises(ValueError):
        resolve_fenceposts(max_surge, max_unavailable, 10)


@pytest.mark.parametrize(
    ("replicas", "max_unavailable", "expected"),
    [(10, "5", 5), (10, "10", 10), (5, "10", 5), (0, "10", 0), (10, "50%", 5), (10, "100%", 10), (5, "100%", 5)],
)
def test_max_unavailable_is_capped_at_replicas_like_test_max_unavailable(replicas, max_unavailable, expected):
    params = parse_params({"replicas": replicas, "max_surge": 1, "max_unavailable": max_unavailable})
    assert resolve(params).max_unavailable == expected


def test_max_unavailable_is_zero_for_recreate():
    params = parse_params({"strategy": "Recreate", "replicas": 4})
    assert rolling.max_unavailable(params) == 0
    assert rolling.max_surge(params) == 0


def test_percentages_round_surge_up_and_unavailable_down():
    resolved = resolve(parse_params({"replicas": 3}))
    assert (resolved.max_surge, resolved.max_unavailable) == (1, 0)
    assert (resolved.max_total, resolved.min_available) == (4, 3)


def test_both_resolving_to_zero_makes_max_unavailable_one():
    resolved = resolve(parse_params({"replicas": 2, "max_surge": "0", "max_unavailable": "1%"}))
    assert resolved.fencepost_bumped
    assert (resolved.max_surge, resolved.max_unavailable, resolved.min_available) == (0, 1, 1)


# --- sequences from the ResolveFenceposts doc comment (deployment_util.go) -------------------


@pytest.mark.parametrize(
    ("replicas", "max_surge", "max_unavailable", "expected"),
    [
        (2, "0%", "1%", ["old-1", "new+1", "old-1", "new+1"]),
        (1, "0%", "1%", ["old-1", "new+1"]),
        (2, "1%", "25%", ["new+1", "old-1", "new+1", "old-1"]),
        (1, "1%", "25%", ["new+1", "old-1"]),
        (2, "1%", "0%", ["new+1", "old-1", "new+1", "old-1"]),
        (1, "1%", "0%", ["new+1", "old-1"]),
    ],
)
def test_scale_order_matches_the_resolve_fenceposts_comment(replicas, max_surge, max_unavailable, expected):
    result = run(replicas=replicas, max_surge=max_surge, max_unavailable=max_unavailable)
    moves = []
    for step in result.steps[1:]:
        which = "new" if step.replica_set == rolling.NEW_RS_NAME else "old"
        moves.append(f"{which}{step.scaled_to - step.scaled_from:+d}")
    assert moves == expected


# --- the documented examples ------------------------------------------------------------------


def test_three_replicas_at_25_percent_never_exceed_four_pods_or_drop_below_three_available():
    result = run(replicas=3, max_surge="25%", max_unavailable="25%")
    assert old_new(result) == [(3, 0), (3, 1), (2, 1), (2, 2), (1, 2), (1, 3), (0, 3)]
    assert max(step.total for step in result.steps) == 4
    assert min(step.available for step in result.steps) == 3
    assert [step.t for step in result.steps] == [0, 0, 5, 5, 10, 10, 15]


def test_ten_replicas_follow_the_example_in_reconcile_old_replica_sets():
    # rolling.go: "newRS is created with 3 replicas, oldRS is scaled down to 8, and newRS is scaled up to 5."
    result = run(replicas=10, max_surge=3, max_unavailable=2)
    assert old_new(result)[:4] == [(10, 0), (10, 3), (8, 3), (8, 5)]
    assert all(step.t == 0 for step in result.steps[:4])
    assert result.final["outcome"] == "complete"


def test_events_read_like_the_deployment_controller():
    result = run()
    assert result.steps[0].event == ""
    assert result.steps[1].event == "Scaled up replica set web-new-7d9f8b6c from 0 to 1"
    assert result.steps[2].event == "Scaled down replica set web-old-5d8f7c9b from 3 to 2"
    for step in result.steps[1:]:
        match = EVENT.fullmatch(step.event)
        assert match and (int(match[3]), int(match[4])) == (step.scaled_from, step.scaled_to)


def test_a_successful_rollout_reports_progressing_then_complete():
    result = run(replicas=3)
    assert reasons(result) == [
        (0, "True", "NewReplicaSetCreated"),
        (0, "True", "ReplicaSetUpdated"),
        (15, "True", "NewReplicaSetAvailable"),
    ]
    assert reasons(result, "Available") == []
    assert result.final == {
        "t": 15, "old": 0, "new": 3, "total": 3, "ready": 3, "available": 3,
        "outcome": "complete", "complete_at": 15,
    }


def test_min_ready_seconds_delays_every_step_until_pods_are_available():
    fast = run(replicas=3, min_ready_seconds=0)
    slow = run(replicas=3, min_ready_seconds=10)
    assert old_new(fast) == old_new(slow)
    assert [step.t for step in slow.steps] == [0, 0, 15, 15, 30, 30, 45]
    assert slow.final["complete_at"] == 45


def test_canary_like_rollout_replaces_one_pod_at_a_time():
    result = run(replicas=10, max_surge=1, max_unavailable=0)
    assert len(result.steps) == 1 + 2 * 10
    assert max(step.total for step in result.steps) == 11
    assert min(step.available for step in result.steps) == 10
    assert result.steps[1].event == "Scaled up replica set web-new-7d9f8b6c from 0 to 1"


def test_zero_replicas_completes_at_once_without_scaling():
    result = run(replicas=0)
    assert len(result.steps) == 1
    assert result.final["outcome"] == "complete"
    assert resolve(parse_params({"replicas": 0})).fencepost_bumped


# --- Recreate -----------------------------------------------------------------------------------


def test_recreate_scales_old_to_zero_before_creating_the_new_replica_set_at_full_size():
    result = run(strategy="Recreate", replicas=3)
    assert old_new(result) == [(3, 0), (0, 0), (0, 3)]
    assert [step.event for step in result.steps[1:]] == [
        "Scaled down replica set web-old-5d8f7c9b from 3 to 0",
        "Scaled up replica set web-new-7d9f8b6c from 0 to 3",
    ]
    assert result.steps[1].available == 0


def test_recreate_is_unavailable_until_the_new_pods_are_ready():
    result = run(strategy="Recreate", replicas=3, pod_ready_seconds=7)
    assert reasons(result, "Available") == [(0, "False", "MinimumReplicasUnavailable"), (7, "True", "MinimumReplicasAvailable")]
    assert reasons(result)[-1] == (7, "True", "NewReplicaSetAvailable")
    assert resolve(parse_params({"strategy": "Recreate", "replicas": 3})).to_dict() == {
        "max_surge": 0, "max_unavailable": 3, "max_total": 3, "min_available": 0, "fencepost_bumped": False,
    }


def test_recreate_ignores_both_zero_because_it_has_no_rolling_update():
    params = parse_params({"strategy": "Recreate", "max_surge": 0, "max_unavailable": 0})
    assert simulate(params).final["outcome"] == "complete"


# --- stalled rollouts ---------------------------------------------------------------------------


def test_failing_new_pods_stall_the_rollout_and_exceed_the_deadline_without_rolling_back():
    result = run(replicas=3, new_pods_fail=True)
    assert old_new(result) == [(3, 0), (3, 1)]
    assert reasons(result)[-1] == (600, "False", "ProgressDeadlineExceeded")
    assert result.conditions[-1].message == 'ReplicaSet "web-new-7d9f8b6c" has timed out progressing.'
    assert result.final["old"] == 3 and result.final["available"] == 3
    assert result.final["outcome"] == "progress_deadline_exceeded"
    assert reasons(result, "Available") == []


def test_failing_rollout_of_ten_replicas_stalls_where_the_source_comment_says():
    result = run(replicas=10, max_surge=3, max_unavailable=2, new_pods_fail=True, progress_deadline_seconds=120)
    assert old_new(result)[-1] == (8, 5)
    assert result.final["available"] == 8
    assert reasons(result)[-1] == (120, "False", "ProgressDeadlineExceeded")


def test_failing_recreate_leaves_nothing_available():
    result = run(strategy="Recreate", replicas=3, new_pods_fail=True)
    assert result.final["available"] == 0
    assert reasons(result, "Available") == [(0, "False", "MinimumReplicasUnavailable")]
    assert reasons(result)[-1] == (600, "False", "ProgressDeadlineExceeded")


def test_the_deadline_counts_from_the_last_progress_and_later_progress_resumes_the_rollout():
    result = run(replicas=3, pod_ready_seconds=700, progress_deadline_seconds=600)
    assert reasons(result) == [
        (0, "True", "NewReplicaSetCreated"),
        (0, "True", "ReplicaSetUpdated"),
        (600, "False", "ProgressDeadlineExceeded"),
        (700, "True", "ReplicaSetUpdated"),
        (1300, "False", "ProgressDeadlineExceeded"),
        (1400, "True", "ReplicaSetUpdated"),
        (2000, "False", "ProgressDeadlineExceeded"),
        (2100, "True", "ReplicaSetUpdated"),
        (2100, "True", "NewReplicaSetAvailable"),
    ]
    assert result.final["outcome"] == "complete"


def test_readiness_counts_as_progress_before_pods_are_available():
    result = run(replicas=3, pod_ready_seconds=5, min_ready_seconds=590, progress_deadline_seconds=600)
    assert "ProgressDeadlineExceeded" not in [reason for _, _, reason in reasons(result)]


# --- parameters ---------------------------------------------------------------------------------


def test_defaults_match_the_api_defaults():
    assert parse_params({}) == Params()
    assert Params().to_query() == {
        "replicas": "3",
        "strategy": "RollingUpdate",
        "max_surge": "25%",
        "max_unavailable": "25%",
        "min_ready_seconds": "0",
        "pod_ready_seconds": "5",
        "progress_deadline_seconds": "600",
        "new_pods_fail": "false",
    }


def test_yaml_scalars_and_query_strings_mean_the_same():
    from_yaml = parse_params({"replicas": 10, "max_surge": 1, "max_unavailable": 0, "new_pods_fail": True})
    from_query = parse_params({"replicas": "10", "max_surge": "1", "max_unavailable": "0", "new_pods_fail": "true"})
    assert from_yaml == from_query
    assert parse_params(from_yaml.to_query()) == from_yaml


def test_empty_strings_take_the_defaults_and_values_are_normalised():
    params = parse_params({"replicas": "", "max_surge": " 007% ", "max_unavailable": "03", "new_pods_fail": "on"})
    assert (params.replicas, params.max_surge, params.max_unavailable, params.new_pods_fail) == (3, "7%", "3", True)


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"max_surge": 0, "max_unavailable": 0}, "max_unavailable", "may not be 0 when `maxSurge` is 0"),
        ({"max_surge": "0%", "max_unavailable": "0"}, "max_unavailable", "may not be 0 when `maxSurge` is 0"),
        ({"max_unavailable": "101%"}, "max_unavailable", "must not be greater than 100%"),
        ({"max_surge": "-1"}, "max_surge", "must be greater than or equal to 0"),
        ({"max_unavailable": -2}, "max_unavailable", "must be greater than or equal to 0"),
        ({"max_surge": "25 %"}, "max_surge", "percent"),
        ({"max_surge": "-5%"}, "max_surge", "percent"),
        ({"max_surge": True}, "max_surge", "percent"),
        ({"replicas": -1}, "replicas", "must be greater than or equal to 0"),
        ({"replicas": 10_001}, "replicas", "at most 10000"),
        ({"replicas": "three"}, "replicas", "whole number"),
        ({"replicas": 2.5}, "replicas", "whole number"),
        ({"strategy": "recreate"}, "strategy", "Recreate, RollingUpdate"),
        ({"min_ready_seconds": "-3"}, "min_ready_seconds", "must be greater than or equal to 0"),
        ({"min_ready_seconds": 600}, "progress_deadline_seconds", "must be greater than minReadySeconds"),
        ({"new_pods_fail": "maybe"}, "new_pods_fail", "true or false"),
        ({"image": "nginx"}, "image", "unknown parameter"),
    ],
)
def test_it_rejects_what_the_api_server_rejects(raw, field, message):
    with pytest.raises(ParamError) as caught:
        parse_params(raw)
    assert message in caught.value.errors[field]


def test_percentages_over_100_are_allowed_for_max_surge():
    params = parse_params({"replicas": 4, "max_surge": "200%"})
    assert resolve(params).max_surge == 8


def test_every_bad_field_is_named_at_once():
    with pytest.raises(ParamError) as caught:
        parse_params({"replicas": "x", "strategy": "Blue", "max_surge": "?", "pod_ready_seconds": -1, "extra": 1})
    assert set(caught.value.errors) == {"replicas", "strategy", "max_surge", "pod_ready_seconds", "extra"}


def test_a_non_mapping_is_a_param_error():
    with pytest.raises(ParamError):
        parse_params(["replicas", 3])


# --- properties ---------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["25%", "0%", "100%", "101%", "-1", "1e3", " 5 ", "RollingUpdate", "Recreate", "true", ""]),
    st.lists(st.integers(), max_size=2),
)
keys = st.sampled_from(list(rolling.PARAM_NAMES) + ["bogus", ""])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, scalars, max_size=9))
def test_parse_params_only_ever_raises_param_error_and_round_trips(raw):
    try:
        params = parse_params(raw)
    except ParamError as exc:
        assert exc.errors and all(isinstance(message, str) and message for message in exc.errors.values())
        return
    assert parse_params(params.to_query()) == params


int_or_percent = st.one_of(
    st.integers(min_value=0, max_value=40).map(str),
    st.integers(min_value=0, max_value=150).map(lambda n: f"{n}%"),
)


@st.composite
def rolling_params(draw):
    min_ready = draw(st.integers(min_value=0, max_value=30))
    raw = {
        "replicas": draw(st.one_of(st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=3000))),
        "strategy": draw(st.sampled_from(["RollingUpdate", "RollingUpdate", "Recreate"])),
        "max_surge": draw(int_or_percent),
        "max_unavailable": draw(int_or_percent),
        "min_ready_seconds": min_ready,
        "pod_ready_seconds": draw(st.integers(min_value=0, max_value=30)),
        "progress_deadline_seconds": draw(st.integers(min_value=min_ready + 1, max_value=min_ready + 700)),
    }
    try:
        return parse_params(raw)
    except ParamError:
        assume(False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(rolling_params())
def test_bounds_hold_at_every_step_and_the_rollout_finishes_with_only_new_pods(params):
    result = simulate(params)
    resolved = result.resolved
    for step in result.steps:
        assert step.total <= max(resolved.max_total, params.replicas)
        assert step.available >= resolved.min_available
        assert 0 <= step.available <= step.total
        if not params.is_rolling:
            assert step.old == 0 or step.new == 0
    assert [step.t for step in result.steps] == sorted(step.t for step in result.steps)
    assert result.final["old"] == 0
    assert result.final["new"] == result.final["available"] == params.replicas
    assert result.final["outcome"] == "complete"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(rolling_params())
def test_failing_pods_never_reduce_availability_below_the_band_and_always_time_out(params):
    params = parse_params({**params.to_query(), "new_pods_fail": "true"})
    result = simulate(params)
    assert all(step.available >= result.resolved.min_available for step in result.steps)
    if params.replicas:
        assert result.final["outcome"] == "progress_deadline_exceeded"
        assert result.final["new"] > 0
        assert result.conditions[-1].reason == "ProgressDeadlineExceeded"


def test_results_are_deterministic():
    params = parse_params({"replicas": 57, "max_surge": "13%", "max_unavailable": 4, "min_ready_seconds": 3})
    assert simulate(params).to_dict() == simulate(params).to_dict()


def test_ten_thousand_replicas_complete():
    result = run(replicas=10_000)
    assert result.final["outcome"] == "complete"
    assert result.resolved.max_total == 12_500


def test_to_dict_is_the_api_contract():
    data = run().to_dict()
    assert set(data["resolved"]) >= {"max_surge", "max_unavailable", "max_total", "min_available"}
    assert set(data["steps"][0]) >= {"t", "old", "new", "total", "available", "event"}
    assert set(data["conditions"][0]) == {"t", "type", "status", "reason", "message", "after_step"}
    assert [c["after_step"] for c in data["conditions"]] == [1, 1, 6]

