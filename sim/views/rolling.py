"""The Deployment rolling-update simulator page and its embedded form in answers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sim.charts_rolling import build_chart
from sim.engine import rolling
from sim.views.common import SimulatorForm, run_links

KIND = rolling.KIND
MAX_TABLE_ROWS = 40
EMBED_TABLE_ROWS = 8
PRESETS = (
    ("three", gettext_lazy("3 replicas, 25% / 25%"), {"replicas": 3}),
    ("ten", gettext_lazy("10 replicas, 25% / 25%"), {"replicas": 10}),
    ("recreate", gettext_lazy("Recreate, 3 replicas"), {"replicas": 3, "strategy": "Recreate"}),
    ("failing", gettext_lazy("Failing rollout (new pods never Ready)"), {"replicas": 3, "new_pods_fail": "true"}),
    # Not a canary (that would keep a small share on the new version and wait): this replaces
    # every pod, one extra pod at a time, never dropping below the desired count.
    ("one-at-a-time", gettext_lazy("One pod at a time, never below 10: maxSurge 1, maxUnavailable 0"),
     {"replicas": 10, "max_surge": 1, "max_unavailable": 0}),
)


class RollingUpdateForm(SimulatorForm):
    """The rolling-update parameters, one field each."""

    engine = rolling

    replicas = forms.CharField(
        label=gettext_lazy("Replicas"), required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": rolling.MAX_REPLICAS}),
    )
    strategy = forms.CharField(
        label=gettext_lazy("Strategy"), required=False,
        widget=forms.Select(choices=[(rolling.ROLLING_UPDATE, "RollingUpdate"), (rolling.RECREATE, "Recreate")]),
    )
    max_surge = forms.CharField(
        label="maxSurge", required=False,
        help_text=gettext_lazy("A number of pods or a percentage such as 25%."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    max_unavailable = forms.CharField(
        label="maxUnavailable", required=False,
        help_text=gettext_lazy("A number of pods or a percentage (at most 100%)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    pod_ready_seconds = forms.CharField(
        label=gettext_lazy("Seconds until a new pod is Ready"), required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": rolling.MAX_SECONDS}),
    )
    min_ready_seconds = forms.CharField(
        label="minReadySeconds", required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": rolling.MAX_SECONDS}),
    )
    progress_deadline_seconds = forms.CharField(
        label="progressDeadlineSeconds", required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": rolling.MAX_SECONDS}),
    )
    new_pods_fail = forms.BooleanField(
        label=gettext_lazy("New pods never become Ready (e.g. a bad image tag)"), required=False,
    )




def result_context(request, params, result):
    """Everything the result region shows for one run."""
    steps = result["steps"]
    return {
        "params": params,
        "result": result,
        "explanation": explain_rounding(params, result["resolved"]),
        "outcome": describe_outcome(params, result),
        "chart": build_chart(result),
        "table_rows": _table_rows(steps, MAX_TABLE_ROWS),
        "omitted_rows": max(0, len(steps) - MAX_TABLE_ROWS),
        **run_links(request, KIND, params),
    }


def embed_context(params, result):
    """The compact chart and a short step table for a preset embedded in an answer."""
    steps = result["steps"]
    return {
        "chart": build_chart(result, compact=True),
        "table_rows": _table_rows(steps, EMBED_TABLE_ROWS),
        "omitted_rows": max(0, len(steps) - EMBED_TABLE_ROWS),
        "explanation": explain_rounding(params, result["resolved"]),
        "outcome": describe_outcome(params, result),
    }


def _table_rows(steps, limit):
    """The first steps and the last two, so the end of a long rollout stays visible."""
    numbered = [{"index": i, **step} for i, step in enumerate(steps)]
    if len(numbered) <= limit:
        return numbered
    return [*numbered[: limit - 2], None, *numbered[-2:]]


def _decimal(numerator: int) -> str:
    """numerator / 100 as plain decimal text (at most two decimals, no trailing zeros)."""
    whole, cents = divmod(numerator, 100)
    return str(whole) if cents == 0 else f"{whole}.{cents:02d}".rstrip("0")


def explain_rounding(params, resolved) -> list[str]:
    """Sentences saying how maxSurge and maxUnavailable resolve for these numbers."""
    replicas = params.replicas
    if not params.is_rolling:
        return [
            _("Recreate ignores maxSurge and maxUnavailable: the controller scales the old ReplicaSet to 0, "
              "waits until no old pod runs, then creates the new ReplicaSet with all %(replicas)s replicas, "
              "so no pod is available until the new pods are ready.") % {"replicas": replicas}
        ]
    sentences = []
    for name, value, rounded_up in (
        ("maxSurge", params.max_surge, True),
        ("maxUnavailable", params.max_unavailable, False),
    ):
        if rolling.is_percent(value):
            percent = int(value[:-1])
            exact = _decimal(percent * replicas)
            resolved_value = rolling.scaled_value(value, replicas, round_up=rounded_up)
            template = (
                _("%(name)s %(value)s of %(replicas)s replicas is %(exact)s, rounded up to %(resolved)s.")
                if rounded_up
                else _("%(name)s %(value)s of %(replicas)s replicas is %(exact)s, rounded down to %(resolved)s.")
            )
            sentences.append(template % {"name": name, "value": value, "replicas": replicas, "exact": exact,
                                         "resolved": resolved_value})
        else:
            sentences.append(_("%(name)s %(value)s is an absolute number of pods: no rounding.")
                             % {"name": name, "value": value})
    if resolved["fencepost_bumped"] and replicas > 0:
        sentences.append(_("Both resolve to 0, so the controller uses maxUnavailable = 1 instead "
                           "(ResolveFenceposts: surging might be blocked by a quota)."))
    raw_unavailable = rolling.scaled_value(
        params.max_unavailable if rolling.is_percent(params.max_unavailable) else int(params.max_unavailable),
        replicas, round_up=False,
    )
    if replicas == 0:
        # pkg/controller/deployment/util/deployment_util.go MaxUnavailable returns 0 for 0 replicas
        # before ResolveFenceposts is consulted, so the fencepost sentence above is skipped.
        sentences.append(_("With 0 replicas there is nothing to replace: maxUnavailable counts as 0."))
    elif raw_unavailable > replicas:
        sentences.append(_("maxUnavailable is capped at the %(replicas)s replicas.") % {"replicas": replicas})
    sentences.append(
        _("So at most %(max_total)s pods exist at any time (%(replicas)s + %(surge)s; pods that are still "
          "terminating are not counted) and at least %(min_available)s stay available "
          "(%(replicas)s − %(unavailable)s).")
        % {"max_total": resolved["max_total"], "replicas": replicas, "surge": resolved["max_surge"],
           "min_available": resolved["min_available"], "unavailable": resolved["max_unavailable"]}
    )
    return sentences


def describe_outcome(params, result) -> str:
    """One sentence on how the run ended."""
    final = result["final"]
    if final["outcome"] == "complete":
        return _("The rollout completes at t = %(t)s s: %(new)s new pods, all available, no old pods.") % {
            "t": final["complete_at"], "new": final["new"]}
    if final["outcome"] == "progress_deadline_exceeded":
        return _("The rollout stalls with %(old)s old and %(new)s new pods (%(available)s available). "
                 "At t = %(t)s s Progressing turns False with reason ProgressDeadlineExceeded; "
                 "nothing rolls back by itself (kubectl rollout undo does).") % {
            "old": final["old"], "new": final["new"], "available": final["available"], "t": final["t"]}
    return _("The rollout is still in progress at t = %(t)s s.") % {"t": final["t"]}
