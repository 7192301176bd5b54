"""The kube-scheduler simulator page and its embedded form in answers."""

from __future__ import annotations

import re

from django import forms
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from sim.charts_scheduler import build_chart
from sim.engine import scheduler
from sim.engine.scheduler import format_cpu, format_memory
from sim.messages import localize
from sim.views.common import SimulatorForm, run_links

KIND = scheduler.KIND
EVENTS_HEADER = ("Type", "Reason", "Age", "From", "Message")
CAMEL_WORD = re.compile(r"[A-Z][a-z]+|[A-Z]+(?![a-z])|[a-z]+")
PRESETS = (
    ("node-out-of-cpu", gettext_lazy("A node out of CPU"), {"preset": "node-out-of-cpu"}),
    ("tainted-control-plane", gettext_lazy("A tainted control-plane node"), {"preset": "tainted-control-plane"}),
    ("selector-matches-nothing", gettext_lazy("nodeSelector matching nothing"), {"preset": "selector-matches-nothing"}),
    ("required-and-preferred-affinity", gettext_lazy("Required and preferred node affinity"),
     {"preset": "required-and-preferred-affinity"}),
    ("best-effort-pod", gettext_lazy("A best-effort Pod (no requests)"), {"preset": "best-effort-pod"}),
    ("priority-preemption", gettext_lazy("A high-priority Pod that preempts"), {"preset": "priority-preemption"}),
    ("cordoned-node", gettext_lazy("A cordoned node"), {"preset": "cordoned-node"}),
    ("nothing-fits", gettext_lazy("Nothing fits: FailedScheduling"), {"preset": "nothing-fits"}),
    ("limits-without-requests", gettext_lazy("Limits without requests"), {"preset": "limits-without-requests"}),
    ("daemonset-pod", gettext_lazy("A DaemonSet Pod on a cordoned node"), {"preset": "daemonset-pod"}),
    ("daemonset-pod-no-room", gettext_lazy("A DaemonSet Pod whose node is full"), {"preset": "daemonset-pod-no-room"}),
)


def plugin_help():
    """One sentence per plugin, in the reader's language (the reason strings stay as the scheduler prints them)."""
    return [
        ("NodeUnschedulable", _("Filter: rejects a cordoned node (spec.unschedulable) unless the Pod tolerates "
                                "node.kubernetes.io/unschedulable:NoSchedule.")),
        ("NodeName", _("Filter: when spec.nodeName is set, only that node passes.")),
        ("TaintToleration", _("Filter: rejects a node with a NoSchedule or NoExecute taint the Pod does not tolerate. "
                              "Score (weight 3): fewer untolerated PreferNoSchedule taints is better; normalised "
                              "in reverse so the node with most such taints gets 0.")),
        ("NodeAffinity", _("Filter: nodeSelector and required node affinity. Score (weight 2): the sum of the "
                           "weights of the preferred terms a node matches, scaled so the best node gets 100; "
                           "skipped when the Pod has no preferred terms.")),
        ("NodePorts", _("Filter: host ports in use. Not modelled here: skipped, as for a Pod without hostPort.")),
        ("NodeResourcesFit", _("Filter: Too many pods, Insufficient cpu or memory: the request must fit into "
                               "allocatable minus what is already requested. Score (weight 1): LeastAllocated "
                               "favours free room, MostAllocated packs; containers without requests count "
                               "100m CPU and 200Mi memory here only.")),
        ("NodeResourcesBalancedAllocation", _("Score (weight 1): favours nodes whose CPU and memory use become "
                                              "more even with the Pod; 75 means no change. Skipped for a "
                                              "best-effort Pod.")),
    ]


class SchedulerForm(SimulatorForm):
    """The scenario YAML, the scoring strategy and the tie-breaking seed."""

    engine = scheduler

    scenario = forms.CharField(
        label=gettext_lazy("Scenario (YAML)"), required=False,
        help_text=gettext_lazy("Nodes and one Pod with Kubernetes field names; at most 50 nodes and 16 KB."),
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "false", "autocomplete": "off",
                                     "autocapitalize": "off", "class": "sched-yaml"}),
    )
    strategy = forms.CharField(
        label=gettext_lazy("NodeResourcesFit scoring"), required=False,
        widget=forms.Select(choices=[(s, s) for s in scheduler.STRATEGIES]),
    )
    seed = forms.CharField(
        label=gettext_lazy("Seed for ties"), required=False,
        help_text=gettext_lazy("The scheduler picks at random among nodes tied for the best total."),
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
    )

    @classmethod
    def showing(cls, params):
        """The form with the run's YAML in the editor, a preset's included, so that editing starts from it."""
        form = super().showing(params)
        form.initial["scenario"] = params.scenario_text
        return form

    def clean(self):
        """Errors at a path inside the scenario stay with the editor, prefixed by their path."""
        raw = {name: self.data[name] for name in ("preset", "scenario", "strategy", "seed") if name in self.data}
        try:
            self.cleaned_data["params"] = self.engine.parse_params(raw)
        except scheduler.ParamError as exc:
            labels = {name: self.error_label(name) for name in self.fields}
            for path, message in exc.errors.items():
                if path in self.fields:
                    self.add_error(path, localize(message, labels))
                else:
                    self.add_error("scenario", f"{path}: {localize(message, labels, yaml=True)}")
        return self.cleaned_data


def plugin_label(name):
    """A plugin name that may wrap between its words in a narrow table header."""
    return format_html_join(mark_safe("<wbr>"), "{}", ((word,) for word in CAMEL_WORD.findall(name)))


def table_headers(result):
    """The filter and score tables' column headers."""
    return {
        "filter_headers": [plugin_label(name) for name in result["filter_plugins"]],
        "score_headers": [{**plugin, "label": plugin_label(plugin["name"])} for plugin in result["score_plugins"]],
    }


def result_context(request, params, result):
    """Everything the result region shows for one run."""
    return {
        **table_headers(result),
        "params": params,
        "result": result,
        "rows": node_rows(result),
        "outcome": describe_outcome(result),
        "chart": build_chart(result),
        "events": event_lines(result["events"]),
        "victim_events": result["victim_events"],
        "plugin_help": plugin_help(),
        "preemption": preemption_context(result),
        **run_links(request, KIND, params),
    }


def embed_context(params, result):
    """The compact tables, the message and the outcome for a preset embedded in an answer."""
    return {
        **table_headers(result),
        "rows": node_rows(result),
        "outcome": describe_outcome(result)[:2],
        "events": event_lines(result["events"]),
        "chart": build_chart(result, compact=True),
    }


def error_context():
    return {"plugin_help": plugin_help()}


def node_rows(result):
    """One row per node: resources as kubectl prints them, each filter's outcome, each plugin's score."""
    rows = []
    selected = set(result["selected"])
    for node in result["nodes"]:
        allocatable, requested = node["allocatable"], node["requested"]
        scores = node["scores"] or {}
        rows.append({
            **node,
            "cpu": f"{format_cpu(requested['cpu_m'])} / {format_cpu(allocatable['cpu_m'])}",
            "memory": f"{format_memory(requested['memory'])} / {format_memory(allocatable['memory'])}",
            "pods": f"{requested['pods']} / {allocatable['pods']}",
            "chosen": node["name"] == result["chosen"],
            "tied": node["name"] in selected and len(selected) > 1,
            "steps": [{**step, "label": _step_label(step["outcome"])} for step in node["filter_steps"]],
            "score_cells": [scores.get(p["name"]) for p in result["score_plugins"]],
            "taint_text": ", ".join(f"{t['key']}{'=' + t['value'] if t['value'] else ''}:{t['effect']}"
                                    for t in node["taints"]),
        })
    return rows


def _step_label(outcome):
    return {"pass": pgettext("scheduler", "passed"), "fail": pgettext("scheduler", "failed"),
            "skip": pgettext("scheduler", "skipped"), "not_run": pgettext("scheduler", "not run"),
            "prefiltered": pgettext("scheduler", "not a PreFilter candidate")}[outcome]


def describe_outcome(result) -> list[str]:
    """A few sentences on what the scheduler did, most important first."""
    pod = f"{result['pod']['namespace']}/{result['pod']['name']}"
    sentences = []
    feasible = result["feasible"]
    if result["bypassed"]:
        sentences.append(_("spec.nodeName is set, so the scheduler never sees this Pod: the kubelet on %(node)s "
                           "admits it directly (and may reject it, for example with OutOfcpu). The tables show "
                           "what the filters would say.") % {"node": result["pod"]["node_name"]})
    elif result["chosen"] and result["scoring_skipped"]:
        sentences.append(_("Only %(node)s passes every filter, so the scheduler binds %(pod)s there without "
                           "scoring.") % {"node": result["chosen"], "pod": pod})
    elif result["chosen"]:
        winner = next(row for row in result["nodes"] if row["name"] == result["chosen"])
        sentences.append(_("%(count)s of %(total)s nodes pass the filters; %(node)s has the highest total score, "
                           "%(score)s, and %(pod)s is bound to it.") % {
            "count": len(feasible), "total": len(result["nodes"]), "node": result["chosen"],
            "score": winner["total"], "pod": pod})
        if len(result["selected"]) > 1:
            sentences.append(_("%(nodes)s tie for the best total; the scheduler picks one of them at random "
                               "(here with a seeded generator: change the seed to see another pick).")
                             % {"nodes": ", ".join(result["selected"])})
    else:
        sentences.append(_("No node passes the filters: %(pod)s stays Pending and the scheduler records a "
                           "FailedScheduling event.") % {"pod": pod})
        preemption = result["preemption"] or {}
        if preemption.get("nominated_node_name"):
            sentences.append(_("Preemption finds room on %(node)s: the scheduler evicts %(victims)s and sets "
                               "status.nominatedNodeName=%(node)s; the Pod is scheduled in a later cycle, once "
                               "the victims are gone.") % {
                "node": preemption["nominated_node_name"],
                "victims": ", ".join(v["object"] for v in result["victim_events"])})
        elif preemption.get("eligible") is False:
            sentences.append(_("preemptionPolicy: Never, so the Pod may not evict anything."))
        else:
            sentences.append(_("Preemption cannot help: no node has lower-priority pods whose removal would make "
                               "room, or the node's problem is not about room at all (taints, selectors)."))
    if result["pod"]["best_effort"] and feasible and not result["scoring_skipped"]:
        sentences.append(_("The Pod requests no CPU or memory (BestEffort): BalancedAllocation skips it, and "
                           "NodeResourcesFit scores it as if each container asked for 100m CPU and 200Mi."))
    return sentences


def preemption_context(result):
    """The preemption report with each criterion named in the reader's language."""
    preemption = result["preemption"]
    if not preemption:
        return None
    names = {
        "fewest_pdb_violations": _("fewest PodDisruptionBudget violations"),
        "lowest_highest_priority": _("lowest priority of the most important victim"),
        "smallest_priority_sum": _("smallest sum of victim priorities"),
        "fewest_victims": _("fewest victims"),
        "latest_start_time": _("latest start time (not modelled: a tie)"),
    }
    return {**preemption, "trail": [{**step, "label": names[step["criterion"]]} for step in preemption["trail"]]}


def event_lines(events) -> list[str]:
    """The Events block of `kubectl describe pod`, aligned as kubectl aligns it."""
    rows = [EVENTS_HEADER, tuple("-" * len(h) for h in EVENTS_HEADER)]
    rows += [(e["type"], e["reason"], "2s", e["from"], e["message"]) for e in events]
    widths = [max(len(row[i]) for row in rows) for i in range(len(EVENTS_HEADER) - 1)]
    lines = ["Events:"]
    for row in rows:
        lines.append("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])
    return lines
