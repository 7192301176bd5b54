"""Service traffic routing simulator: the rules kube-proxy programs for ``default/web:http``.

One connection (and then ``requests`` of them) to the Service is followed through the rules
that kube-proxy on the client's node wrote, in the chosen mode:

- endpoint list and order: pkg/proxy/endpointslicecache.go endpointsMapFromEndpointInfo sorts
  the endpoints with ``sort.Sort(byEndpoint(...))``, i.e. by the string "IP:port", so
  "10.244.0.10:8080" comes before "10.244.0.2:8080"; conditions as in
  pkg/proxy/endpoint.go (ready, serving, terminating).
- which endpoints are usable: pkg/proxy/topology.go CategorizeEndpoints (ready endpoints; the
  serving-terminating fallback when none is ready; Local policies restricted to this node's
  endpoints with the same fallback; ``hasAnyEndpoints``), with pkg/proxy/serviceport.go
  UsesClusterEndpoints / UsesLocalEndpoints / InternalPolicyLocal / ExternalPolicyLocal
  (externalTrafficPolicy only counts for NodePort and LoadBalancer Services).
- iptables: pkg/proxy/iptables/proxier.go syncProxyRules (KUBE-SERVICES, KUBE-NODEPORTS,
  KUBE-EXT-, KUBE-SVC-, KUBE-SVL-, KUBE-SEP-; REJECT "has no endpoints" vs DROP "has no local
  endpoints"; the ``! -s <cluster CIDR>`` masquerade rule for ClusterIP; the EXT chain's
  masquerade and short-circuit rules; the hairpin ``-s <endpoint IP> -j KUBE-MARK-MASQ``) and
  writeServiceToEndpointRules (session-affinity ``recent`` rules first, then one
  ``statistic`` rule per endpoint with probability 1/(n-i)). Rules are shown as iptables-save
  (iptables 1.8.9 or later) prints them: addresses and protocol first, comments quoted
  (libxtables xtables_save_string), probabilities as libxt_statistic.c statistic_save prints the
  stored 31-bit value, ``recent`` options in libxt_recent.c recent_save order without the
  all-ones ``--mask`` ("extensions: Do not print all-one's netmasks"), MARK as ``--set-xmark``.
- nftables: pkg/proxy/nftables/proxier.go syncProxyRules, setupNFTables and
  writeServiceToEndpointRules (``numgen random mod N vmap``, affinity sets with timeouts,
  ``service-ips`` / ``service-nodeports`` / ``no-endpoint-*`` maps). Rules are shown as
  kube-proxy hands them to ``nft -f`` (the form of its proxier_test.go).
- IPVS: pkg/proxy/ipvs/proxier.go syncService / syncEndpoint (one virtual server per address,
  real servers from CategorizeEndpoints; with a Local policy and no local endpoint the
  cluster-wide endpoints are used, kubernetes PR 97081, and external replies are lost because
  the source is kept) and its ipset-based masquerade rules (KUBE-CLUSTER-IP, KUBE-NODE-PORT,
  KUBE-LOOP-BACK); schedulers from Linux net/netfilter/ipvs ip_vs_rr.c, ip_vs_lc.c, ip_vs_sh.c.
  Shown as ``ipvsadm -Ln`` prints the virtual server.

Simplifications (also stated on the page): one Service port, IPv4 only, the default
``--detect-local-mode=ClusterCIDR`` with cluster CIDR 10.244.0.0/16 (node i owns 10.244.i.0/24,
its bridge is 10.244.i.1), no topology hints, no loadBalancerSourceRanges, no externalIPs, no
``--masquerade-all``, no localhost NodePorts rule; MASQUERADE is shown as rewriting the source to
the node's bridge address when the endpoint is on the same node and to the node's IP otherwise
(a routed pod network); each client's connections are ``request_interval_seconds`` apart and an
affinity entry lasts while the gap is shorter than the timeout; IPVS connections are taken as
long-lived (so ``lc`` picks like ``rr``) and real servers are listed in "IP:port" order
(kube-proxy adds them in Go map order).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from . import _service_names as names
from ._service_params import (
    AFFINITIES,
    CLIENT_KINDS,
    CLUSTER_IP,
    LOAD_BALANCER,
    MAX_CLIENTS,
    MAX_ENDPOINTS,
    MAX_NODES,
    MAX_REQUESTS,
    MAX_SEED,
    MODES,
    NODE_PORT,
    POLICIES,
    SCHEDULERS,
    STATES,
    TARGETS,
    TYPES,
    Endpoint,
    Params,
    parse_params,
)
from .errors import ParamError

KIND = "service"
CLUSTER_IP_ADDRESS = "10.96.0.10"
PORT = 80
TARGET_PORT = 8080
NODE_PORT_NUMBER = 30080
LB_IP = "192.0.2.10"
CLUSTER_CIDR = "10.244.0.0/16"
MASQ_MARK = "0x4000"
NFT_MASQ_MARK = "0x00004000"
COMMENT = names.SERVICE_PORT_NAME

MATCH, NO_MATCH, NOT_REACHED = "match", "no-match", "not-reached"
FORWARDED, REJECTED, DROPPED = "forwarded", "rejected", "dropped"


def node_ip(index: int) -> str:
    return f"172.18.0.{index + 2}"


def bridge_ip(index: int) -> str:
    return f"10.244.{index}.1"


# --- the cluster as kube-proxy sees it -----------------------------------------------------------


@dataclass(frozen=True)
class EndpointInfo:
    """One endpoint with its deterministic Pod name and IP (pkg/proxy/endpoint.go BaseEndpointInfo)."""

    number: int
    name: str
    ip: str
    node: str
    state: str
    ready: bool
    serving: bool
    terminating: bool

    @property
    def address(self) -> str:
        return f"{self.ip}:{TARGET_PORT}"


def build_endpoints(params: Params) -> list[EndpointInfo]:
    """Pods numbered in parameter order; node i's n-th Pod gets 10.244.i.(n+1)."""
    index = {node: i for i, node in enumerate(params.nodes)}
    per_node: dict[str, int] = {}
    result = []
    for number, ep in enumerate(params.endpoints, start=1):
        per_node[ep.node] = per_node.get(ep.node, 0) + 1
        result.append(
            EndpointInfo(
                number=number,
                name=f"web-{number}",
                ip=f"10.244.{index[ep.node]}.{per_node[ep.node] + 1}",
                node=ep.node,
                state=ep.state,
                ready=ep.ready,
                serving=ep.serving,
                terminating=ep.terminating,
            )
        )
    return result


def sorted_endpoints(endpoints: list[EndpointInfo]) -> list[EndpointInfo]:
    """endpointslicecache.go: sort.Sort(byEndpoint(...)) compares the "IP:port" strings."""
    return sorted(endpoints, key=lambda ep: ep.address)


@dataclass(frozen=True)
class Categorized:
    cluster: list[EndpointInfo]
    local: list[EndpointInfo]
    has_any: bool


def categorize(endpoints: list[EndpointInfo], node: str, *, uses_cluster: bool, uses_local: bool) -> Categorized:
    """pkg/proxy/topology.go CategorizeEndpoints without topology hints."""
    cluster: list[EndpointInfo] = []
    local: list[EndpointInfo] = []
    has_any = False
    if uses_cluster:
        cluster = [ep for ep in endpoints if ep.ready]
        if not cluster:
            cluster = [ep for ep in endpoints if ep.serving and ep.terminating]
        has_any = bool(cluster)
    if uses_local:
        local_ready = local_serving_terminating = False
        for ep in endpoints:
            if ep.ready:
                has_any = True
                local_ready = local_ready or ep.node == node
            elif ep.serving and ep.terminating:
                has_any = True
                local_serving_terminating = local_serving_terminating or ep.node == node
        if local_ready:
            local = [ep for ep in endpoints if ep.node == node and ep.ready]
        elif local_serving_terminating:
            local = [ep for ep in endpoints if ep.node == node and ep.serving and ep.terminating]
    return Categorized(cluster, local, has_any)


@dataclass(frozen=True)
class Client:
    kind: str
    node: str
    node_index: int
    ips: tuple[str, ...]
    in_cluster_cidr: bool
    hairpin_endpoint: EndpointInfo | None = None


def build_client(params: Params, endpoints: list[EndpointInfo]) -> Client:
    kind, arg = params.client_kind, params.client_arg
    if kind == "hairpin":
        ep = endpoints[int(arg) - 1]
        index = params.nodes.index(ep.node)
        return Client(kind, ep.node, index, (ep.ip,), True, ep)
    index = params.nodes.index(arg)
    if kind == "pod":
        ips = tuple(f"10.244.{index}.{200 + c}" for c in range(params.clients))
        return Client(kind, arg, index, ips, True)
    if kind == "host":
        return Client(kind, arg, index, (node_ip(index),), False)
    return Client(kind, arg, index, tuple(f"203.0.113.{10 + c}" for c in range(params.clients)), False)


# --- the result ------------------------------------------------------------------------------------


@dataclass
class Rule:
    table: str
    chain: str
    text: str
    status: str = NO_MATCH

    def to_dict(self) -> dict:
        return {"table": self.table, "chain": self.chain, "text": self.text, "status": self.status}


@dataclass
class Step:
    code: str
    args: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"code": self.code, **self.args}


@dataclass
class Result:
    params: Params
    nodes: list[dict]
    endpoints: list[EndpointInfo]
    ordered: list[EndpointInfo]
    client: Client
    destination: str
    handled_by: str
    usable: list[EndpointInfo]
    verdict: str
    reason: str
    reason_code: str
    rules: list[Rule]
    probabilities: list[str]
    probabilities_saved: list[str]
    share: list[float]
    chosen: EndpointInfo | None
    snat: bool
    source_ip_seen: str | None
    counts: list[int]
    per_client: list[dict]
    walk: list[Step]
    chains: dict

    def to_dict(self) -> dict:
        usable_ips = [ep.ip for ep in self.usable]
        return {
            "kind": KIND,
            "params": self.params.to_query(),
            "service": {
                "namespace": names.NAMESPACE,
                "name": names.SERVICE,
                "port_name": names.PORT_NAME,
                "protocol": "TCP",
                "port": PORT,
                "target_port": TARGET_PORT,
                "cluster_ip": CLUSTER_IP_ADDRESS,
                "node_port": NODE_PORT_NUMBER if self.params.type != CLUSTER_IP else None,
                "load_balancer_ip": LB_IP if self.params.type == LOAD_BALANCER else None,
                "type": self.params.type,
                "external_traffic_policy": self.params.external_traffic_policy,
                "internal_traffic_policy": self.params.internal_traffic_policy,
                "session_affinity": self.params.session_affinity,
                "cluster_cidr": CLUSTER_CIDR,
            },
            "nodes": self.nodes,
            "endpoints": [
                {
                    "number": ep.number,
                    "name": ep.name,
                    "ip": ep.ip,
                    "port": TARGET_PORT,
                    "node": ep.node,
                    "state": ep.state,
                    "ready": ep.ready,
                    "serving": ep.serving,
                    "terminating": ep.terminating,
                    "order": self.ordered.index(ep) + 1,
                    "usable": ep.ip in usable_ips,
                }
                for ep in self.endpoints
            ],
            "client": {
                "kind": self.client.kind,
                "node": self.client.node,
                "ips": list(self.client.ips),
            },
            "destination": self.destination,
            "handled_by": self.handled_by,
            "usable": usable_ips,
            "verdict": self.verdict,
            "reason": self.reason,
            "reason_code": self.reason_code,
            "rules": [rule.to_dict() for rule in self.rules],
            "chains": self.chains,
            "probabilities": self.probabilities,
            "probabilities_saved": self.probabilities_saved,
            "share": [{"ip": ep.ip, "share": share} for ep, share in zip(self.usable, self.share, strict=True)],
            "chosen": self.chosen.ip if self.chosen else None,
            "snat": self.snat,
            "source_ip_seen": self.source_ip_seen,
            "distribution": {
                "requests": self.params.requests,
                "counts": [{"ip": ep.ip, "count": count} for ep, count in zip(self.usable, self.counts, strict=True)],
                "per_client": self.per_client,
            },
            "walk": [step.to_dict() for step in self.walk],
        }


# --- iptables-save rendering -------------------------------------------------------------------------


def _save_string(value: str) -> str:
    """libxtables xtables_save_string: quote unless only [_-0-9a-zA-Z]."""
    if value and all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ipt(chain, *, src=None, not_src=False, dst=None, proto=None, pre="", matches="", comment=None, target, args=""):
    """One rule as iptables-save prints it: addresses and protocol first, then matches in order
    (`pre` holds matches kube-proxy puts before the comment, such as iptablesJumpChains' extraArgs)."""
    parts = ["-A", chain]
    if src:
        parts += (["!"] if not_src else []) + ["-s", src if "/" in src else f"{src}/32"]
    if dst:
        parts += ["-d", dst if "/" in dst else f"{dst}/32"]
    if proto:
        parts += ["-p", proto]
    if pre:
        parts.append(pre)
    if comment is not None:
        parts += ["-m", "comment", "--comment", _save_string(comment)]
    if matches:
        parts.append(matches)
    parts += ["-j", target]
    if args:
        parts.append(args)
    return " ".join(parts)


def nft(chain, rule):
    return f"add rule ip kube-proxy {chain} {rule}"


# --- the decision every mode shares ------------------------------------------------------------------


@dataclass
class Context:
    params: Params
    client: Client
    endpoints: list[EndpointInfo]
    ordered: list[EndpointInfo]
    external_target: bool
    externally_accessible: bool
    internal_local: bool
    external_local: bool
    cat: Categorized

    @property
    def node(self) -> str:
        return self.client.node

    @property
    def destination(self) -> str:
        if not self.external_target:
            return f"{CLUSTER_IP_ADDRESS}:{PORT}"
        if self.params.type == LOAD_BALANCER:
            return f"{LB_IP}:{PORT}"
        return f"{node_ip(self.client.node_index)}:{NODE_PORT_NUMBER}"


def make_context(params: Params) -> Context:
    endpoints = build_endpoints(params)
    ordered = sorted_endpoints(endpoints)
    client = build_client(params, endpoints)
    accessible = params.type in (NODE_PORT, LOAD_BALANCER)
    internal_local = params.internal_traffic_policy == "Local"
    external_local = accessible and params.external_traffic_policy == "Local"
    # serviceport.go UsesClusterEndpoints / UsesLocalEndpoints
    uses_cluster = not internal_local or (accessible and not external_local)
    uses_local = internal_local or (accessible and external_local)
    cat = categorize(ordered, client.node, uses_cluster=uses_cluster, uses_local=uses_local)
    return Context(params, client, endpoints, ordered, params.target == "external", accessible, internal_local, external_local, cat)


@dataclass
class Decision:
    verdict: str
    reason_code: str
    usable: list[EndpointInfo]
    policy: str = ""  # "cluster" or "local": which policy chain the connection reaches
    masq_at_entry: bool = False  # marked before the endpoint is chosen
    short_circuit: str = ""  # "pod" or "local" when the EXT chain short-circuits


def decide_netfilter(ctx: Context) -> Decision:
    """iptables and nftables share the decision; only the rule text differs."""
    cat = ctx.cat
    if not cat.has_any:
        return Decision(REJECTED, "no_endpoints", [])
    if not ctx.external_target:
        if ctx.internal_local and not cat.local:
            return Decision(DROPPED, "no_local_endpoints", [])
        usable = cat.local if ctx.internal_local else cat.cluster
        return Decision(FORWARDED, "forwarded", usable, "local" if ctx.internal_local else "cluster", masq_at_entry=not ctx.client.in_cluster_cidr)
    if not ctx.external_local:
        return Decision(FORWARDED, "forwarded", cat.cluster, "cluster", masq_at_entry=True)
    if ctx.client.in_cluster_cidr:
        return Decision(FORWARDED, "forwarded", cat.cluster, "cluster", short_circuit="pod")
    if ctx.client.kind == "host":
        return Decision(FORWARDED, "forwarded", cat.cluster, "cluster", masq_at_entry=True, short_circuit="local")
    if not cat.local:
        return Decision(DROPPED, "no_local_endpoints", [])
    return Decision(FORWARDED, "forwarded", cat.local, "local")


def decide_ipvs(ctx: Context) -> Decision:
    """ipvs/proxier.go syncEndpoint: Local policy uses local endpoints, else cluster-wide ones."""
    cat = ctx.cat
    only_local = ctx.external_local if ctx.external_target else ctx.internal_local
    if only_local and cat.local:
        usable, policy = cat.local, "local"
    else:
        usable, policy = cat.cluster, "cluster"
    if not usable:
        return Decision(REJECTED, "ipvs_no_destination", [])
    if ctx.external_target:
        masq = not ctx.external_local
    else:
        masq = not ctx.client.in_cluster_cidr
    if only_local and policy == "cluster" and ctx.external_target and ctx.client.kind == "external":
        return Decision(DROPPED, "ipvs_reply_lost", usable, policy)
    return Decision(FORWARDED, "forwarded", usable, policy, masq_at_entry=masq)


# --- rule listings ----------------------------------------------------------------------------------


def _status(condition: bool) -> str:
    return MATCH if condition else NO_MATCH


def iptables_rules(ctx: Context, dec: Decision, chosen: EndpointInfo | None, masq: bool) -> tuple[list[Rule], dict]:
    params = ctx.params
    svc, svl, ext = names.svc_chain(), names.svl_chain(), names.ext_chain()
    chains = {"cluster": svc, "local": svl, "external": ext}
    rules: list[Rule] = []
    host = ctx.client.kind == "host"
    entry = "OUTPUT" if host else "PREROUTING"
    tcp = f"-m tcp --dport {PORT}"

    if dec.verdict == REJECTED or (dec.verdict == DROPPED and not ctx.external_target):
        target = "REJECT --reject-with icmp-port-unreachable" if dec.verdict == REJECTED else "DROP"
        comment = f"{COMMENT} has no endpoints" if dec.verdict == REJECTED else f"{COMMENT} has no local endpoints"
        tgt, _, tgt_args = target.partition(" ")
        if not ctx.external_target:
            hook = "OUTPUT" if host else "FORWARD"
            rules.append(
                Rule("filter", hook, ipt(hook, pre="-m conntrack --ctstate NEW", comment="kubernetes service portals", target="KUBE-SERVICES"), MATCH)
            )
            rules.append(
                Rule(
                    "filter",
                    "KUBE-SERVICES",
                    ipt("KUBE-SERVICES", dst=CLUSTER_IP_ADDRESS, proto="tcp", comment=comment, matches=tcp, target=tgt, args=tgt_args),
                    MATCH,
                )
            )
        else:
            rules.extend(_external_filter_rules(ctx, comment, tgt, tgt_args, host))
        return rules, chains

    rules.append(Rule("nat", entry, ipt(entry, comment="kubernetes service portals", target="KUBE-SERVICES"), MATCH))
    if not ctx.external_target:
        policy_chain = svl if ctx.internal_local else svc
        rules.append(
            Rule(
                "nat",
                "KUBE-SERVICES",
                ipt("KUBE-SERVICES", dst=CLUSTER_IP_ADDRESS, proto="tcp", comment=f"{COMMENT} cluster IP", matches=tcp, target=policy_chain),
                MATCH,
            )
        )
        rules.append(
            Rule(
                "nat",
                policy_chain,
                ipt(
                    policy_chain,
                    src=CLUSTER_CIDR,
                    not_src=True,
                    dst=CLUSTER_IP_ADDRESS,
                    proto="tcp",
                    comment=f"{COMMENT} cluster IP",
                    matches=tcp,
                    target="KUBE-MARK-MASQ",
                ),
                _status(dec.masq_at_entry),
            )
        )
        if dec.masq_at_entry:
            rules.append(Rule("nat", "KUBE-MARK-MASQ", ipt("KUBE-MARK-MASQ", target="MARK", args=f"--set-xmark {MASQ_MARK}/{MASQ_MARK}"), MATCH))
    else:
        if params.type == LOAD_BALANCER:
            rules.append(
                Rule(
                    "nat",
                    "KUBE-SERVICES",
                    ipt("KUBE-SERVICES", dst=LB_IP, proto="tcp", comment=f"{COMMENT} loadbalancer IP", matches=tcp, target=ext),
                    MATCH,
                )
            )
        else:
            rules.append(
                Rule(
                    "nat",
                    "KUBE-SERVICES",
                    ipt(
                        "KUBE-SERVICES",
                        comment="kubernetes service nodeports; NOTE: this must be the last rule in this chain",
                        matches="-m addrtype --dst-type LOCAL",
                        target="KUBE-NODEPORTS",
                    ),
                    MATCH,
                )
            )
            rules.append(
                Rule(
                    "nat",
                    "KUBE-NODEPORTS",
                    ipt("KUBE-NODEPORTS", proto="tcp", comment=COMMENT, matches=f"-m tcp --dport {NODE_PORT_NUMBER}", target=ext),
                    MATCH,
                )
            )
        if not ctx.external_local:
            rules.append(
                Rule("nat", ext, ipt(ext, comment=f"masquerade traffic for {COMMENT} external destinations", target="KUBE-MARK-MASQ"), MATCH)
            )
            rules.append(Rule("nat", "KUBE-MARK-MASQ", ipt("KUBE-MARK-MASQ", target="MARK", args=f"--set-xmark {MASQ_MARK}/{MASQ_MARK}"), MATCH))
            rules.append(Rule("nat", ext, ipt(ext, target=svc), MATCH))
        else:
            pod = dec.short_circuit == "pod"
            local = dec.short_circuit == "local"
            rules.append(
                Rule("nat", ext, ipt(ext, src=CLUSTER_CIDR, comment=f"pod traffic for {COMMENT} external destinations", target=svc), _status(pod))
            )
            rules.append(
                Rule(
                    "nat",
                    ext,
                    ipt(
                        ext,
                        comment=f"masquerade LOCAL traffic for {COMMENT} external destinations",
                        matches="-m addrtype --src-type LOCAL",
                        target="KUBE-MARK-MASQ",
                    ),
                    MATCH if local else (NOT_REACHED if pod else NO_MATCH),
                )
            )
            if local:
                rules.append(Rule("nat", "KUBE-MARK-MASQ", ipt("KUBE-MARK-MASQ", target="MARK", args=f"--set-xmark {MASQ_MARK}/{MASQ_MARK}"), MATCH))
            rules.append(
                Rule(
                    "nat",
                    ext,
                    ipt(ext, comment=f"route LOCAL traffic for {COMMENT} external destinations", matches="-m addrtype --src-type LOCAL", target=svc),
                    MATCH if local else (NOT_REACHED if pod else NO_MATCH),
                )
            )
            if ctx.cat.local:
                rules.append(Rule("nat", ext, ipt(ext, target=svl), NOT_REACHED if dec.short_circuit else MATCH))
            if dec.verdict == DROPPED:
                rules.extend(_external_filter_rules(ctx, f"{COMMENT} has no local endpoints", "DROP", "", host))
                return rules, chains

    policy_chain = svl if dec.policy == "local" else svc
    rules.extend(_iptables_endpoint_rules(ctx, policy_chain, dec.usable, chosen))
    if chosen is not None:
        sep = names.sep_chain(chosen.address)
        hairpin = ctx.client.hairpin_endpoint is not None and ctx.client.hairpin_endpoint.ip == chosen.ip
        rules.append(Rule("nat", sep, ipt(sep, src=chosen.ip, comment=COMMENT, target="KUBE-MARK-MASQ"), _status(hairpin)))
        if hairpin:
            rules.append(Rule("nat", "KUBE-MARK-MASQ", ipt("KUBE-MARK-MASQ", target="MARK", args=f"--set-xmark {MASQ_MARK}/{MASQ_MARK}"), MATCH))
        recent = f" -m recent --set --name {sep} --rsource" if params.session_affinity == "ClientIP" else ""
        rules.append(
            Rule(
                "nat",
                sep,
                ipt(
                    sep,
                    proto="tcp",
                    comment=COMMENT,
                    matches=(recent.strip() + " -m tcp").strip(),
                    target="DNAT",
                    args=f"--to-destination {chosen.address}",
                ),
                MATCH,
            )
        )
    rules.append(Rule("nat", "POSTROUTING", ipt("POSTROUTING", comment="kubernetes postrouting rules", target="KUBE-POSTROUTING"), MATCH))
    rules.append(
        Rule(
            "nat",
            "KUBE-POSTROUTING",
            ipt("KUBE-POSTROUTING", matches=f"-m mark ! --mark {MASQ_MARK}/{MASQ_MARK}", target="RETURN"),
            _status(not masq),
        )
    )
    rules.append(
        Rule("nat", "KUBE-POSTROUTING", ipt("KUBE-POSTROUTING", target="MARK", args=f"--set-xmark 0x0/{MASQ_MARK}"), MATCH if masq else NOT_REACHED)
    )
    rules.append(
        Rule(
            "nat",
            "KUBE-POSTROUTING",
            ipt("KUBE-POSTROUTING", comment="kubernetes service traffic requiring SNAT", target="MASQUERADE", args="--random-fully"),
            MATCH if masq else NOT_REACHED,
        )
    )
    return rules, chains


def _external_filter_rules(ctx, comment, target, args, host):
    # A NodePort is a local address: even the node's own connection comes back in through INPUT.
    hook = "INPUT" if ctx.params.type == NODE_PORT else ("OUTPUT" if host else "FORWARD")
    if ctx.params.type == LOAD_BALANCER:
        rule = ipt("KUBE-EXTERNAL-SERVICES", dst=LB_IP, proto="tcp", comment=comment, matches=f"-m tcp --dport {PORT}", target=target, args=args)
    else:
        rule = ipt(
            "KUBE-EXTERNAL-SERVICES",
            proto="tcp",
            comment=comment,
            matches=f"-m addrtype --dst-type LOCAL -m tcp --dport {NODE_PORT_NUMBER}",
            target=target,
            args=args,
        )
    jump_comment = "kubernetes externally-visible service portals"
    return [
        Rule("filter", hook, ipt(hook, pre="-m conntrack --ctstate NEW", comment=jump_comment, target="KUBE-EXTERNAL-SERVICES"), MATCH),
        Rule("filter", "KUBE-EXTERNAL-SERVICES", rule, MATCH),
    ]


def _iptables_endpoint_rules(ctx, chain, usable, chosen):
    """writeServiceToEndpointRules: affinity rules, then the probability rules."""
    params = ctx.params
    rules = []
    affinity = params.session_affinity == "ClientIP"
    if affinity:
        for ep in usable:
            sep = names.sep_chain(ep.address)
            rules.append(
                Rule(
                    "nat",
                    chain,
                    ipt(
                        chain,
                        comment=f"{COMMENT} -> {ep.address}",
                        matches=f"-m recent --rcheck --seconds {params.affinity_timeout_seconds} --reap --name {sep} --rsource",
                        target=sep,
                    ),
                    NO_MATCH,
                )
            )
    n = len(usable)
    reached = True
    for i, ep in enumerate(usable):
        sep = names.sep_chain(ep.address)
        matches = ""
        if i < n - 1:
            matches = f"-m statistic --mode random --probability {names.saved_probability(names.compute_probability(n - i))}"
        hit = chosen is not None and ep.ip == chosen.ip
        status = MATCH if hit else (NO_MATCH if reached else NOT_REACHED)
        if hit:
            reached = False
        rules.append(Rule("nat", chain, ipt(chain, comment=f"{COMMENT} -> {ep.address}", matches=matches, target=sep), status))
    return rules


def nftables_rules(ctx: Context, dec: Decision, chosen: EndpointInfo | None, masq: bool) -> tuple[list[Rule], dict]:
    params = ctx.params
    base = names.nft_chain_base()
    svc, svl, ext = f"service-{base}", f"local-{base}", f"external-{base}"
    chains = {"cluster": svc, "local": svl, "external": ext}
    rules: list[Rule] = []
    host = ctx.client.kind == "host"
    t = "nft"

    if dec.verdict == REJECTED or (dec.verdict == DROPPED and not ctx.external_target):
        verdict = "goto reject-chain" if dec.verdict == REJECTED else "drop"
        if not ctx.external_target or ctx.params.type == LOAD_BALANCER:
            hook = "filter-output" if host else "filter-forward"
            address = CLUSTER_IP_ADDRESS if not ctx.external_target else LB_IP
            rules.extend(_nft_service_check(hook, address, verdict))
        else:
            rules.extend(_nft_nodeport_check(verdict, host))
        if dec.verdict == REJECTED:
            rules.append(Rule(t, "reject-chain", nft("reject-chain", "reject"), MATCH))
        return rules, chains

    entry = "nat-output" if host else "nat-prerouting"
    rules.append(Rule(t, entry, nft(entry, "jump services"), MATCH))
    if not ctx.external_target or params.type == LOAD_BALANCER:
        rules.append(Rule(t, "services", nft("services", "ip daddr . meta l4proto . th dport vmap @service-ips"), MATCH))
    if not ctx.external_target:
        policy_chain = svl if ctx.internal_local else svc
        rules.append(
            Rule(t, "service-ips", f"add element ip kube-proxy service-ips {{ {CLUSTER_IP_ADDRESS} . tcp . {PORT} : goto {policy_chain} }}", MATCH)
        )
        rules.append(
            Rule(
                t,
                policy_chain,
                nft(policy_chain, f"ip daddr {CLUSTER_IP_ADDRESS} tcp dport {PORT} ip saddr != {CLUSTER_CIDR} jump mark-for-masquerade"),
                _status(dec.masq_at_entry),
            )
        )
        if dec.masq_at_entry:
            rules.append(Rule(t, "mark-for-masquerade", nft("mark-for-masquerade", f"mark set mark or {NFT_MASQ_MARK}"), MATCH))
    else:
        if params.type == LOAD_BALANCER:
            rules.append(Rule(t, "service-ips", f"add element ip kube-proxy service-ips {{ {LB_IP} . tcp . {PORT} : goto {ext} }}", MATCH))
        else:
            rules.append(Rule(t, "services", nft("services", "ip daddr . meta l4proto . th dport vmap @service-ips"), NO_MATCH))
            rules.append(
                Rule(
                    t,
                    "services",
                    nft("services", "fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports"),
                    MATCH,
                )
            )
            rules.append(
                Rule(t, "service-nodeports", f"add element ip kube-proxy service-nodeports {{ tcp . {NODE_PORT_NUMBER} : goto {ext} }}", MATCH)
            )
        if not ctx.external_local:
            rules.append(Rule(t, ext, nft(ext, "jump mark-for-masquerade"), MATCH))
            rules.append(Rule(t, "mark-for-masquerade", nft("mark-for-masquerade", f"mark set mark or {NFT_MASQ_MARK}"), MATCH))
            rules.append(Rule(t, ext, nft(ext, f"goto {svc}"), MATCH))
        else:
            pod = dec.short_circuit == "pod"
            local = dec.short_circuit == "local"
            rules.append(Rule(t, ext, nft(ext, f'ip saddr {CLUSTER_CIDR} goto {svc} comment "short-circuit pod traffic"'), _status(pod)))
            rules.append(
                Rule(
                    t,
                    ext,
                    nft(ext, 'fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"'),
                    MATCH if local else (NOT_REACHED if pod else NO_MATCH),
                )
            )
            if local:
                rules.append(Rule(t, "mark-for-masquerade", nft("mark-for-masquerade", f"mark set mark or {NFT_MASQ_MARK}"), MATCH))
            rules.append(
                Rule(
                    t,
                    ext,
                    nft(ext, f'fib saddr type local goto {svc} comment "short-circuit local traffic"'),
                    MATCH if local else (NOT_REACHED if pod else NO_MATCH),
                )
            )
            if ctx.cat.local:
                rules.append(Rule(t, ext, nft(ext, f"goto {svl}"), NOT_REACHED if dec.short_circuit else MATCH))
            if dec.verdict == DROPPED:
                if params.type == LOAD_BALANCER:
                    rules.extend(_nft_service_check("filter-forward", LB_IP, "drop"))
                else:
                    rules.extend(_nft_nodeport_check("drop", host))
                return rules, chains

    policy_chain = svl if dec.policy == "local" else svc
    affinity = params.session_affinity == "ClientIP"
    if affinity:
        for ep in dec.usable:
            eb = names.nft_endpoint_base(ep.address)
            rules.append(Rule(t, policy_chain, nft(policy_chain, f"ip saddr @affinity-{eb} goto endpoint-{eb}"), NO_MATCH))
    elements = ", ".join(f"{i} : goto endpoint-{names.nft_endpoint_base(ep.address)}" for i, ep in enumerate(dec.usable))
    rules.append(Rule(t, policy_chain, nft(policy_chain, f"numgen random mod {len(dec.usable)} vmap {{ {elements} }}"), MATCH))
    if chosen is not None:
        eb = names.nft_endpoint_base(chosen.address)
        chain = f"endpoint-{eb}"
        hairpin = ctx.client.hairpin_endpoint is not None and ctx.client.hairpin_endpoint.ip == chosen.ip
        rules.append(Rule(t, chain, nft(chain, f"ip saddr {chosen.ip} jump mark-for-masquerade"), _status(hairpin)))
        if hairpin:
            rules.append(Rule(t, "mark-for-masquerade", nft("mark-for-masquerade", f"mark set mark or {NFT_MASQ_MARK}"), MATCH))
        if affinity:
            rules.append(Rule(t, chain, nft(chain, f"update @affinity-{eb} {{ ip saddr }}"), MATCH))
        rules.append(Rule(t, chain, nft(chain, f"meta l4proto tcp dnat to {chosen.address}"), MATCH))
    rules.append(Rule(t, "nat-postrouting", nft("nat-postrouting", "jump masquerading"), MATCH))
    rules.append(Rule(t, "masquerading", nft("masquerading", f"mark and {NFT_MASQ_MARK} == 0 return"), _status(not masq)))
    rules.append(Rule(t, "masquerading", nft("masquerading", f"mark set mark xor {NFT_MASQ_MARK}"), MATCH if masq else NOT_REACHED))
    rules.append(Rule(t, "masquerading", nft("masquerading", "masquerade fully-random"), MATCH if masq else NOT_REACHED))
    return rules, chains


def _nft_service_check(hook, address, verdict):
    """service-endpoints-check, jumped to from a filter hook, looks the destination up in no-endpoint-services."""
    return [
        Rule("nft", hook, nft(hook, "ct state new jump service-endpoints-check"), MATCH),
        Rule(
            "nft",
            "service-endpoints-check",
            nft("service-endpoints-check", "ip daddr . meta l4proto . th dport vmap @no-endpoint-services"),
            MATCH,
        ),
        Rule(
            "nft",
            "no-endpoint-services",
            f'add element ip kube-proxy no-endpoint-services {{ {address} . tcp . {PORT} comment "{COMMENT}" : {verdict} }}',
            MATCH,
        ),
    ]


def _nft_nodeport_check(verdict, host):
    """nodeport-endpoints-check is jumped to from filter-input only; a NodePort is a local address."""
    rules = [
        Rule("nft", "filter-input", nft("filter-input", "ct state new jump nodeport-endpoints-check"), MATCH),
        Rule(
            "nft",
            "nodeport-endpoints-check",
            nft("nodeport-endpoints-check", "ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports"),
            MATCH,
        ),
    ]
    rules.append(
        Rule(
            "nft",
            "no-endpoint-nodeports",
            f'add element ip kube-proxy no-endpoint-nodeports {{ tcp . {NODE_PORT_NUMBER} comment "{COMMENT}" : {verdict} }}',
            MATCH,
        )
    )
    return rules


def ipvs_rules(ctx: Context, dec: Decision, chosen: EndpointInfo | None, masq: bool) -> tuple[list[Rule], dict]:
    """``ipvsadm -Ln`` for the virtual server, then the iptables rules of IPVS mode that apply."""
    params = ctx.params
    address = ctx.destination
    persistent = f" persistent {params.affinity_timeout_seconds}" if params.session_affinity == "ClientIP" else ""
    rules = [
        Rule("ipvs", "ipvsadm", "IP Virtual Server version 1.2.1 (size=4096)", MATCH),
        Rule("ipvs", "ipvsadm", "Prot LocalAddress:Port Scheduler Flags", MATCH),
        Rule("ipvs", "ipvsadm", "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn", MATCH),
        Rule("ipvs", "ipvsadm", f"TCP  {address} {params.ipvs_scheduler}{persistent}", MATCH),
    ]
    for ep in dec.usable:
        status = MATCH if chosen is not None and ep.ip == chosen.ip else NO_MATCH
        rules.append(Rule("ipvs", "ipvsadm", f"  -> {ep.address:<28} {'Masq':<7} {1:<6} {0:<10} {0:<10}".rstrip(), status))
    chains = {"virtual_server": address}
    if not ctx.external_target:
        rules.append(
            Rule(
                "nat",
                "KUBE-SERVICES",
                ipt(
                    "KUBE-SERVICES",
                    src=CLUSTER_CIDR,
                    not_src=True,
                    comment="Kubernetes service cluster ip + port for masquerade purpose",
                    matches="-m set --match-set KUBE-CLUSTER-IP dst,dst",
                    target="KUBE-MARK-MASQ",
                ),
                _status(dec.masq_at_entry),
            )
        )
    elif params.type == NODE_PORT:
        rules.append(
            Rule(
                "nat",
                "KUBE-SERVICES",
                ipt(
                    "KUBE-SERVICES",
                    comment="kubernetes service nodeports; NOTE: this must be the last rule in this chain",
                    matches="-m addrtype --dst-type LOCAL",
                    target="KUBE-NODE-PORT",
                ),
                MATCH,
            )
        )
        if ctx.external_local:
            rules.append(
                Rule(
                    "nat",
                    "KUBE-NODE-PORT",
                    ipt(
                        "KUBE-NODE-PORT",
                        proto="tcp",
                        comment="Kubernetes nodeport TCP port with externalTrafficPolicy=local",
                        matches="-m set --match-set KUBE-NODE-PORT-LOCAL-TCP dst",
                        target="RETURN",
                    ),
                    MATCH,
                )
            )
        else:
            rules.append(
                Rule(
                    "nat",
                    "KUBE-NODE-PORT",
                    ipt(
                        "KUBE-NODE-PORT",
                        proto="tcp",
                        comment="Kubernetes nodeport TCP port for masquerade purpose",
                        matches="-m set --match-set KUBE-NODE-PORT-TCP dst",
                        target="KUBE-MARK-MASQ",
                    ),
                    MATCH,
                )
            )
    else:
        rules.append(
            Rule(
                "nat",
                "KUBE-SERVICES",
                ipt(
                    "KUBE-SERVICES",
                    comment="Kubernetes service lb portal",
                    matches="-m set --match-set KUBE-LOAD-BALANCER dst,dst",
                    target="KUBE-LOAD-BALANCER",
                ),
                MATCH,
            )
        )
        if ctx.external_local:
            rules.append(
                Rule(
                    "nat",
                    "KUBE-LOAD-BALANCER",
                    ipt(
                        "KUBE-LOAD-BALANCER",
                        comment="Kubernetes service load balancer ip + port with externalTrafficPolicy=local",
                        matches="-m set --match-set KUBE-LOAD-BALANCER-LOCAL dst,dst",
                        target="RETURN",
                    ),
                    MATCH,
                )
            )
        else:
            rules.append(Rule("nat", "KUBE-LOAD-BALANCER", ipt("KUBE-LOAD-BALANCER", target="KUBE-MARK-MASQ"), MATCH))
    if chosen is not None:
        hairpin = ctx.client.hairpin_endpoint is not None and ctx.client.hairpin_endpoint.ip == chosen.ip
        rules.append(
            Rule(
                "nat",
                "KUBE-POSTROUTING",
                ipt(
                    "KUBE-POSTROUTING",
                    comment="Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose",
                    matches="-m set --match-set KUBE-LOOP-BACK dst,dst,src",
                    target="MASQUERADE",
                ),
                _status(hairpin),
            )
        )
        if not hairpin:
            rules.append(
                Rule(
                    "nat",
                    "KUBE-POSTROUTING",
                    ipt("KUBE-POSTROUTING", matches=f"-m mark ! --mark {MASQ_MARK}/{MASQ_MARK}", target="RETURN"),
                    _status(not masq),
                )
            )
            rules.append(
                Rule(
                    "nat",
                    "KUBE-POSTROUTING",
                    ipt("KUBE-POSTROUTING", comment="kubernetes service traffic requiring SNAT", target="MASQUERADE", args="--random-fully"),
                    MATCH if masq else NOT_REACHED,
                )
            )
    return rules, chains


# --- choosing endpoints -------------------------------------------------------------------------------


def netfilter_shares(mode: str, n: int) -> tuple[list[float], list[float], list[str], list[str]]:
    """(share per endpoint, conditional probability per rule, written, saved probabilities)."""
    if n == 0:
        return [], [], [], []
    if mode == "nftables":
        shares = names.numgen_shares(n)
        conditional, remaining = [], 1.0
        for share in shares:
            conditional.append(min(1.0, share / remaining) if remaining > 0 else 1.0)
            remaining -= share
        conditional[-1] = 1.0
        return shares, conditional, [], []
    written = [names.compute_probability(n - i) for i in range(n - 1)]
    saved = [names.saved_probability(text) for text in written]
    conditional = [names.kernel_probability(text) / 0x80000000 for text in written] + [1.0]
    shares, remaining = [], 1.0
    for p in conditional:
        shares.append(remaining * p)
        remaining *= 1.0 - p
    return shares, conditional, written, saved


def _categorical(rng: random.Random, conditional: list[float]) -> int:
    """Walk the rules like the kernel: rule i matches with its probability."""
    for i, p in enumerate(conditional):
        if p >= 1.0 or rng.random() < p:
            return i
    return len(conditional) - 1


def _binomial_chain(rng: random.Random, total: int, conditional: list[float]) -> list[int]:
    """How many of `total` connections each rule takes: rule i takes Binomial(left, p_i)."""
    counts = []
    left = total
    for p in conditional:
        if left == 0:
            counts.append(0)
            continue
        taken = left if p >= 1.0 else rng.binomialvariate(left, p)
        counts.append(taken)
        left -= taken
    return counts


def _requests_per_client(params: Params, clients: int) -> list[int]:
    base, extra = divmod(params.requests, clients)
    return [base + (1 if c < extra else 0) for c in range(clients)]


def distribute(ctx: Context, dec: Decision, conditional: list[float], rng: random.Random):
    """(chosen endpoint index for the traced connection, totals, per-client rows)."""
    params = ctx.params
    usable = dec.usable
    n = len(usable)
    ips = ctx.client.ips
    per_client_requests = _requests_per_client(params, len(ips))
    sticky = params.session_affinity == "ClientIP" and params.request_interval_seconds < params.affinity_timeout_seconds
    rows = []
    totals = [0] * n
    chosen = None
    if n == 0:
        return None, totals, [{"ip": ip, "requests": m, "counts": []} for ip, m in zip(ips, per_client_requests, strict=True)]
    if params.mode == "ipvs":
        picks = _ipvs_picks(params, usable, ips, per_client_requests, sticky)
        for ip, counts in zip(ips, picks, strict=True):
            rows.append({"ip": ip, "requests": sum(counts), "counts": counts})
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
        chosen = _ipvs_first(params, usable, ips[0])
        return chosen, totals, rows
    chosen = _categorical(rng, conditional)
    for c, (ip, m) in enumerate(zip(ips, per_client_requests, strict=True)):
        if sticky:
            first = chosen if c == 0 else _categorical(rng, conditional)
            counts = [0] * n
            if m:
                counts[first] = m
        else:
            counts = _binomial_chain(rng, m, conditional)
        rows.append({"ip": ip, "requests": m, "counts": counts})
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    return chosen, totals, rows


def _ipvs_first(params, usable, ip):
    if params.ipvs_scheduler == "sh":
        return names.sh_bucket(ip) % len(usable)
    return 0


def _ipvs_picks(params, usable, ips, per_client_requests, sticky):
    """rr (and lc with long-lived connections) cycle the list; sh hashes the source address."""
    n = len(usable)
    clients = len(ips)
    rows = [[0] * n for _ in ips]
    if params.ipvs_scheduler == "sh":
        for c, ip in enumerate(ips):
            rows[c][names.sh_bucket(ip) % n] = per_client_requests[c]
        return rows
    if sticky:
        for c in range(clients):
            if per_client_requests[c]:
                rows[c][c % n] = per_client_requests[c]
        return rows
    # Request r comes from client r mod clients and goes to real server r mod n, so client c's
    # k-th request goes to (c + k*clients) mod n, which repeats every n / gcd(clients, n) requests.
    period = n // math.gcd(clients, n)
    for c in range(clients):
        full, rest = divmod(per_client_requests[c], period)
        row = rows[c]
        for k in range(period):
            row[(c + k * clients) % n] += full + (1 if k < rest else 0)
    return rows


# --- the walk ----------------------------------------------------------------------------------------


def _source_seen(ctx: Context, chosen: EndpointInfo | None, masq: bool, client_ip: str) -> str | None:
    if chosen is None:
        return None
    if not masq:
        return client_ip
    index = ctx.params.nodes.index(ctx.node)
    return bridge_ip(index) if chosen.node == ctx.node else node_ip(index)


def _walk(ctx: Context, dec: Decision, chosen: EndpointInfo | None, masq: bool, seen: str | None, chains: dict) -> list[Step]:
    params = ctx.params
    client = ctx.client
    steps = [Step("start", {"client": client.kind, "node": client.node, "source": client.ips[0], "destination": ctx.destination})]
    hook = "OUTPUT" if client.kind == "host" else "PREROUTING"
    if params.mode == "ipvs":
        steps.append(
            Step(
                "ipvs_match",
                {"node": client.node, "virtual_server": ctx.destination, "scheduler": params.ipvs_scheduler, "real_servers": len(dec.usable)},
            )
        )
    else:
        steps.append(Step("hook", {"node": client.node, "hook": hook, "mode": params.mode}))
    if dec.verdict == REJECTED:
        steps.append(Step(dec.reason_code, {"service": COMMENT}))
        return steps
    if dec.verdict == DROPPED and dec.reason_code == "no_local_endpoints":
        if ctx.external_target:
            steps.append(Step("external_chain", {"chain": chains.get("external", ""), "policy": "Local"}))
        steps.append(Step("no_local_endpoints", {"service": COMMENT, "node": client.node}))
        return steps
    if params.mode != "ipvs":
        if ctx.external_target:
            steps.append(Step("external_chain", {"chain": chains["external"], "policy": params.external_traffic_policy}))
            if dec.short_circuit:
                steps.append(Step("short_circuit_" + dec.short_circuit, {"chain": chains["cluster"]}))
        if dec.masq_at_entry:
            steps.append(
                Step(
                    "mark_masq",
                    {"why": "external" if ctx.external_target and not dec.short_circuit else ("local" if dec.short_circuit else "off_cluster")},
                )
            )
        steps.append(Step("policy_chain", {"chain": chains[dec.policy], "policy": dec.policy, "endpoints": len(dec.usable)}))
    elif dec.masq_at_entry:
        steps.append(Step("mark_masq", {"why": "external" if ctx.external_target else "off_cluster"}))
    if chosen is not None:
        if params.mode == "iptables":
            steps.append(Step("pick_iptables", {"ip": chosen.ip, "rule": dec.usable.index(chosen) + 1, "rules": len(dec.usable)}))
        elif params.mode == "nftables":
            steps.append(Step("pick_nftables", {"ip": chosen.ip, "value": dec.usable.index(chosen), "modulus": len(dec.usable)}))
        else:
            steps.append(Step("pick_ipvs", {"ip": chosen.ip, "scheduler": params.ipvs_scheduler}))
        if client.hairpin_endpoint is not None and client.hairpin_endpoint.ip == chosen.ip:
            steps.append(Step("hairpin", {"ip": chosen.ip}))
        steps.append(Step("dnat", {"to": chosen.address, "pod": chosen.name, "node": chosen.node}))
        if masq:
            steps.append(Step("masquerade", {"source": seen}))
        else:
            steps.append(Step("no_masquerade", {"source": seen}))
        if dec.verdict == DROPPED:
            steps.append(Step("ipvs_reply_lost", {"pod": chosen.name, "source": seen}))
        else:
            steps.append(Step("deliver", {"pod": chosen.name, "node": chosen.node, "source": seen, "remote": chosen.node != client.node}))
    return steps


def simulate(params: Params) -> Result:
    """Route the connection, list the rules it meets, and spread `requests` connections."""
    ctx = make_context(params)
    dec = decide_ipvs(ctx) if params.mode == "ipvs" else decide_netfilter(ctx)
    rng = random.Random(params.seed)
    n = len(dec.usable)
    if params.mode == "ipvs":
        shares = [1.0 / n] * n if n else []
        conditional, written, saved = [], [], []
        if n and params.ipvs_scheduler == "sh":
            buckets = [0] * n
            for b in range(1 << names.SH_TAB_BITS):
                buckets[b % n] += 1
            shares = [count / (1 << names.SH_TAB_BITS) for count in buckets]
    else:
        shares, conditional, written, saved = netfilter_shares(params.mode, n)
    chosen_index, totals, rows = distribute(ctx, dec, conditional, rng)
    chosen = dec.usable[chosen_index] if chosen_index is not None else None
    hairpin = chosen is not None and ctx.client.hairpin_endpoint is not None and ctx.client.hairpin_endpoint.ip == chosen.ip
    masq = chosen is not None and (dec.masq_at_entry or hairpin)
    seen = _source_seen(ctx, chosen, masq, ctx.client.ips[0])
    builder = {"iptables": iptables_rules, "nftables": nftables_rules, "ipvs": ipvs_rules}[params.mode]
    rules, chains = builder(ctx, dec, chosen, masq)
    reason = ""
    if dec.reason_code == "no_endpoints":
        reason = f"{COMMENT} has no endpoints"
    elif dec.reason_code == "no_local_endpoints":
        reason = f"{COMMENT} has no local endpoints"
    elif dec.reason_code == "ipvs_no_destination":
        reason = "no destination available"
    elif dec.reason_code == "ipvs_reply_lost":
        reason = f"{COMMENT} has no local endpoints"
    nodes = [{"name": name, "ip": node_ip(i), "pod_cidr": f"10.244.{i}.0/24", "bridge_ip": bridge_ip(i)} for i, name in enumerate(params.nodes)]
    return Result(
        params=params,
        nodes=nodes,
        endpoints=ctx.endpoints,
        ordered=ctx.ordered,
        client=ctx.client,
        destination=ctx.destination,
        handled_by=ctx.node,
        usable=dec.usable,
        verdict=dec.verdict,
        reason=reason,
        reason_code=dec.reason_code,
        rules=rules,
        probabilities=written,
        probabilities_saved=saved,
        share=shares,
        chosen=chosen,
        snat=masq,
        source_ip_seen=seen,
        counts=totals,
        per_client=rows,
        walk=_walk(ctx, dec, chosen, masq, seen, chains),
        chains=chains,
    )


__all__ = [
    "AFFINITIES",
    "CLIENT_KINDS",
    "KIND",
    "MAX_CLIENTS",
    "MAX_ENDPOINTS",
    "MAX_NODES",
    "MAX_REQUESTS",
    "MAX_SEED",
    "MODES",
    "POLICIES",
    "SCHEDULERS",
    "STATES",
    "TARGETS",
    "TYPES",
    "Endpoint",
    "ParamError",
    "Params",
    "Result",
    "categorize",
    "parse_params",
    "simulate",
]
