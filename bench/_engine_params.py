"""Random accepted parameters for every simulator kind (shared by bench_engine_limits.py and check_engine_outputs.py).

Each generator draws raw query values from a `random.Random`, leaning towards the expensive end of
every range (long runs, short periods, many members, endpoints, nodes and pods); `accepted(kind, rng)`
keeps drawing until the engine's own parser accepts one, so every case is a run the API would serve.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sim.engine import ParamError, etcd, pod, rolling, scheduler, service

ENGINES = {
    rolling.KIND: rolling,
    etcd.KIND: etcd,
    pod.KIND: pod,
    service.KIND: service,
    scheduler.KIND: scheduler,
}


def _high(rng, low, high):
    """An integer in low..high, half the time near the top of the range."""
    if rng.random() < 0.5:
        return rng.randint(max(low, high - (high - low) // 10), high)
    return rng.randint(low, high)


def _low(rng, low, high):
    """An integer in low..high, half the time near the bottom of the range."""
    if rng.random() < 0.5:
        return rng.randint(low, min(high, low + max(1, (high - low) // 20)))
    return rng.randint(low, high)


def _int_or_percent(rng, replicas):
    if rng.random() < 0.5:
        return f"{rng.choice([0, 1, 1, 2, 5, 10, 25, 50, 100, rng.randint(0, 100)])}%"
    return str(rng.choice([0, 1, 1, 2, 3, rng.randint(0, max(1, replicas))]))


def rolling_raw(rng):
    replicas = rng.choice([10_000, _high(rng, 0, 10_000), rng.randint(0, 50)])
    raw = {"replicas": replicas, "max_surge": _int_or_percent(rng, replicas),
           "max_unavailable": _int_or_percent(rng, replicas)}
    if rng.random() < 0.1:
        raw["strategy"] = "Recreate"
    if rng.random() < 0.5:
        raw["min_ready_seconds"] = _low(rng, 0, 86_399)
    if rng.random() < 0.5:
        raw["pod_ready_seconds"] = _low(rng, 0, 86_400)
    if rng.random() < 0.5:
        raw["progress_deadline_seconds"] = _low(rng, 1, 86_400)
    if rng.random() < 0.1:
        raw["new_pods_fail"] = "true"
    return raw


def _etcd_events(rng, total, duration):
    items = []
    for _ in range(rng.randint(0, 30)):
        at = rng.randint(0, duration)
        action = rng.choice(["stop", "restart", "partition", "heal"])
        if action == "stop":
            items.append(f"stop:{rng.choice(['leader', 'follower', str(rng.randrange(total))])}@{at}")
        elif action == "restart":
            items.append(f"restart:{rng.choice(['all', str(rng.randrange(total))])}@{at}")
        elif action == "partition":
            if rng.random() < 0.4:
                items.append(f"partition:leader@{at}")
            else:
                members = list(range(total))
                rng.shuffle(members)
                cut = rng.randint(1, max(1, total - 1))
                groups = [members[:cut], members[cut:]] if total > 1 else [members]
                spec = "|".join("-".join(map(str, sorted(g))) for g in groups if g)
                items.append(f"partition:{spec}@{at}")
        else:
            items.append(f"heal@{at}")
    return ",".join(items)


def etcd_raw(rng):
    members = rng.choice([9, rng.randint(1, 9)])
    learners = rng.randint(0, 3)
    heartbeat = rng.choice([10, _low(rng, 10, 1000), 100])
    election = rng.choice([5 * heartbeat, _low(rng, 5 * heartbeat, min(50_000, 50 * heartbeat))])
    duration = rng.choice([120_000, _high(rng, 1000, 120_000)])
    raw = {
        "members": members, "learners": learners, "heartbeat_ms": heartbeat, "election_ms": election,
        "down": rng.choice([0, 0, rng.randint(0, members)]),
        "fsync_ms": rng.choice([0, 1, _low(rng, 0, 1000)]),
        "rtt_ms": rng.choice([0, 1, _low(rng, 0, min(1000, election // 2))]),
        "prevote": rng.choice(["true", "false"]), "check_quorum": rng.choice(["true", "false"]),
        "write_rate": rng.choice([0, 200, _high(rng, 0, 200)]),
        "duration_ms": duration, "seed": rng.randint(0, 2**31 - 1),
    }
    if rng.random() < 0.7:
        raw["events"] = _etcd_events(rng, members + learners, duration)
    return raw


def pod_raw(rng):
    horizon = rng.choice([7_200, _high(rng, 10, 7_200)])
    raw = {"horizon_seconds": horizon, "restart_policy": rng.choice(["Always", "OnFailure", "Never"])}
    for kind in ("startup", "liveness", "readiness"):
        if rng.random() < 0.7:
            raw[kind] = "true"
            raw[f"{kind}_period"] = rng.choice([1, 1, _low(rng, 1, 600)])
            raw[f"{kind}_timeout"] = rng.choice([1, _low(rng, 1, 60)])
            raw[f"{kind}_initial_delay"] = rng.choice([0, _low(rng, 0, 600)])
            raw[f"{kind}_failure_threshold"] = rng.choice([1, 3, 10_000, _low(rng, 1, 10_000)])
            if kind == "readiness":
                raw["readiness_success_threshold"] = rng.choice([1, 10_000, _low(rng, 1, 10_000)])
    for key, chance in (("exit_after_seconds", 0.3), ("hang_at_seconds", 0.4), ("sigterm_exit_seconds", 0.2),
                        ("delete_at_seconds", 0.2), ("memory_ramp_seconds", 0.2)):
        if rng.random() < chance:
            raw[key] = _low(rng, 0, horizon - 1)
    if "hang_at_seconds" in raw and rng.random() < 0.5:
        raw["recover_at_seconds"] = raw["hang_at_seconds"] + _low(rng, 1, 600)
    if rng.random() < 0.3:
        raw["exit_code"] = rng.choice([0, 1, 137])
    if rng.random() < 0.2:
        raw["memory_limit_mi"], raw["memory_use_mi"] = rng.randint(1, 512), rng.randint(0, 1024)
    if rng.random() < 0.3:
        raw["init_containers"] = rng.randint(0, 10)
        if raw["init_containers"] and rng.random() < 0.5:
            raw["init_fail_index"] = rng.randint(1, raw["init_containers"])
    for key in ("image_pull_seconds", "init_seconds", "start_seconds", "poststart_seconds", "grace_seconds",
                "prestop_seconds"):
        if rng.random() < 0.3:
            raw[key] = _low(rng, 0, 600)
    if rng.random() < 0.1:
        raw["image_pull_fails"] = "true"
    return raw


def service_raw(rng):
    node_names = [f"node-{chr(97 + i)}" for i in range(rng.randint(1, 10))]
    count = rng.choice([50, rng.randint(0, 50)])
    states = ["ready"] * 6 + ["notready", "terminating", "terminating-notserving"]
    endpoints = ",".join(f"{rng.choice(node_names)}:{rng.choice(states)}" for _ in range(count)) or "none"
    service_type = rng.choice(["ClusterIP", "NodePort", "LoadBalancer"])
    external = service_type != "ClusterIP"
    client_kind = rng.choice(["pod", "host", "external", "hairpin"] if external else ["pod", "host", "hairpin"])
    if client_kind == "hairpin":
        client = f"hairpin:{rng.randint(1, max(1, count))}"
    else:
        client = f"{client_kind}:{rng.choice(node_names)}"
    raw = {
        "endpoints": endpoints, "nodes": ",".join(node_names), "type": service_type,
        "external_traffic_policy": rng.choice(["Cluster", "Local"]) if external else "Cluster",
        "internal_traffic_policy": rng.choice(["Cluster", "Local"]), "client": client,
        "mode": rng.choice(["iptables", "nftables", "ipvs"]), "ipvs_scheduler": rng.choice(["rr", "lc", "sh"]),
        "session_affinity": rng.choice(["None", "ClientIP"]),
        "affinity_timeout_seconds": rng.choice([1, 10_800, _low(rng, 1, 86_400)]),
        "request_interval_seconds": rng.choice([0, 1, _low(rng, 0, 86_400)]),
        "requests": rng.choice([100_000, _high(rng, 1, 100_000)]),
        "clients": 1 if client_kind in ("host", "hairpin") else rng.choice([50, rng.randint(1, 50)]),
        "seed": rng.randint(0, 2**32 - 1),
    }
    return raw


def _scheduler_scenario(rng):
    zones = ["zone-a", "zone-b", "zone-c"]
    nodes = []
    pods_left = 500
    for i in range(rng.choice([50, rng.randint(1, 50)])):
        node = {"name": f"n{i}", "allocatable": {"cpu": str(rng.choice([1, 2, 4, 8])),
                                                 "memory": f"{rng.choice([2, 4, 16])}Gi"}}
        if rng.random() < 0.6:
            node["labels"] = {"topology.kubernetes.io/zone": rng.choice(zones), "disk": rng.choice(["ssd", "hdd"])}
        if rng.random() < 0.3:
            node["taints"] = [{"key": "spot", "value": "true",
                               "effect": rng.choice(["NoSchedule", "PreferNoSchedule", "NoExecute"])}]
        if rng.random() < 0.4:
            node["requested"] = {"cpu": f"{rng.randint(0, 8000)}m", "pods": rng.randint(0, 110)}
        if rng.random() < 0.5 and pods_left:
            count = min(pods_left, rng.randint(1, 10))
            pods_left -= count
            node["pods"] = [{"name": f"p{j}", "priority": rng.randint(-10, 1000),
                             "requests": {"cpu": f"{rng.randint(1, 2000)}m", "memory": f"{rng.randint(1, 2048)}Mi"}}
                            for j in range(count)]
        nodes.append(node)
    pod = {"name": "incoming", "priority": rng.randint(0, 1000),
           "requests": {"cpu": f"{rng.randint(100, 8000)}m", "memory": f"{rng.randint(64, 8192)}Mi"}}
    if rng.random() < 0.4:
        pod["tolerations"] = [{"key": "spot", "operator": "Exists"}]
    if rng.random() < 0.4:
        pod["affinity"] = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": rng.randint(1, 100), "preference": {"matchExpressions": [
                {"key": "disk", "operator": "In", "values": ["ssd"]}]}}]}}
    if rng.random() < 0.2:
        pod["nodeSelector"] = {"disk": "ssd"}
    text = yaml.safe_dump({"nodes": nodes, "pod": pod}, default_flow_style=True, width=100_000)
    while len(text.encode()) > scheduler.MAX_SCENARIO_BYTES and len(nodes) > 1:
        nodes.pop()
        text = yaml.safe_dump({"nodes": nodes, "pod": pod}, default_flow_style=True, width=100_000)
    return text


def scheduler_raw(rng):
    return {"scenario": _scheduler_scenario(rng), "strategy": rng.choice(["LeastAllocated", "MostAllocated"]),
            "seed": rng.randint(0, 2**31 - 1)}


GENERATORS = {
    rolling.KIND: rolling_raw,
    etcd.KIND: etcd_raw,
    pod.KIND: pod_raw,
    service.KIND: service_raw,
    scheduler.KIND: scheduler_raw,
}


def accepted(kind, rng):
    """(raw, params) for a random run of `kind` that its parser accepts."""
    while True:
        raw = {key: str(value) for key, value in GENERATORS[kind](rng).items()}
        try:
            return raw, ENGINES[kind].parse_params(raw)
        except ParamError:
            continue
