"""The etcd / Raft simulator page, its fault buttons and its embedded form in answers."""

from __future__ import annotations

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sim.charts_etcd import build_ring, build_swimlane, build_write_timeline, seconds
from sim.engine import etcd
from sim.messages import fault_effect
from sim.views.common import SimulatorForm, run_links

KIND = etcd.KIND
MAX_MEMBERS, MAX_LEARNERS, MAX_DURATION_MS = etcd.MAX_MEMBERS, etcd.MAX_LEARNERS, etcd.MAX_DURATION_MS
DEFAULTS = etcd.parse_params({})
FIRST_FAULT_MS = 2000
FAULT_GAP_MS = 3000
# Long enough after a fault for an election and for etcd's 7 s request timeout to show.
FAULT_TAIL_MS = 8000
MAX_ELECTION_ROWS = 40

PRESETS = (
    ("stop-leader", gettext_lazy("3 members: stop the leader"), {"events": "stop:leader@2000"}),
    ("five-two-down", gettext_lazy("5 members: stop 2, then a 3rd"),
     {"members": 5, "duration_ms": 20_000, "events": "stop:follower@2000,stop:follower@5000,stop:leader@9000"}),
    ("four-split", gettext_lazy("4 members split 2 | 2"),
     {"members": 4, "duration_ms": 15_000, "events": "partition:0-1|2-3@2000"}),
    ("leader-cut-off", gettext_lazy("Leader cut off, then healed"),
     {"duration_ms": 15_000, "events": "partition:leader@2000,heal@9000"}),
    ("no-check-quorum", gettext_lazy("…the same without CheckQuorum"),
     {"duration_ms": 15_000, "check_quorum": "false", "events": "partition:leader@2000,heal@9000"}),
    ("no-prevote", gettext_lazy("A follower rejoins without pre-vote"),
     {"duration_ms": 15_000, "prevote": "false", "events": "partition:0-1|2@2000,heal@8000"}),
    ("seven-slow-disks", gettext_lazy("7 members, 5 ms fsync"), {"members": 7, "fsync_ms": 5}),
)


def _number(label, *, help_text="", minimum=0, maximum=None):
    attrs = {"min": minimum, "inputmode": "numeric"}
    if maximum is not None:
        attrs["max"] = maximum
    return forms.CharField(label=label, required=False, help_text=help_text, widget=forms.NumberInput(attrs=attrs))


def _switch(label, help_text):
    # A select, not a checkbox: an unticked box sends nothing, which would mean "default: on".
    return forms.CharField(label=label, required=False, help_text=help_text,
                           widget=forms.Select(choices=[("true", gettext_lazy("on")), ("false", gettext_lazy("off"))]))


class EtcdForm(SimulatorForm):
    """The etcd/Raft parameters, one field each."""

    engine = etcd

    members = forms.CharField(label=gettext_lazy("Voting members"), required=False,
                              widget=forms.Select(choices=[(str(n), str(n)) for n in range(1, MAX_MEMBERS + 1)]))
    down = _number(gettext_lazy("Stopped at the start"), maximum=MAX_MEMBERS,
                   help_text=gettext_lazy("The highest-numbered members."))
    learners = _number(gettext_lazy("Learners"), maximum=MAX_LEARNERS,
                       help_text=gettext_lazy("Non-voting members; they never count towards quorum."))
    heartbeat_ms = _number(gettext_lazy("Heartbeat interval (ms)"), minimum=10,
                           help_text=gettext_lazy("etcd --heartbeat-interval, default 100."))
    election_ms = _number(gettext_lazy("Election timeout (ms)"), minimum=50,
                          help_text=gettext_lazy("etcd --election-timeout, default 1000; at least 5 heartbeats."))
    fsync_ms = _number(gettext_lazy("WAL fsync (ms)"), help_text=gettext_lazy("Average time to persist an append."))
    rtt_ms = _number(gettext_lazy("Network round trip (ms)"))
    prevote = _switch(gettext_lazy("Pre-vote"), gettext_lazy("etcd --pre-vote, on by default."))
    check_quorum = _switch(gettext_lazy("CheckQuorum"), gettext_lazy("Always on in etcd; off shows why."))
    write_rate = _number(gettext_lazy("Client writes per second"), maximum=200)
    duration_ms = _number(gettext_lazy("Simulate for (ms)"), minimum=1000, maximum=MAX_DURATION_MS)
    seed = _number(gettext_lazy("Random seed"), help_text=gettext_lazy("Election timeouts and the members clients pick."))
    events = forms.CharField(
        label=gettext_lazy("Faults"), required=False,
        help_text=gettext_lazy("Comma-separated, times in ms: stop:leader@2000, stop:follower@3000, stop:2@4000, "
                               "restart:2@7000, restart:all@8000, partition:0-1|2-3-4@3000, partition:leader@3000, "
                               "heal@6000. Members are numbered from 0."),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )

    def groups(self):
        """Fieldsets in the order the page shows them."""
        group = lambda legend, names: {"legend": legend, "fields": [self[name] for name in names]}  # noqa: E731
        return [
            group(_("Cluster"), ["members", "down", "learners"]),
            group(_("Faults"), ["events"]),
            group(_("Timing"), ["heartbeat_ms", "election_ms", "fsync_ms", "rtt_ms", "prevote", "check_quorum"]),
            group(_("Run"), ["write_rate", "duration_ms", "seed"]),
        ]




def error_context():
    """The tolerance table still shows beside the errors of invalid input."""
    return {"tolerance": tolerance_rows(None)}


def result_context(request, params, result):
    """Everything the simulator region shows for one run."""
    faults = fault_actions(params, result)
    return {
        "params": params,
        "result": result,
        "outcome": describe_run(params, result),
        "figures": key_figures(result),
        "ring": build_ring(result, links=faults["members"]),
        "swimlane": build_swimlane(result),
        "timeline": build_write_timeline(result),
        "faults": faults,
        "fault_log": [{**fault, "effect": fault_effect(fault["effect"]), "number": n, "t_s": seconds(fault["t_ms"])}
                      for n, fault in enumerate(result["faults"], 1)],
        "elections": (rows := election_rows(result))[:MAX_ELECTION_ROWS],
        "omitted_elections": max(0, len(rows) - MAX_ELECTION_ROWS),
        "tolerance": tolerance_rows(params.members),
        **run_links(request, KIND, params),
        "reset_url": "?" + urlencode({**params.to_query(), "events": "", "duration_ms": str(DEFAULTS.duration_ms)}),
    }


def embed_context(params, result):
    """A compact swimlane, the key figures and the first sentences of the outcome for an embedded preset."""
    return {
        "swimlane": build_swimlane(result, compact=True),
        "figures": key_figures(result),
        "outcome": describe_run(params, result)[:3],
        "changed_params": changed_params(params),
    }


def changed_params(params):
    """`name=value` for every parameter that differs from the defaults."""
    defaults = DEFAULTS.to_query()
    return [f"{name}={value}" for name, value in params.to_query().items() if value != defaults[name]]


def fault_actions(params, result):
    """Links that re-run the scenario with one more fault appended to `events`, after every earlier one."""
    last = max((event.at_ms for event in params.events), default=None)
    at_ms = FIRST_FAULT_MS if last is None else last + FAULT_GAP_MS
    available = at_ms <= MAX_DURATION_MS - FAULT_GAP_MS and len(params.events) < 30
    duration_ms = min(MAX_DURATION_MS, max(params.duration_ms, at_ms + FAULT_TAIL_MS))

    def url(event_text):
        query = params.to_query()
        query["events"] = ",".join(filter(None, [query["events"], f"{event_text}@{at_ms}"]))
        query["duration_ms"] = str(duration_ms)
        return "?" + urlencode(query)

    final = result["final"]
    voters = [m for m in final if m["voter"]]
    half = params.members // 2
    split = "-".join(str(m["id"]) for m in final[:half]) + "|" + "-".join(str(m["id"]) for m in final[half:])
    leader = _leader_at(result, at_ms)
    buttons = []
    if available:
        if leader is not None:
            buttons.append({"action": "stop-leader", "label": _("Stop the leader"), "url": url("stop:leader")})
        if len(voters) > 1:
            buttons.append({"action": "stop-follower", "label": _("Stop a follower"), "url": url("stop:follower")})
        if leader is not None and len(final) > 1:
            buttons.append({"action": "partition-leader", "label": _("Cut the leader off"), "url": url("partition:leader")})
        if half and len(final) > 1:
            buttons.append({"action": "partition-halves",
                            "label": _("Split the network %(groups)s") % {"groups": split.replace("|", " | ")},
                            "url": url(f"partition:{split}")})
        if any(m["group"] is not None for m in final):
            buttons.append({"action": "heal", "label": _("Heal the network"), "url": url("heal")})
        if any(not m["up"] for m in final):
            buttons.append({"action": "restart-all", "label": _("Restart stopped members"), "url": url("restart:all")})
    member_links = {}
    member_buttons = []
    if available:
        for member in final:
            event = f"stop:{member['id']}" if member["up"] else f"restart:{member['id']}"
            member_links[member["id"]] = url(event)
            member_buttons.append({
                "id": member["id"], "url": member_links[member["id"]], "up": member["up"],
                "label": (_("Stop %(id)s") if member["up"] else _("Restart %(id)s")) % {"id": member["id"]},
            })
    return {"available": available, "at_s": seconds(at_ms), "buttons": buttons, "members": member_links,
            "member_buttons": member_buttons}


def _leader_at(result, at_ms):
    """The leader at `at_ms` (the run's last leader when `at_ms` is past its end), or None."""
    leader = None
    for entry in result["leaders"]:
        if entry["t_ms"] <= at_ms:
            leader = entry["leader"]
    return leader


def tolerance_rows(current):
    """Quorum and failure tolerance for 1..9 voting members, marking the current size."""
    return [{**row, "current": row["members"] == current} for row in etcd.tolerance_table(MAX_MEMBERS)]


def key_figures(result):
    """The handful of numbers shown above the charts and in embeds."""
    writes = result["writes"]
    outage_ms = sum(window["to_ms"] - window["from_ms"] for window in result["unavailable"])
    return {
        "quorum": result["quorum"],
        "members": result["members"],
        "tolerance": result["tolerance"],
        "elections_won": sum(1 for election in result["elections"] if election["winner"] is not None),
        "committed": writes["committed"],
        "failed": writes["failed"],
        "p50": writes["latency_ms"]["p50"],
        "p99": writes["latency_ms"]["p99"],
        "outage_s": seconds(outage_ms),
        "safe": result["safety"]["ok"],
    }


def election_rows(result):
    """One row per campaign: two members campaigning for the same term are two rows.

    The pre-vote column is empty when pre-vote is off (the campaign starts with the real vote).
    """
    rows = []
    for election in result["elections"]:
        for campaign in election.get("campaigns", []):
            won = campaign["won_ms"] is not None
            rows.append({
                "term": election["term"],
                "campaign_s": seconds(campaign["pre_vote_start_ms"]) if campaign["pre_vote_start_ms"] is not None else "",
                "start_s": seconds(campaign["start_ms"]),
                "candidates": str(campaign["candidate"]),
                "winner": campaign["candidate"] if won else None,
                "votes": ", ".join(str(v) for v in sorted(set(campaign["votes"]))),
                "end_s": seconds(campaign["won_ms"]) if won else "",
            })
    return rows


def describe_run(params, result) -> list[str]:
    """A few sentences on what happened in the run, most important first."""
    # Two counts, two plural forms: "3 voting members" but "tolerates 1 failed member".
    sentences = [
        ngettext("Quorum is %(quorum)s of %(members)s voting member,", "Quorum is %(quorum)s of %(members)s voting members,",
                 result["members"]) % {"quorum": result["quorum"], "members": result["members"]}
        + " "
        + ngettext("so the cluster tolerates %(tolerance)s failed member.",
                   "so the cluster tolerates %(tolerance)s failed members.",
                   result["tolerance"]) % {"tolerance": result["tolerance"]}
    ]
    if result["members"] % 2 == 0:
        sentences[0] += " " + _("An even size adds a member to the quorum without tolerating one more failure.")
    if result["writable"]:
        sentences.append(_("At the start %(up)s of %(members)s voting members are up: writes and linearizable reads "
                           "work; serializable reads are answered by any running member.")
                         % {"up": result["up_at_start"], "members": result["members"]})
    else:
        sentences.append(_("Only %(up)s of %(members)s voting members are up at the start, fewer than the quorum of "
                           "%(quorum)s: no leader can be elected, so writes and linearizable reads fail; serializable "
                           "reads still come from the running members and may be stale.")
                         % {"up": result["up_at_start"], "members": result["members"], "quorum": result["quorum"]})
    for fault in result["faults"][:8]:
        sentences.append(_describe_fault(fault, result))
    writes = result["writes"]
    if writes["total"]:
        sentence = _("%(committed)s of %(total)s writes committed (median %(p50)s ms, p99 %(p99)s ms).") % {
            "committed": writes["committed"], "total": writes["total"],
            "p50": writes["latency_ms"]["p50"] if writes["latency_ms"]["p50"] is not None else "–",
            "p99": writes["latency_ms"]["p99"] if writes["latency_ms"]["p99"] is not None else "–"}
        if writes["failed"]:
            sentence += " " + _("%(failed)s failed: %(timed_out)s hit etcd's %(timeout)s s request timeout and "
                                "%(stopped)s were lost with a stopped member.") % {
                "failed": writes["failed"], "timed_out": writes["timed_out"] + writes["committed_after_timeout"],
                "timeout": seconds(result["request_timeout_ms"]), "stopped": writes["member_stopped"] + writes["no_member"]}
        if writes.get("pending"):
            sentence += " " + ngettext(
                "%(count)s was still waiting for a commit when the run ended.",
                "%(count)s were still waiting for a commit when the run ended.",
                writes["pending"]) % {"count": writes["pending"]}
        if writes["committed_after_timeout"]:
            sentence += " " + ngettext(
                "%(count)s timed-out write was applied later anyway: a client that sees a timeout cannot tell.",
                "%(count)s timed-out writes were applied later anyway: a client that sees a timeout cannot tell.",
                writes["committed_after_timeout"]) % {"count": writes["committed_after_timeout"]}
        sentences.append(sentence)
    outages = result["unavailable"]
    if outages:
        total = sum(window["to_ms"] - window["from_ms"] for window in outages)
        sentences.append(ngettext(
            "No leader could commit writes for %(seconds)s s in total (%(count)s window).",
            "No leader could commit writes for %(seconds)s s in total (%(count)s windows).",
            len(outages)) % {"seconds": seconds(total), "count": len(outages)})
    else:
        sentences.append(_("A leader with a quorum behind it could commit writes for the whole run."))
    if result["safety"]["ok"]:
        sentences.append(_("Raft's safety held: never two leaders in one term, and no committed entry was lost."))
    else:
        sentences.append(_("Safety violation: %(problem)s") % {"problem": result["safety"]["violations"][0]})
    return sentences


def _describe_fault(fault, result):
    at = fault["t_ms"]
    text = _("At %(t)s s: %(effect)s.") % {"t": seconds(at), "effect": fault_effect(fault["effect"])}
    later_faults = [f["t_ms"] for f in result["faults"] if f["t_ms"] > at]
    horizon = later_faults[0] if later_faults else result["duration_ms"] + 1
    change = next((entry for entry in result["leaders"] if at < entry["t_ms"] < horizon and entry["leader"] is not None),
                  None)
    if change is not None:
        text += " " + _("Member %(leader)s became leader of term %(term)s %(delay)s s later.") % {
            "leader": change["leader"], "term": change["term"], "delay": seconds(change["t_ms"] - at)}
    return text
