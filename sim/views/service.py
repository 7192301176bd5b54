"""The Service traffic-routing simulator page (kube-proxy iptables, nftables, IPVS) and its embed."""

from __future__ import annotations

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sim.charts_service import build_bars, build_diagram
from sim.engine import service
from sim.views.common import SimulatorForm, run_links

KIND = service.KIND
STATE_CYCLE = {"ready": "notready", "notready": "terminating", "terminating": "terminating-notserving", "terminating-notserving": "ready"}
NODEPORT_LOCAL = {"type": "NodePort", "external_traffic_policy": "Local", "endpoints": "node-a:ready,node-b:ready", "nodes": "node-a,node-b,node-c"}
PRESETS = (
    ("three-ready", gettext_lazy("Three ready endpoints"), {}),
    ("one-not-ready", gettext_lazy("One endpoint not ready"), {"endpoints": "node-a:ready,node-b:notready,node-c:ready"}),
    ("all-terminating", gettext_lazy("All endpoints terminating"), {"endpoints": "node-a:terminating,node-b:terminating,node-c:terminating"}),
    ("no-endpoints", gettext_lazy("No ready endpoint (REJECT)"), {"endpoints": "node-a:notready,node-b:terminating-notserving"}),
    ("nodeport-local", gettext_lazy("NodePort, Local, node with an endpoint"), {**NODEPORT_LOCAL, "client": "external:node-b"}),
    ("nodeport-local-none", gettext_lazy("NodePort, Local, node without an endpoint"), {**NODEPORT_LOCAL, "client": "external:node-c"}),
    ("hairpin", gettext_lazy("Hairpin: a Pod reaches itself"), {"endpoints": "node-a:ready,node-b:ready", "client": "hairpin:1", "seed": 1}),
    ("affinity", gettext_lazy("ClientIP affinity, 5 clients"), {"session_affinity": "ClientIP", "clients": 5, "requests": 1000}),
    ("ipvs-rr", gettext_lazy("IPVS round robin"), {"mode": "ipvs", "requests": 9}),
)


def _select(label, choices, help_text=""):
    return forms.CharField(label=label, required=False, help_text=help_text, widget=forms.Select(choices=[(c, c) for c in choices]))


def _number(label, minimum, maximum, help_text=""):
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.NumberInput(attrs={"min": minimum, "max": maximum, "inputmode": "numeric"})
    )


class ServiceForm(SimulatorForm):
    """The Service parameters, one field each."""

    engine = service

    mode = _select(gettext_lazy("kube-proxy mode"), service.MODES,
                   gettext_lazy("IPVS mode is deprecated since Kubernetes 1.35; nftables mode is the suggested replacement."))
    type = _select(gettext_lazy("Service type"), service.TYPES)
    endpoints = forms.CharField(
        label=gettext_lazy("Endpoints"),
        required=False,
        help_text=gettext_lazy(
            "NODE:STATE items, comma-separated; STATE is ready, notready, terminating or terminating-notserving; none for no endpoints."
        ),
        widget=forms.TextInput(attrs={"size": 30, "spellcheck": "false", "autocapitalize": "off"}),
    )
    nodes = forms.CharField(
        label=gettext_lazy("Nodes"),
        required=False,
        help_text=gettext_lazy("Comma-separated node names; empty: the nodes the endpoints and the client name."),
        widget=forms.TextInput(attrs={"size": 30, "spellcheck": "false", "autocapitalize": "off"}),
    )
    client = forms.CharField(
        label=gettext_lazy("Client"),
        required=False,
        help_text=gettext_lazy("pod:NODE, host:NODE, external:NODE (NodePort or LoadBalancer) or hairpin:N (endpoint N)."),
        widget=forms.TextInput(attrs={"size": 20, "spellcheck": "false", "autocapitalize": "off"}),
    )
    target = forms.CharField(
        label=gettext_lazy("Connects to"),
        required=False,
        widget=forms.Select(
            choices=[("auto", gettext_lazy("auto")), ("cluster-ip", "ClusterIP"), ("external", gettext_lazy("NodePort / load balancer IP"))]
        ),
    )
    external_traffic_policy = _select("externalTrafficPolicy", service.POLICIES)
    internal_traffic_policy = _select("internalTrafficPolicy", service.POLICIES)
    session_affinity = _select("sessionAffinity", service.AFFINITIES)
    affinity_timeout_seconds = _number("timeoutSeconds", 1, 86_400)
    ipvs_scheduler = _select(gettext_lazy("IPVS scheduler"), service.SCHEDULERS)
    requests = _number(gettext_lazy("Connections"), 1, service.MAX_REQUESTS)
    clients = _number(gettext_lazy("Client addresses"), 1, service.MAX_CLIENTS)
    request_interval_seconds = _number(gettext_lazy("Seconds between a client's connections"), 0, 86_400)
    seed = _number(gettext_lazy("Random seed"), 0, service.MAX_SEED)

    def groups(self):
        layout = [
            (
                _("Service and kube-proxy"),
                (
                    "mode",
                    "type",
                    "external_traffic_policy",
                    "internal_traffic_policy",
                    "session_affinity",
                    "affinity_timeout_seconds",
                    "ipvs_scheduler",
                ),
            ),
            (_("Endpoints and client"), ("endpoints", "nodes", "client", "target")),
            (_("Traffic"), ("requests", "clients", "request_interval_seconds", "seed")),
        ]
        return [{"legend": legend, "fields": [self[name] for name in names]} for legend, names in layout]


VERDICTS = {
    "forwarded": gettext_lazy("Forwarded"),
    "rejected": gettext_lazy("Rejected"),
    "dropped": gettext_lazy("Dropped"),
}
STATE_LABELS = {
    "ready": gettext_lazy("ready"),
    "notready": gettext_lazy("not ready"),
    "terminating": gettext_lazy("terminating, serving"),
    "terminating-notserving": gettext_lazy("terminating, not serving"),
}
CLIENT_KINDS = {
    "pod": gettext_lazy("A Pod"),
    "host": gettext_lazy("A process on the node"),
    "external": gettext_lazy("An external client"),
    "hairpin": gettext_lazy("An endpoint Pod of the Service itself"),
}


def walk_text(step) -> str:
    """One hop of the packet's path in the reader's language."""
    code = step["code"]
    if code == "start":
        return _("%(client)s at %(source)s on %(node)s opens a TCP connection to %(destination)s.") % {
            "client": CLIENT_KINDS[step["client"]],
            "source": step["source"],
            "node": step["node"],
            "destination": step["destination"],
        }
    if code == "hook":
        return _("On %(node)s the first packet enters the %(hook)s hook, where kube-proxy's %(mode)s rules look at it.") % step
    if code == "ipvs_match":
        return (
            _("On %(node)s the destination %(virtual_server)s is an IPVS virtual server (scheduler %(scheduler)s, %(real_servers)s real servers).")
            % step
        )
    if code == "no_endpoints":
        return _(
            "The Service has no usable endpoint anywhere: the filter rule rejects the connection "
            '(ICMP port unreachable, the client sees "connection refused").'
        )
    if code == "ipvs_no_destination":
        return _("The virtual server has no real server: IPVS answers with ICMP port unreachable.")
    if code == "no_local_endpoints":
        return _("The traffic policy is Local and %(node)s has no usable endpoint: the packet is dropped silently (the client times out).") % step
    if code == "external_chain":
        return _("The packet goes to the Service's external chain %(chain)s (externalTrafficPolicy %(policy)s).") % step
    if code == "short_circuit_pod":
        return (
            _(
                "It comes from a Pod, so it is short-circuited to the cluster-wide chain %(chain)s: "
                "externalTrafficPolicy Local does not restrict traffic from inside the cluster."
            )
            % step
        )
    if code == "short_circuit_local":
        return _("It comes from the node itself, so it is marked for masquerading and short-circuited to the cluster-wide chain %(chain)s.") % step
    if code == "mark_masq":
        return {
            "external": _("It is marked for masquerading (KUBE-MARK-MASQ): with the Cluster policy the endpoint may be on another node."),
            "off_cluster": _("Its source is outside the cluster CIDR, so it is marked for masquerading (KUBE-MARK-MASQ)."),
            "local": _("The source address will be masqueraded."),
        }[step["why"]]
    if code == "policy_chain":
        if step["policy"] == "local":
            return _("The Local policy chain %(chain)s holds this node's %(endpoints)s endpoints.") % step
        return _("The cluster policy chain %(chain)s holds %(endpoints)s endpoints.") % step
    if code == "pick_iptables":
        return _("The statistic rules are tried in order; rule %(rule)s of %(rules)s matches and sends the packet to %(ip)s.") % step
    if code == "pick_nftables":
        return _("numgen random mod %(modulus)s gives %(value)s, which the verdict map sends to %(ip)s.") % step
    if code == "pick_ipvs":
        return _("The %(scheduler)s scheduler picks the real server %(ip)s.") % step
    if code == "hairpin":
        return (
            _(
                "The chosen endpoint %(ip)s is the client itself (hairpin): the endpoint chain marks the packet "
                "for masquerading so that the reply comes back through the node."
            )
            % step
        )
    if code == "dnat":
        return _("The destination is rewritten (DNAT) to %(to)s, Pod %(pod)s on %(node)s.") % step
    if code == "masquerade":
        return _("In POSTROUTING the marked packet is masqueraded: its source becomes %(source)s.") % step
    if code == "no_masquerade":
        return _("The packet is not marked, so its source address %(source)s is kept.") % step
    if code == "ipvs_reply_lost":
        return (
            _(
                "IPVS forwards to %(pod)s on another node without masquerading (no local endpoint); the reply leaves "
                "that node from the Pod's address, which the external client does not expect, so the connection fails."
            )
            % step
        )
    if code == "deliver":
        if step["remote"]:
            return _("The packet crosses to %(node)s and reaches %(pod)s, which sees the source %(source)s.") % step
        return _("The packet reaches %(pod)s on the same node, which sees the source %(source)s.") % step
    return code


def endpoint_links(request, params, result):
    """For each endpoint, the query that moves it to the next state (a plain link: no JavaScript needed)."""
    links = {}
    base = params.to_query()
    states = [ep["state"] for ep in result["endpoints"]]
    for i, ep in enumerate(result["endpoints"]):
        changed = list(states)
        changed[i] = STATE_CYCLE[changed[i]]
        endpoints = ",".join(f"{e['node']}:{s}" for e, s in zip(result["endpoints"], changed, strict=True))
        query = {**base, "endpoints": endpoints}
        links[ep["ip"]] = {"query": urlencode(query), "next": STATE_LABELS[changed[i]]}
    return links


def _decorate(result, links=None):
    diagram = build_diagram(result)
    for box in diagram["boxes"]:
        for pod in box["pods"]:
            pod["state_label"] = STATE_LABELS[pod["state"]]
            if links:
                pod["link"] = links[pod["ip"]]
    return diagram


def result_context(request, params, result):
    """Everything the result region shows for one run."""
    links = endpoint_links(request, params, result)
    return {
        "params": params,
        "result": result,
        "diagram": _decorate(result, links),
        "bars": build_bars(result),
        "walk": [walk_text(step) for step in result["walk"]],
        "verdict_label": VERDICTS[result["verdict"]],
        "rule_lines": _rule_lines(result),
        "per_client": _per_client(result),
        **run_links(request, KIND, params),
    }


def embed_context(params, result):
    """Compact diagram, the rules the connection meets and the verdict."""
    return {
        "params": params,
        "result": result,
        "diagram": _decorate(result),
        "walk": [walk_text(step) for step in result["walk"]],
        "verdict_label": VERDICTS[result["verdict"]],
        "rule_lines": _rule_lines(result),
        "bars": build_bars(result),
    }


def _rule_lines(result):
    return [{**rule, "css": rule["status"]} for rule in result["rules"]]


def _per_client(result):
    rows = result["distribution"]["per_client"]
    if len(rows) < 2 and result["params"]["session_affinity"] == "None":
        return []
    return [
        {
            "ip": row["ip"],
            "requests": row["requests"],
            "counts": [{"ip": ip, "count": count} for ip, count in zip(result["usable"], row["counts"], strict=False) if count],
        }
        for row in rows
    ]
