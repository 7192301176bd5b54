"""The pod lifecycle simulator page and its embedded form in answers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sim.charts_pod import build_chart
from sim.engine import pod
from sim.views.common import SimulatorForm, run_links

KIND = pod.KIND
DEFAULTS = pod.parse_params({})
MAX_EVENT_ROWS = 250
MAX_CONDITION_ROWS = 60
EMBED_WATCH_LINES = 12
WATCH_HEADER = ("NAME", "READY", "STATUS", "RESTARTS", "AGE")

PRESETS = (
    ("crash-loop", gettext_lazy("Crash loop (exit 1 after 2 s)"),
     {"exit_after_seconds": 2, "exit_code": 1, "horizon_seconds": 900}),
    ("slow-start", gettext_lazy("Slow starter, liveness only"),
     {"start_seconds": 90, "liveness": "true", "horizon_seconds": 600}),
    ("slow-start-startup-probe", gettext_lazy("Slow starter with a startup probe"),
     {"start_seconds": 90, "startup": "true", "startup_failure_threshold": 30, "liveness": "true", "horizon_seconds": 300}),
    ("hang-liveness", gettext_lazy("45 s hang under a liveness probe"),
     {"liveness": "true", "hang_at_seconds": 60, "recover_at_seconds": 105, "horizon_seconds": 240}),
    ("hang-readiness", gettext_lazy("45 s hang under a readiness probe"),
     {"readiness": "true", "hang_at_seconds": 60, "recover_at_seconds": 105, "horizon_seconds": 240}),
    ("graceful-sigterm", gettext_lazy("Delete: app exits 5 s after SIGTERM"),
     {"readiness": "true", "delete_at_seconds": 30, "prestop_seconds": 10, "sigterm_exit_seconds": 5, "horizon_seconds": 120}),
    ("ignored-sigterm", gettext_lazy("Delete: app ignores SIGTERM"),
     {"readiness": "true", "delete_at_seconds": 30, "prestop_seconds": 10, "horizon_seconds": 120}),
    ("prestop-overrun", gettext_lazy("preStop longer than the grace period"),
     {"delete_at_seconds": 30, "prestop_seconds": 40, "sigterm_exit_seconds": 5, "horizon_seconds": 120}),
    ("init-failure", gettext_lazy("Failing init container"),
     {"init_containers": 2, "init_fail_index": 2, "horizon_seconds": 300}),
    ("init-failure-never", gettext_lazy("Failing init container, restartPolicy Never"),
     {"init_containers": 2, "init_fail_index": 2, "restart_policy": "Never", "horizon_seconds": 120}),
    ("oom", gettext_lazy("OOMKilled (64Mi limit, 100Mi used)"),
     {"memory_limit_mi": 64, "memory_use_mi": 100, "horizon_seconds": 600}),
    ("image-pull", gettext_lazy("Image pull fails"),
     {"image_pull_fails": "true", "horizon_seconds": 600}),
)


def _number(label, *, help_text="", minimum=0, maximum=None, placeholder=None):
    attrs = {"min": minimum, "inputmode": "numeric"}
    if maximum is not None:
        attrs["max"] = maximum
    if placeholder is not None:
        attrs["placeholder"] = placeholder
    return forms.CharField(label=label, required=False, help_text=help_text, widget=forms.NumberInput(attrs=attrs))


PROBE_LABELS = {
    "initial_delay": "initialDelaySeconds",
    "period": "periodSeconds",
    "timeout": "timeoutSeconds",
    "success_threshold": "successThreshold",
    "failure_threshold": "failureThreshold",
}


class PodLifecycleForm(SimulatorForm):
    """The pod lifecycle parameters, one field each; the probe fields are added per probe kind."""

    engine = pod

    restart_policy = forms.CharField(
        label="restartPolicy", required=False, widget=forms.Select(choices=[(p, p) for p in pod.RESTART_POLICIES]),
    )
    image_pull_seconds = _number(gettext_lazy("Image pull takes (s)"))
    image_pull_fails = forms.BooleanField(label=gettext_lazy("The image pull fails (e.g. a tag that does not exist)"), required=False)
    init_containers = _number(gettext_lazy("Init containers"), maximum=10)
    init_fail_index = _number(gettext_lazy("Init container that exits 1"), minimum=1, maximum=10,
                              help_text=gettext_lazy("Counts from 1; empty: none fails."))
    init_seconds = _number(gettext_lazy("Each init container runs for (s)"))
    start_seconds = _number(gettext_lazy("App answers probes after (s)"),
                            help_text=gettext_lazy("Seconds after each container start."))
    poststart_seconds = _number(gettext_lazy("postStart hook takes (s)"))
    exit_after_seconds = _number(gettext_lazy("App exits after (s)"), help_text=gettext_lazy("Empty: runs until stopped."))
    exit_code = _number(gettext_lazy("…with exit code"), maximum=255)
    hang_at_seconds = _number(gettext_lazy("App hangs at (s)"), help_text=gettext_lazy("Probes time out while it hangs."))
    recover_at_seconds = _number(gettext_lazy("App recovers at (s)"), help_text=gettext_lazy("Empty: never recovers."))
    memory_limit_mi = _number(gettext_lazy("Memory limit (Mi)"), minimum=1)
    memory_use_mi = _number(gettext_lazy("Memory the app needs (Mi)"))
    memory_ramp_seconds = _number(gettext_lazy("Memory use grows over (s)"),
                                  help_text=gettext_lazy("Empty: until the app is up."))
    delete_at_seconds = _number(gettext_lazy("kubectl delete at (s)"), help_text=gettext_lazy("Empty: never deleted."))
    grace_seconds = _number("terminationGracePeriodSeconds")
    prestop_seconds = _number(gettext_lazy("preStop hook takes (s)"), help_text=gettext_lazy("0: no preStop hook."))
    sigterm_exit_seconds = _number(gettext_lazy("App exits after SIGTERM within (s)"),
                                   help_text=gettext_lazy("Empty: ignores SIGTERM until SIGKILL."))
    horizon_seconds = _number(gettext_lazy("Simulate for (s)"), minimum=10, maximum=pod.MAX_HORIZON)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in pod.PROBE_KINDS:
            self.fields[kind] = forms.BooleanField(label=gettext_lazy("enabled"), required=False)
            for name in pod.PROBE_FIELDS:
                self.fields[f"{kind}_{name}"] = _number(PROBE_LABELS[name], minimum=0 if name == "initial_delay" else 1)

    def error_label(self, name):
        """Probe fields share labels (periodSeconds, …), so errors say which probe."""
        kind, _sep, rest = name.partition("_")
        if kind in pod.PROBE_KINDS:
            probe = _("%(probe)s probe") % {"probe": kind}
            return f"{probe}: {PROBE_LABELS[rest]}" if rest in PROBE_LABELS else probe
        return super().error_label(name)

    def groups(self):
        """Fieldsets in the order the page shows them."""
        group = lambda legend, names: {"legend": legend, "fields": [self[name] for name in names]}  # noqa: E731
        probes = [
            {"legend": _("%(probe)s probe") % {"probe": kind}, "collapsible": True, "id": f"probe-{kind}", "css": "probe",
             "open": bool(self[kind].value()),
             "fields": [self[kind], *(self[f"{kind}_{name}"] for name in pod.PROBE_FIELDS)]}
            for kind in pod.PROBE_KINDS
        ]
        return [
            group(_("Restart policy"), ["restart_policy"]),
            group(_("App behaviour"), [
                "image_pull_seconds", "image_pull_fails", "init_containers", "init_fail_index", "init_seconds",
                "start_seconds", "poststart_seconds", "exit_after_seconds", "exit_code", "hang_at_seconds",
                "recover_at_seconds", "memory_limit_mi", "memory_use_mi", "memory_ramp_seconds",
            ]),
            *probes,
            group(_("Deletion"), ["delete_at_seconds", "grace_seconds", "prestop_seconds", "sigterm_exit_seconds"]),
            group(_("Run"), ["horizon_seconds"]),
        ]




def enabled_probes(params):
    return tuple(kind for kind in pod.PROBE_KINDS if params.probe(kind).enabled)


def result_context(request, params, result):
    """Everything the result region shows for one run."""
    events = result["events"]
    return {
        "params": params,
        "result": result,
        "outcome": describe_run(params, result),
        "chart": build_chart(result, probes=enabled_probes(params)),
        "watch": watch_lines(result["status_column"]),
        "events": [_event_row(event) for event in events[:MAX_EVENT_ROWS]],
        "omitted_events": max(0, len(events) - MAX_EVENT_ROWS),
        "conditions": result["conditions"][:MAX_CONDITION_ROWS],
        "omitted_conditions": max(0, len(result["conditions"]) - MAX_CONDITION_ROWS),
        **run_links(request, KIND, params),
    }


def embed_context(params, result):
    """A compact swimlane, the first STATUS lines and the outcome for a preset embedded in an answer."""
    lines = watch_lines(result["status_column"])
    return {
        "chart": build_chart(result, probes=enabled_probes(params), compact=True),
        "watch": lines[: EMBED_WATCH_LINES + 1],
        "omitted_watch_lines": max(0, len(lines) - 1 - EMBED_WATCH_LINES),
        "outcome": describe_run(params, result)[:2],
        "changed_params": changed_params(params),
    }


def changed_params(params):
    """`name=value` for every parameter that differs from the defaults (disabled probes left out)."""
    current, defaults = params.to_query(), DEFAULTS.to_query()
    shown = []
    for name, value in current.items():
        probe = name.split("_", 1)[0]
        if probe in pod.PROBE_KINDS and name != probe and not params.probe(probe).enabled:
            continue
        if value != defaults[name]:
            shown.append(f"{name}={value}")
    return shown


def watch_lines(status_column):
    """The STATUS column as `kubectl get pod -w` prints it: a header, then one aligned line per change."""
    rows = [WATCH_HEADER, *((s["name"], s["ready"], s["status"], s["restarts_text"], s["age"]) for s in status_column)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(WATCH_HEADER))]
    lines = []
    for row in rows:
        lines.append("   ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return lines


def _event_row(event):
    repeated = ""
    if event["count"] > 1:
        repeated = f"x{event['count']} over {event['last_t'] - event['t']}s"
    return {**event, "repeated": repeated}


def describe_run(params, result) -> list[str]:
    """A few sentences on what happened in the run, most important first."""
    final = result["final"]
    sentences = [
        _("At t = %(t)s s the pod's phase is %(phase)s and kubectl shows STATUS %(status)s, READY %(ready)s, "
          "RESTARTS %(restarts)s.")
        % {"t": final["end"], "phase": final["phase"], "status": final["status"], "ready": final["ready"],
           "restarts": final["restarts"]}
    ]
    delays = result["restart_delays"]
    if delays:
        sentences.append(_("Waits before each restart: %(delays)s s.")
                         % {"delays": ", ".join(str(d) for d in delays[:12]) + (" …" if len(delays) > 12 else "")})
        sentences.append(_explain_delays(delays, result["terminations"]))
    for termination in result["terminations"]:
        sentences.append(_describe_termination(termination))
        if len(sentences) >= 5:
            break
    if result["removed_at"] is not None:
        sentences.append(_("The pod object is removed from the API at t = %(t)s s.") % {"t": result["removed_at"]})
    return sentences


def _explain_delays(delays, terminations):
    """Why the waits are what they are; several 0 s waits need their own reason.

    kuberuntime_manager.go doBackOff checks the back-off against the newest *exited* instance: after
    a liveness kill the kubelet kills and restarts in one sync, so the restart is immediate whenever
    the previous instance exited longer ago than the current back-off (10 s, doubling).
    """
    later_immediate = sum(1 for delay in delays[1:] if delay == 0)
    probe_kills = [t for t in terminations if t["cause"] in ("liveness", "startup")]
    if later_immediate and probe_kills:
        return _("After a %(probe)s kill the kubelet stops and restarts the container in the same sync, and it "
                 "checks the back-off (10 s, doubling up to 300 s) against when the previous instance exited. "
                 "While each run lasts longer than the current back-off, the restart is immediate (0 s); a wait "
                 "appears once the back-off has grown longer than a run.") % {"probe": probe_kills[0]["cause"]}
    if later_immediate:
        return _("The first restart is immediate. A later 0 s wait means the container had run for 10 minutes, "
                 "so the kubelet forgot its back-off; otherwise it waits 10 s, doubling up to 300 s.")
    return _("The first restart is immediate; after that the kubelet waits 10 s, doubling up to 300 s, and "
             "forgets the back-off once a container ran for 10 minutes.")


def _describe_termination(record):
    values = {
        "container": record["container"], "t": record["killing_at"], "grace": record["grace_seconds"],
        "sigterm": record["sigterm_at"], "exit": record["exited_at"], "code": record["exit_code"],
        "prestop": record["prestop_until"],
    }
    if record["cause"] == "deletion":
        first = _("Deleted at t = %(t)s s: the pod stops being a ready Service endpoint at once (its EndpointSlice "
                  "entry stays, marked terminating) and the kubelet stops %(container)s with a %(grace)s s grace "
                  "period.") % values
    else:
        first = _("The %(cause)s probe failed failureThreshold times in a row, so at t = %(t)s s the kubelet kills "
                  "%(container)s (grace period %(grace)s s).") % {**values, "cause": record["cause"]}
    parts = [first]
    if record["prestop_until"] is not None:
        if record["prestop_overran"]:
            parts.append(_("preStop is still running when the grace period ends at t = %(prestop)s s; the kubelet "
                           "sends SIGTERM and allows 2 more seconds.") % values)
        else:
            parts.append(_("preStop runs until t = %(prestop)s s, then SIGTERM.") % values)
    else:
        parts.append(_("SIGTERM at t = %(sigterm)s s.") % values)
    if record["sigkill_at"] is not None:
        parts.append(_("The app is still running when the time is up: SIGKILL at t = %(exit)s s, exit code %(code)s.") % values)
    else:
        parts.append(_("The container exits at t = %(exit)s s with exit code %(code)s.") % values)
    return " ".join(parts)
