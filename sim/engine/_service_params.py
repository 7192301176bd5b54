"""Parameters of the Service traffic-routing simulator: parsing and validation.

Validation follows what the API server would accept for the Service ``default/web`` and its
EndpointSlice (kubernetes pkg/apis/core/validation/validation.go ValidateService:
``externalTrafficPolicy`` "may only be set for externally-accessible services",
``sessionAffinityConfig.clientIP.timeoutSeconds`` must be in 1..86400; node names are DNS labels)
plus the simulator's own limits (50 endpoints, 10 nodes, 100,000 requests, 50 clients).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

from ._parsing import Reader
from .errors import ParamError

READY = "ready"
NOT_READY = "notready"
TERMINATING = "terminating"
TERMINATING_NOT_SERVING = "terminating-notserving"
STATES = (READY, NOT_READY, TERMINATING, TERMINATING_NOT_SERVING)

CLUSTER_IP = "ClusterIP"
NODE_PORT = "NodePort"
LOAD_BALANCER = "LoadBalancer"
TYPES = (CLUSTER_IP, NODE_PORT, LOAD_BALANCER)
POLICIES = ("Cluster", "Local")
MODES = ("iptables", "nftables", "ipvs")
SCHEDULERS = ("rr", "lc", "sh")
AFFINITIES = ("None", "ClientIP")
CLIENT_KINDS = ("pod", "host", "external", "hairpin")
TARGETS = ("auto", "cluster-ip", "external")

MAX_ENDPOINTS = 50
MAX_NODES = 10
MAX_REQUESTS = 100_000
MAX_CLIENTS = 50
MAX_TIMEOUT = 86_400
MAX_SEED = 2**32 - 1
DEFAULT_ENDPOINTS = "node-a:ready,node-b:ready,node-c:ready"

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")


@dataclass(frozen=True)
class Endpoint:
    """One endpoint as the EndpointSlice lists it: the node it runs on and its conditions."""

    node: str
    state: str

    @property
    def ready(self) -> bool:
        return self.state == READY

    @property
    def serving(self) -> bool:
        return self.state in (READY, TERMINATING)

    @property
    def terminating(self) -> bool:
        return self.state in (TERMINATING, TERMINATING_NOT_SERVING)


@dataclass(frozen=True)
class Params:
    """A validated run of the Service simulator (canonical, every default filled in)."""

    endpoints: tuple[Endpoint, ...] = ()
    nodes: tuple[str, ...] = ()
    type: str = CLUSTER_IP
    external_traffic_policy: str = "Cluster"
    internal_traffic_policy: str = "Cluster"
    client: str = ""
    target: str = "cluster-ip"
    mode: str = "iptables"
    ipvs_scheduler: str = "rr"
    session_affinity: str = "None"
    affinity_timeout_seconds: int = 10_800
    request_interval_seconds: int = 1
    requests: int = 1_000
    clients: int = 1
    seed: int = 1

    @property
    def client_kind(self) -> str:
        return self.client.split(":", 1)[0]

    @property
    def client_arg(self) -> str:
        return self.client.split(":", 1)[1]

    def to_query(self) -> dict[str, str]:
        """Every parameter as a canonical string, suitable for a URL and as a cache key."""
        query = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name == "endpoints":
                query[field.name] = ",".join(f"{ep.node}:{ep.state}" for ep in value) or "none"
            elif field.name == "nodes":
                query[field.name] = ",".join(value)
            else:
                query[field.name] = str(value)
        return query


PARAM_NAMES = tuple(field.name for field in fields(Params))


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",")]


def _dns_label_error(name: str) -> str | None:
    if not _DNS_LABEL.fullmatch(name):
        return f"{name[:70]!r} is not a lowercase DNS label (a-z, 0-9 and '-', at most 63 characters)"
    return None


def _parse_endpoints(reader: Reader) -> tuple[Endpoint, ...] | None:
    raw = reader.value("endpoints")
    if raw is None:
        raw = DEFAULT_ENDPOINTS
    if not isinstance(raw, str):
        reader.errors["endpoints"] = "must be comma-separated NODE:STATE items"
        return None
    if raw.lower() == "none":
        return ()
    items = _split(raw)
    if len(items) > MAX_ENDPOINTS:
        reader.errors["endpoints"] = f"at most {MAX_ENDPOINTS} endpoints"
        return None
    endpoints = []
    for item in items:
        node, sep, state = item.partition(":")
        if not sep:
            reader.errors["endpoints"] = f"{item[:70]!r} must be NODE:STATE"
            return None
        problem = _dns_label_error(node)
        if problem:
            reader.errors["endpoints"] = problem
            return None
        if state.lower() not in STATES:
            reader.errors["endpoints"] = f"state {state[:40]!r} must be one of {', '.join(STATES)}"
            return None
        endpoints.append(Endpoint(node, state.lower()))
    return tuple(endpoints)


def _parse_nodes(reader: Reader) -> tuple[str, ...] | None:
    raw = reader.value("nodes")
    if raw is None:
        return ()
    if not isinstance(raw, str):
        reader.errors["nodes"] = "must be comma-separated node names"
        return None
    names = _split(raw)
    if len(names) > MAX_NODES:
        reader.errors["nodes"] = f"at most {MAX_NODES} nodes"
        return None
    for name in names:
        problem = _dns_label_error(name)
        if problem:
            reader.errors["nodes"] = problem
            return None
    if len(set(names)) != len(names):
        reader.errors["nodes"] = "node names must be distinct"
        return None
    return tuple(names)


def _parse_client(reader: Reader) -> tuple[str, str] | None:
    raw = reader.value("client")
    if raw is None:
        return None
    if not isinstance(raw, str) or ":" not in raw:
        reader.errors["client"] = "must be pod:NODE, host:NODE, external:NODE or hairpin:N"
        return None
    kind, _, arg = raw.partition(":")
    kind, arg = kind.strip().lower(), arg.strip()
    if kind not in CLIENT_KINDS:
        reader.errors["client"] = "must be pod:NODE, host:NODE, external:NODE or hairpin:N"
        return None
    if kind == "hairpin":
        if not arg.isascii() or not arg.isdigit() or len(arg) > 4:
            reader.errors["client"] = "hairpin:N needs the number of an endpoint (1 is the first)"
            return None
        return kind, str(int(arg))
    problem = _dns_label_error(arg)
    if problem:
        reader.errors["client"] = problem
        return None
    return kind, arg


def parse_params(raw: Mapping[str, object]) -> Params:
    """Validate raw query-string or YAML values into Params; ParamError names every bad field."""
    if not isinstance(raw, Mapping):
        raise ParamError({"params": "must be a mapping of parameter names to values"})
    reader = Reader(raw)
    errors = reader.errors
    for key in raw:
        if key not in PARAM_NAMES:
            errors[str(key)] = f"unknown parameter; expected one of {', '.join(PARAM_NAMES)}"

    endpoints = _parse_endpoints(reader)
    nodes = _parse_nodes(reader)
    service_type = reader.choice("type", choices=TYPES, default=CLUSTER_IP)
    etp = reader.choice("external_traffic_policy", choices=POLICIES, default="Cluster")
    itp = reader.choice("internal_traffic_policy", choices=POLICIES, default="Cluster")
    client = _parse_client(reader)
    target = reader.choice("target", choices=TARGETS, default="auto")
    mode = reader.choice("mode", choices=MODES, default="iptables")
    scheduler = reader.choice("ipvs_scheduler", choices=SCHEDULERS, default="rr")
    affinity = reader.choice("session_affinity", choices=AFFINITIES, default="None")
    timeout = reader.integer("affinity_timeout_seconds", default=10_800, minimum=1, maximum=MAX_TIMEOUT)
    interval = reader.integer("request_interval_seconds", default=1, minimum=0, maximum=MAX_TIMEOUT)
    requests = reader.integer("requests", default=1_000, minimum=1, maximum=MAX_REQUESTS)
    clients = reader.integer("clients", default=1, minimum=1, maximum=MAX_CLIENTS)
    seed = reader.integer("seed", default=1, minimum=0, maximum=MAX_SEED)

    externally_accessible = service_type in (NODE_PORT, LOAD_BALANCER)
    if etp == "Local" and not externally_accessible and "type" not in errors:
        errors["external_traffic_policy"] = "may only be set to Local for externally-accessible services (NodePort, LoadBalancer)"

    if endpoints is not None and nodes is not None:
        if nodes:
            known = set(nodes)
            missing = [ep.node for ep in endpoints if ep.node not in known]
            if missing:
                errors["endpoints"] = f"node {missing[0]!r} is not in nodes"
        else:
            nodes = tuple(dict.fromkeys(ep.node for ep in endpoints))

    if client is not None and nodes is not None and "client" not in errors:
        kind, arg = client
        if kind == "hairpin":
            if endpoints is not None and not 1 <= int(arg) <= len(endpoints):
                errors["client"] = (
                    f"hairpin:N needs an endpoint number from 1 to {len(endpoints)}" if endpoints else "hairpin needs at least one endpoint"
                )
        elif arg not in nodes:
            if reader.value("nodes") is not None and "nodes" not in errors:
                errors["client"] = f"node {arg!r} is not in nodes"
            elif len(nodes) >= MAX_NODES:
                errors["client"] = f"node {arg!r} would be an eleventh node"
            else:
                nodes = (*nodes, arg)
    if nodes is not None and not nodes:
        nodes = ("node-a",)
    if client is None and nodes:
        client = ("pod", nodes[0])

    if client is not None and "client" not in errors:
        kind = client[0]
        if kind == "external" and not externally_accessible and "type" not in errors:
            errors["client"] = "an external client needs a NodePort or LoadBalancer Service (a ClusterIP is reachable only inside the cluster)"
        if kind in ("host", "hairpin") and clients != 1 and "clients" not in errors:
            errors["clients"] = f"must be 1 for a {kind} client (it has a single source address)"
        if target == "auto":
            target = "external" if kind == "external" else "cluster-ip"
        elif target == "cluster-ip" and kind == "external" and "target" not in errors:
            errors["target"] = "an external client cannot reach the ClusterIP"
        elif target == "external" and not externally_accessible and "type" not in errors and "target" not in errors:
            errors["target"] = "needs a NodePort or LoadBalancer Service"

    if errors:
        raise ParamError(errors)
    return Params(
        endpoints=endpoints,
        nodes=nodes,
        type=service_type,
        external_traffic_policy=etp,
        internal_traffic_policy=itp,
        client=f"{client[0]}:{client[1]}",
        target=target,
        mode=mode,
        ipvs_scheduler=scheduler,
        session_affinity=affinity,
        affinity_timeout_seconds=timeout,
        request_interval_seconds=interval,
        requests=requests,
        clients=clients,
        seed=seed,
    )
