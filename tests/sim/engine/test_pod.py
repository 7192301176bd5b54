"""The pod lifecycle engine against the kubelet's rules: validation, back-off, probes, phases, termination."""


import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sim.engine import ParamError, _pod_kubelet, pod
from sim.engine._pod_report import go_duration, human_duration
from sim.engine.pod import parse_params, simulate


def run(**raw):
    return simulate(parse_params(raw)).to_dict()


def events(result, reason, container="app"):
    return [e for e in result["events"] if e["type"] == reason and e["container"] == container]


def statuses(result):
    return [line["status"] for line in result["status_column"]]


def condition_changes(result, kind):
    return [(c["t"], c["status"]) for c in result["conditions"] if c["type"] == kind]


def phases(result):
    return [p["phase"] for p in result["phases"]]


# --- parameters ---------------------------------------------------------------------------------


def test_defaults_match_the_issue_and_the_probe_api_defaults():
    params = parse_params({})
    assert (params.restart_policy, params.image_pull_seconds, params.start_seconds, params.exit_code) == ("Always", 2, 3, 0)
    assert (params.grace_seconds, params.horizon_seconds, params.init_containers) == (30, 600, 0)
    assert params.exit_after_seconds is None and params.sigterm_exit_seconds is None
    for kind in ("startup", "liveness", "readiness"):
        probe = params.probe(kind)
        assert not probe.enabled
        assert (probe.initial_delay, probe.period, probe.timeout, probe.success_threshold, probe.failure_threshold) == (0, 10, 1, 1, 3)


def test_yaml_scalars_and_query_strings_mean_the_same():
    from_yaml = parse_params({"liveness": True, "liveness_period": 5, "restart_policy": "OnFailure", "exit_after_seconds": 2.0})
    from_query = parse_params({"liveness": "true", "liveness_period": "5", "restart_policy": "onfailure", "exit_after_seconds": "2"})
    assert from_yaml == from_query
    assert parse_params({"image_pull_fails": "on"}).image_pull_fails is True


def test_empty_strings_take_the_defaults_and_to_query_round_trips():
    params = parse_params({"start_seconds": "", "exit_after_seconds": " ", "readiness": "", "horizon_seconds": " 0120 "})
    assert params.start_seconds == 3 and params.exit_after_seconds is None and params.horizon_seconds == 120
    query = params.to_query()
    assert query["exit_after_seconds"] == "" and query["readiness"] == "false" and query["readiness_period"] == "10"
    assert parse_params(query) == params
    assert all(isinstance(value, str) for value in query.values())


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"liveness_success_threshold": 2}, "liveness_success_threshold", "must be 1 for a liveness probe"),
        ({"startup_success_threshold": 3}, "startup_success_threshold", "must be 1 for a startup probe"),
        ({"readiness_period": 0}, "readiness_period", "must be at least 1"),
        ({"liveness_timeout": 0}, "liveness_timeout", "must be at least 1"),
        ({"startup_failure_threshold": 0}, "startup_failure_threshold", "must be at least 1"),
        ({"readiness_success_threshold": 0}, "readiness_success_threshold", "must be at least 1"),
        ({"liveness_initial_delay": -1}, "liveness_initial_delay", "must be at least 0"),
        ({"restart_policy": "Sometimes"}, "restart_policy", "must be one of Always, OnFailure, Never"),
        ({"horizon_seconds": 7201}, "horizon_seconds", "must be at most 7200"),
        ({"exit_code": 256}, "exit_code", "must be at most 255"),
        ({"start_seconds": "1.5"}, "start_seconds", "must be a whole number of seconds"),
        ({"image_pull_fails": "maybe"}, "image_pull_fails", "must be true or false"),
        ({"init_containers": 1, "init_fail_index": 2}, "init_fail_index", "there are only 1 init containers"),
        ({"recover_at_seconds": 10}, "recover_at_seconds", "needs hang_at_seconds"),
        ({"hang_at_seconds": 10, "recover_at_seconds": 10}, "recover_at_seconds", "must be later than hang_at_seconds"),
        ({"delete_at_seconds": 600}, "delete_at_seconds", "must be earlier than horizon_seconds"),
        ({"colour": "blue"}, "colour", "unknown parameter"),
    ],
)
def test_it_rejects_what_the_api_server_rejects(raw, field, message):
    with pytest.raises(ParamError) as caught:
        parse_params(raw)
    assert message in caught.value.errors[field]


def test_readiness_may_require_several_successes():
    assert parse_params({"readiness_success_threshold": 3}).readiness.success_threshold == 3


def test_every_bad_field_is_named_at_once():
    with pytest.raises(ParamError) as caught:
        parse_params({"liveness_period": "x", "exit_code": -1, "grace_seconds": "soon", "extra": 1})
    assert set(caught.value.errors) == {"liveness_period", "exit_code", "grace_seconds", "extra"}


def test_a_non_mapping_is_a_param_error():
    with pytest.raises(ParamError):
        parse_params(["liveness"])


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["", "true", "on", "0", "7200", "Never", "1e3", " 5 ", "-0"]),
)
KEYS = st.sampled_from([*pod.parse_params({}).to_query(), "unknown", ""])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, SCALARS, max_size=12))
def test_parse_params_only_ever_raises_param_error_and_round_trips(raw):
    try:
        params = parse_params(raw)
    except ParamError as exc:
        assert exc.errors and all(isinstance(message, str) and message for message in exc.errors.values())
        return
    assert parse_params(params.to_query()) == params


# --- restart back-off (pkg/kubelet/kubelet.go, kuberuntime_manager.go doBackOff) ------------------


def test_crash_loop_restarts_at_once_then_waits_10_20_40_up_to_300_seconds():
    result = run(exit_after_seconds=2, exit_code=1, horizon_seconds=2000)
    assert result["restart_delays"][:9] == [0, 10, 20, 40, 80, 160, 300, 300, 300]
    assert max(result["restart_delays"]) == 300
    assert result["restarts"] == len(result["restart_delays"])
    assert phases(result) == ["Pending", "Running"]


def test_the_status_column_alternates_error_and_crash_loop_back_off():
    result = run(exit_after_seconds=2, exit_code=1, horizon_seconds=120)
    assert statuses(result)[:8] == [
        "Pending", "ContainerCreating", "Running", "Error", "Running", "Error", "Running", "Error",
    ]
    assert "CrashLoopBackOff" in statuses(result)
    first_wait = next(line for line in result["status_column"] if line["status"] == "CrashLoopBackOff")
    assert first_wait["restarts"] == 2 and first_wait["restarts_text"] == "2 (10s ago)"
    backoff = events(result, "BackOff")[0]
    assert backoff["level"] == "Warning" and backoff["message"].startswith("Back-off restarting failed container app")


def test_the_back_off_is_forgotten_when_the_container_ran_for_more_than_ten_minutes():
    long_runs = run(exit_after_seconds=610, exit_code=1, horizon_seconds=3000)
    short_runs = run(exit_after_seconds=500, exit_code=1, horizon_seconds=3000)
    assert long_runs["restart_delays"] == [0, 0, 0, 0]
    assert short_runs["restart_delays"][:3] == [0, 10, 20]


def test_restart_waits_are_repeated_back_off_events_every_ten_seconds():
    result = run(exit_after_seconds=1, exit_code=1, horizon_seconds=400)
    waits = [e for e in events(result, "BackOff")]
    assert [e["count"] for e in waits[:4]] == [1, 2, 4, 8]
    assert waits[1]["last_t"] - waits[1]["t"] == 10


@pytest.mark.parametrize(
    ("policy", "code", "final_phase", "restarts"),
    [
        ("Always", 0, "Running", True),
        ("Always", 1, "Running", True),
        ("OnFailure", 0, "Succeeded", False),
        ("OnFailure", 1, "Running", True),
        ("Never", 0, "Succeeded", False),
        ("Never", 1, "Failed", False),
    ],
)
def test_the_phase_for_every_restart_policy_and_exit_code(policy, code, final_phase, restarts):
    result = run(restart_policy=policy, exit_after_seconds=5, exit_code=code, horizon_seconds=200)
    assert phases(result)[-1] == final_phase
    assert (result["restarts"] > 0) is restarts
    expected_status = "Completed" if code == 0 else "Error"
    assert expected_status in statuses(result)


# --- probes (pkg/kubelet/prober/worker.go) ---------------------------------------------------------


def test_liveness_kills_after_three_timeouts_with_the_default_parameters():
    result = run(liveness=True, hang_at_seconds=60, horizon_seconds=200)
    unhealthy = events(result, "Unhealthy")[0]
    assert unhealthy["message"].startswith("Liveness probe failed:") and "context deadline exceeded" in unhealthy["message"]
    assert (unhealthy["t"], unhealthy["count"], unhealthy["last_t"]) == (71, 3, 91)
    killing = events(result, "Killing")[0]
    assert (killing["t"], killing["message"]) == (91, "Container app failed liveness probe, will be restarted")
    termination = result["terminations"][0]
    assert (termination["cause"], termination["sigkill_at"], termination["exit_code"]) == ("liveness", 121, 137)
    assert result["restart_log"][0] == {"t": 121, "container": "app", "delay": 0, "exited_at": 121}


def test_liveness_kills_after_failure_threshold_with_custom_parameters():
    result = run(liveness=True, liveness_period=5, liveness_timeout=2, liveness_failure_threshold=2,
                 hang_at_seconds=60, horizon_seconds=100)
    unhealthy = events(result, "Unhealthy")[0]
    assert (unhealthy["t"], unhealthy["count"], unhealthy["last_t"]) == (67, 2, 72)
    assert events(result, "Killing")[0]["t"] == 72


def test_liveness_under_never_kills_without_restarting():
    result = run(liveness=True, hang_at_seconds=20, restart_policy="Never", horizon_seconds=200)
    assert events(result, "Killing")[0]["message"] == "Container app failed liveness probe"
    assert result["restarts"] == 0 and phases(result)[-1] == "Failed"


def test_a_liveness_kill_keeps_status_running_and_bumps_restarts():
    result = run(liveness=True, hang_at_seconds=60, horizon_seconds=200)
    assert "Error" not in statuses(result)
    assert [(line["status"], line["restarts"]) for line in result["status_column"][-1:]] == [("Running", 1)]


def test_readiness_never_restarts_and_only_toggles_ready_and_endpoints():
    result = run(readiness=True, hang_at_seconds=60, recover_at_seconds=120, horizon_seconds=300)
    assert result["restarts"] == 0 and not events(result, "Killing")
    assert condition_changes(result, "Ready") == [(0, "False"), (12, "True"), (83, "False"), (123, "True")]
    assert result["endpoints"] == [{"from": 12, "to": 83}, {"from": 123, "to": 300}]
    assert [line["ready"] for line in result["status_column"][2:]] == ["0/1", "1/1", "0/1", "1/1"]
    assert set(statuses(result)[2:]) == {"Running"}


def test_readiness_that_never_recovers_stays_unready_without_a_restart():
    result = run(readiness=True, readiness_period=1, hang_at_seconds=30, horizon_seconds=7200)
    assert result["restarts"] == 0 and result["final"]["ready"] == "0/1"
    failures = events(result, "Unhealthy")
    assert sum(e["count"] for e in failures) > 7000
    assert len(failures) <= 3


def test_readiness_needs_success_threshold_successes_in_a_row():
    result = run(readiness=True, readiness_success_threshold=2, horizon_seconds=60)
    assert condition_changes(result, "Ready") == [(0, "False"), (22, "True")]


def test_the_startup_probe_holds_liveness_and_readiness_back():
    result = run(start_seconds=90, startup=True, startup_failure_threshold=30, liveness=True, readiness=True,
                 horizon_seconds=300)
    startup_runs = [r for r in result["probe_runs"] if r["probe"] == "startup"]
    assert startup_runs[-1] == {"probe": "startup", "from": 100, "to": 100, "result": "success", "count": 1}
    later = [r for r in result["probe_runs"] if r["probe"] in ("liveness", "readiness")]
    assert later and min(r["from"] for r in later) >= 100
    assert result["restarts"] == 0
    assert condition_changes(result, "Ready") == [(0, "False"), (100, "True")]


def test_without_a_startup_probe_liveness_kills_a_slow_starter_again_and_again():
    result = run(start_seconds=90, liveness=True, horizon_seconds=600)
    kills = events(result, "Killing")
    assert len(kills) >= 5 and kills[0]["t"] == 30
    assert "CrashLoopBackOff" in statuses(result)


def test_a_startup_probe_that_runs_out_of_budget_kills_the_container():
    result = run(start_seconds=100, startup=True, startup_period=10, startup_failure_threshold=3, horizon_seconds=120)
    kill = events(result, "Killing")[0]
    assert (kill["t"], kill["message"]) == (30, "Container app failed startup probe, will be restarted")


def test_initial_delay_postpones_the_first_probe():
    result = run(liveness=True, liveness_initial_delay=70, start_seconds=60, horizon_seconds=200)
    liveness = [r for r in result["probe_runs"] if r["probe"] == "liveness"]
    assert liveness[0]["from"] == 80 and liveness[0]["result"] == "success"
    assert result["restarts"] == 0


# --- termination (kuberuntime_container.go killContainer) -------------------------------------------


def test_graceful_termination_runs_prestop_then_sigterm_and_exits_inside_the_grace_period():
    result = run(readiness=True, delete_at_seconds=30, prestop_seconds=10, sigterm_exit_seconds=5, horizon_seconds=120)
    termination = result["terminations"][0]
    assert termination == {
        "container": "app", "cause": "deletion", "killing_at": 30, "grace_seconds": 30, "prestop_until": 40,
        "prestop_overran": False, "sigterm_at": 40, "sigkill_at": None, "exited_at": 45, "exit_code": 0,
    }
    assert events(result, "Killing")[0]["message"] == "Stopping container app"
    assert result["endpoints"][-1]["to"] == 30
    assert condition_changes(result, "Ready")[-1] == (45, "False")
    assert statuses(result)[-3:] == ["Terminating", "Terminating", "Completed"]
    assert phases(result)[-1] == "Succeeded" and result["removed_at"] == 45


def test_an_app_that_ignores_sigterm_is_killed_when_the_grace_period_ends():
    result = run(delete_at_seconds=30, prestop_seconds=10, horizon_seconds=120)
    termination = result["terminations"][0]
    assert (termination["sigterm_at"], termination["sigkill_at"], termination["exit_code"]) == (40, 60, 137)
    assert phases(result)[-1] == "Failed" and statuses(result)[-1] == "Error"


def test_a_prestop_hook_longer_than_the_grace_period_gets_two_more_seconds():
    result = run(delete_at_seconds=30, prestop_seconds=40, sigterm_exit_seconds=5, horizon_seconds=120)
    termination = result["terminations"][0]
    assert termination["prestop_overran"] is True
    assert (termination["prestop_until"], termination["sigterm_at"], termination["sigkill_at"]) == (60, 60, 62)
    assert termination["exit_code"] == 137


def test_the_kubelet_always_allows_two_seconds_after_sigterm():
    result = run(delete_at_seconds=30, grace_seconds=1, horizon_seconds=120)
    termination = result["terminations"][0]
    assert (termination["sigterm_at"], termination["sigkill_at"]) == (30, 32)


def test_deleting_a_crash_looping_pod_ends_it_at_once():
    result = run(exit_after_seconds=1, exit_code=1, delete_at_seconds=100, horizon_seconds=200)
    assert result["removed_at"] == 100 and not result["terminations"]


def test_liveness_cannot_kill_during_deletion():
    result = run(liveness=True, hang_at_seconds=20, delete_at_seconds=25, grace_seconds=60, horizon_seconds=200)
    assert [t["cause"] for t in result["terminations"]] == ["deletion"]


# --- init containers, images, memory ------------------------------------------------------------


def test_init_containers_run_one_at_a_time_in_order_before_the_app():
    result = run(init_containers=2, horizon_seconds=60)
    started = [(e["t"], e["container"]) for e in result["events"] if e["type"] == "Started"]
    assert started == [(0, "init-1"), (2, "init-2"), (6, "app")]
    assert statuses(result) == ["Pending", "Init:0/2", "Init:1/2", "PodInitializing", "Running"]
    assert condition_changes(result, "Initialized") == [(0, "False"), (4, "True")]


def test_a_failing_init_container_is_retried_under_always_and_the_app_never_starts():
    result = run(init_containers=2, init_fail_index=2, horizon_seconds=300)
    assert not events(result, "Started", "app") and not events(result, "Started", "init-1")[1:]
    assert len(events(result, "Started", "init-2")) == result["restarts"] + 1
    assert "Init:CrashLoopBackOff" in statuses(result) and set(phases(result)) == {"Pending"}
    assert result["restart_delays"][:3] == [0, 10, 20]


def test_a_failing_init_container_fails_the_pod_under_never():
    result = run(init_containers=2, init_fail_index=2, restart_policy="Never", horizon_seconds=100)
    assert phases(result) == ["Pending", "Failed"] and statuses(result)[-1] == "Init:Error"
    assert result["restarts"] == 0


def test_memory_over_the_limit_is_oom_killed_with_exit_code_137():
    result = run(memory_limit_mi=128, memory_use_mi=200, memory_ramp_seconds=30, horizon_seconds=300)
    terminated = [s for s in result["container_states"] if s["state"] == "terminated"]
    assert terminated[0] == {"container": "app", "from": 22, "to": 22, "state": "terminated", "detail": "OOMKilled",
                             "exit_code": 137}
    assert "OOMKilled" in statuses(result) and "CrashLoopBackOff" in statuses(result)


def test_memory_under_the_limit_is_fine():
    assert run(memory_limit_mi=128, memory_use_mi=100)["restarts"] == 0


def test_a_failing_image_pull_backs_off_from_10_seconds_and_stays_pending():
    result = run(image_pull_fails=True, image_pull_seconds=3, horizon_seconds=400)
    pulls = [e["t"] for e in events(result, "Pulling")]
    assert pulls == [0, 13, 36, 79, 162, 325]
    assert [s for s in statuses(result)[2:5]] == ["ErrImagePull", "ImagePullBackOff", "ErrImagePull"]
    assert set(phases(result)) == {"Pending"}
    assert any(e["message"] == "Error: ImagePullBackOff" for e in events(result, "Failed"))


def test_a_post_start_hook_holds_the_container_back_from_running():
    result = run(poststart_seconds=5, horizon_seconds=30)
    assert [(line["t"], line["status"]) for line in result["status_column"][1:]] == [(0, "ContainerCreating"), (7, "Running")]


# --- kubectl output ------------------------------------------------------------------------------


@pytest.mark.parametrize(("seconds", "text"), [(0, "0s"), (119, "119s"), (120, "2m"), (125, "2m5s"), (600, "10m"),
                                                (3599, "59m"), (10800, "3h"), (11100, "3h5m")])
def test_ages_print_like_kubectl(seconds, text):
    assert human_duration(seconds) == text


def test_go_durations_print_like_go():
    assert [go_duration(s) for s in (2, 75, 3725)] == ["2s", "1m15s", "1h2m5s"]


# --- properties over wide parameters --------------------------------------------------------------

SECONDS = st.integers(min_value=0, max_value=400)


@st.composite
def wide_params(draw):
    raw = {
        "restart_policy": draw(st.sampled_from(["Always", "OnFailure", "Never"])),
        "image_pull_seconds": draw(st.integers(0, 20)),
        "image_pull_fails": draw(st.booleans()),
        "init_containers": draw(st.integers(0, 3)),
        "start_seconds": draw(st.integers(0, 150)),
        "poststart_seconds": draw(st.sampled_from([0, 0, 4])),
        "exit_after_seconds": draw(st.one_of(st.none(), SECONDS)),
        "exit_code": draw(st.sampled_from([0, 1, 2])),
        "hang_at_seconds": draw(st.one_of(st.none(), SECONDS)),
        "sigterm_exit_seconds": draw(st.one_of(st.none(), st.integers(0, 60))),
        "memory_limit_mi": draw(st.one_of(st.none(), st.integers(16, 256))),
        "memory_use_mi": draw(st.one_of(st.none(), st.integers(0, 300))),
        "grace_seconds": draw(st.sampled_from([0, 1, 5, 30, 90])),
        "prestop_seconds": draw(st.sampled_from([0, 5, 40])),
        "horizon_seconds": draw(st.sampled_from([60, 600, 3600, 7200])),
    }
    if raw["init_containers"] and draw(st.booleans()):
        raw["init_fail_index"] = draw(st.integers(1, raw["init_containers"]))
    if raw["hang_at_seconds"] is not None and draw(st.booleans()):
        raw["recover_at_seconds"] = raw["hang_at_seconds"] + draw(st.integers(1, 200))
    if draw(st.booleans()):
        raw["delete_at_seconds"] = draw(st.integers(0, raw["horizon_seconds"] - 1))
    for kind in ("startup", "liveness", "readiness"):
        if draw(st.booleans()):
            raw[kind] = True
            raw[f"{kind}_period"] = draw(st.integers(1, 30))
            raw[f"{kind}_timeout"] = draw(st.integers(1, 40))
            raw[f"{kind}_failure_threshold"] = draw(st.integers(1, 10))
            raw[f"{kind}_initial_delay"] = draw(st.integers(0, 60))
            if kind == "readiness":
                raw["readiness_success_threshold"] = draw(st.integers(1, 4))
    try:
        return parse_params({key: value for key, value in raw.items() if value is not None})
    except ParamError as exc:
        # Long runs with short probe periods are refused by the probe budget (MAX_PROBES); only those are
        # skipped: any other refusal of these inputs is a failure.
        assume(set(exc.errors) != {"horizon_seconds"} or "probes" not in exc.errors["horizon_seconds"])
        raise


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wide_params())
def test_runs_are_ordered_and_restart_counts_agree_with_the_events(params):
    result = simulate(params).to_dict()
    horizon = params.horizon_seconds
    times = [e["t"] for e in result["events"]]
    assert times == sorted(times) and all(0 <= t <= horizon for t in times)
    assert all(e["t"] <= e["last_t"] <= horizon and e["count"] >= 1 for e in result["events"])
    started = {}
    for event in result["events"]:
        if event["type"] == "Started":
            started[event["container"]] = started.get(event["container"], 0) + event["count"]
    assert sum(count - 1 for count in started.values()) == result["restarts"] == len(result["restart_delays"])
    assert all(0 <= delay <= 300 and delay % 10 == 0 for delay in result["restart_delays"])
    assert [line["t"] for line in result["status_column"]] == sorted(line["t"] for line in result["status_column"])
    terminal = [p["phase"] for p in result["phases"] if p["phase"] in ("Succeeded", "Failed")]
    assert len(terminal) <= 1 and (not terminal or result["phases"][-1]["phase"] == terminal[0])
    for segment in result["container_states"]:
        assert segment["from"] <= segment["to"] <= horizon


def _with_and_without_skipping(params):
    """(to_dict() as simulated, to_dict() with every probe run one by one)."""
    fast = simulate(params).to_dict()
    original = _pod_kubelet._ProbeWorker._skip_steady_stretch
    _pod_kubelet._ProbeWorker._skip_steady_stretch = lambda self, start, upcoming, *args: upcoming
    try:
        slow = simulate(params).to_dict()
    finally:
        _pod_kubelet._ProbeWorker._skip_steady_stretch = original
    return fast, slow


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wide_params())
def test_skipping_steady_probe_stretches_changes_nothing(params):
    fast, slow = _with_and_without_skipping(params)
    assert fast == slow


def test_a_readiness_stretch_stops_at_a_liveness_kill_that_follows_the_apps_hang():
    # Found by the property test above: the liveness worker stayed marked steady after its stretch was cut
    # short by the app's hang, so the readiness worker counted failures to the horizon across the restart.
    params = parse_params({
        "image_pull_seconds": 0, "init_containers": 2, "init_seconds": 2, "start_seconds": 0, "hang_at_seconds": 1,
        "liveness": True, "liveness_period": 4, "liveness_failure_threshold": 1,
        "readiness": True, "readiness_period": 1, "readiness_failure_threshold": 1,
        "grace_seconds": 0, "horizon_seconds": 60,
    })
    fast, slow = _with_and_without_skipping(params)
    assert fast == slow
    first_unhealthy = next(e for e in fast["events"] if e["type"] == "Unhealthy" and "Readiness" in e["message"])
    assert first_unhealthy["last_t"] < 20  # the container is killed and restarted long before the horizon


def test_results_are_deterministic():
    params = parse_params({"liveness": True, "readiness": True, "hang_at_seconds": 60, "horizon_seconds": 1200})
    assert simulate(params).to_dict() == simulate(params).to_dict()


def test_to_dict_is_the_api_contract():
    result = run(exit_after_seconds=2, exit_code=1, horizon_seconds=60)
    assert {"events", "phases", "conditions", "status_column", "restarts", "restart_delays"} <= set(result)
    assert set(result["events"][0]) >= {"t", "type", "container", "message"}
    assert set(result["status_column"][0]) >= {"t", "ready", "status", "restarts"}
    assert {c["type"] for c in result["conditions"]} >= {"PodScheduled", "Initialized", "ContainersReady", "Ready"}



def test_the_app_lane_shows_when_the_app_was_starting_healthy_or_hung():
    result = run(hang_at_seconds=60, recover_at_seconds=100, horizon_seconds=200)
    assert result["app_health"] == [
        {"from": 2, "to": 5, "state": "starting"},
        {"from": 5, "to": 62, "state": "healthy"},
        {"from": 62, "to": 102, "state": "hung"},
        {"from": 102, "to": 200, "state": "healthy"},
    ]
