"""Service routing questions, answered by `sim.engine.service.simulate`.

The engine follows kube-proxy: which endpoints are usable comes from pkg/proxy/topology.go
CategorizeEndpoints (ready ones; serving-terminating ones only when none is ready; Local policies
limited to the node's endpoints), the iptables probabilities from pkg/proxy/iptables/proxier.go
computeProbability and writeServiceToEndpointRules, REJECT versus DROP and the masquerade
decisions from syncProxyRules. Every answer here is read off the engine's shares, probabilities,
verdict or the source address the endpoint sees.
"""

from __future__ import annotations

import random

from sim.engine import service

from . import Draft, Option, pick, register, yes_no

NODES = ("node-a", "node-b", "node-c", "node-d")
STATE_EN = {"ready": "ready", "notready": "not ready", "terminating": "terminating but still serving",
            "terminating-notserving": "terminating and not serving"}
STATE_ZH = {"ready": "就绪", "notready": "未就绪", "terminating": "正在终止但仍在提供服务",
            "terminating-notserving": "正在终止且不再提供服务"}
MODE_ZH = {"iptables": "iptables", "nftables": "nftables", "ipvs": "IPVS"}


def _endpoints(states: list[str], nodes: tuple[str, ...], rng: random.Random) -> list[tuple[str, str]]:
    return [(rng.choice(nodes), state) for state in states]


def _query(endpoints: list[tuple[str, str]]) -> str:
    return ",".join(f"{node}:{state}" for node, state in endpoints)


def _listing(endpoints: list[tuple[str, str]], *, zh: bool) -> str:
    """The endpoints as a reader sees them: "node-a (ready), node-b (not ready)"."""
    names = STATE_ZH if zh else STATE_EN
    return ("、" if zh else ", ").join(f"{node}（{names[state]}）" if zh else f"{node} ({names[state]})"
                                       for node, state in endpoints)


@register(
    name="service-ready-share", engine=service, difficulty=1, topic="kube-proxy",
    title_en="How connections spread over ready endpoints", title_zh="连接如何分摊到就绪的端点",
)
def ready_share(rng: random.Random) -> Draft:
    ready = pick(rng, 2, 6)
    not_ready = pick(rng, 1, 3)
    terminating = rng.choice((0, 0, 1, 2))
    states = ["ready"] * ready + ["notready"] * not_ready + ["terminating"] * terminating
    rng.shuffle(states)
    mode = rng.choice(("iptables", "nftables"))
    params = service.parse_params({"endpoints": _query(_endpoints(states, NODES[:3], rng)), "mode": mode,
                                   "seed": pick(rng, 1, 10_000)})
    result = service.simulate(params).to_dict()
    answer = round(result["share"][0]["share"] * 100, 2)
    total = len(states)
    extra_en = f", {terminating} terminating but still serving" if terminating else ""
    extra_zh = f"，{terminating} 个正在终止但仍在提供服务" if terminating else ""
    return Draft(
        params=params,
        prompt_en=f"A ClusterIP Service has {total} endpoints: {ready} ready, {not_ready} not ready{extra_en}. "
                  f"kube-proxy runs in {mode} mode. What share of new connections does each ready endpoint get, "
                  "in percent?",
        prompt_zh=f"一个 ClusterIP Service 有 {total} 个端点：{ready} 个就绪，{not_ready} 个未就绪{extra_zh}。"
                  f"kube-proxy 以 {MODE_ZH[mode]} 模式运行。每个就绪端点分到多少比例的新连接（百分比）？",
        answer=answer,
        unit_en="%", unit_zh="%",
        tolerance=0.5,
        explanation_en=f"While any endpoint is ready, kube-proxy programs only the ready ones: not-ready endpoints "
                       f"are left out{', and serving-terminating ones are only a fallback for when none is ready' if terminating else ''}. "
                       f"The {len(result['usable'])} ready endpoints share equally: 100/{len(result['usable'])} = {answer}%.",
        explanation_zh=f"只要有端点就绪，kube-proxy 只为就绪端点写规则：未就绪的被排除"
                       f"{'，正在终止但仍在服务的端点只在没有就绪端点时才作为后备' if terminating else ''}。"
                       f"{len(result['usable'])} 个就绪端点平分：100/{len(result['usable'])} = {answer}%。",
    )


@register(
    name="service-iptables-probability", engine=service, difficulty=2, topic="kube-proxy",
    title_en="The --probability of an iptables endpoint rule", title_zh="iptables 端点规则的 --probability",
)
def iptables_probability(rng: random.Random) -> Draft:
    ready = pick(rng, 3, 8)
    not_ready = rng.choice((0, 0, 1, 2))
    states = ["ready"] * ready + ["notready"] * not_ready
    rng.shuffle(states)
    rule = pick(rng, 1, ready - 1)
    params = service.parse_params({"endpoints": _query(_endpoints(states, NODES[:3], rng)), "mode": "iptables",
                                   "seed": pick(rng, 1, 10_000)})
    result = service.simulate(params).to_dict()
    written = result["probabilities"][rule - 1]
    answer = round(float(written), 4)
    extra_en = f" ({not_ready} more {'is' if not_ready == 1 else 'are'} not ready)" if not_ready else ""
    extra_zh = f"（另有 {not_ready} 个未就绪）" if not_ready else ""
    left = ready - rule + 1
    return Draft(
        params=params,
        prompt_en=f"A Service has {ready} ready endpoints{extra_en}, and kube-proxy runs in iptables mode. The "
                  f"KUBE-SVC chain has one rule per ready endpoint, each but the last with a statistic match. What --probability does kube-proxy "
                  f"write on rule {rule} (counting from 1)? Give it to 4 decimal places.",
        prompt_zh=f"一个 Service 有 {ready} 个就绪端点{extra_zh}，kube-proxy 以 iptables 模式运行。KUBE-SVC 链中"
                  f"每个就绪端点对应一条规则，除最后一条外都带 statistic 匹配。kube-proxy 在第 {rule} 条规则（从 1 数起）上写的 --probability "
                  "是多少？保留 4 位小数。",
        answer=answer,
        unit_en="(a probability, 0 to 1)", unit_zh="（概率，0 到 1）",
        tolerance=0.0005,
        explanation_en=f"Rule i matches with probability 1/(n-i+1) of the packets that reach it, so that every "
                       f"endpoint gets 1/n overall; rule {rule} is tried by the packets the first {rule - 1} rules "
                       f"let through, with {left} endpoints left: 1/{left} = {written} (the last rule has no "
                       "probability).",
        explanation_zh=f"第 i 条规则以 1/(n-i+1) 的概率匹配到达它的数据包，这样每个端点总体上各得 1/n；"
                       f"到达第 {rule} 条规则时还剩 {left} 个端点：1/{left} = {written}（最后一条规则不带概率）。",
    )


VERDICT_OPTIONS = (
    Option("forwarded", "Forwarded to an endpoint", "转发给某个端点"),
    Option("dropped", "Dropped silently (the client times out)", "被静默丢弃（客户端超时）"),
    Option("rejected", "Rejected (connection refused)", "被拒绝（connection refused）"),
)


@register(
    name="service-external-verdict", engine=service, difficulty=3, topic="kube-proxy",
    title_en="A NodePort connection: forwarded, dropped or rejected", title_zh="NodePort 连接：转发、丢弃还是拒绝",
)
def external_verdict(rng: random.Random) -> Draft:
    nodes = NODES[:pick(rng, 2, 4)]
    policy = rng.choice(("Local", "Local", "Cluster"))
    service_type = rng.choice(("NodePort", "LoadBalancer"))
    states = [rng.choice(("ready", "ready", "notready", "terminating", "terminating-notserving"))
              for _ in range(pick(rng, 1, 4))]
    endpoints = _endpoints(states, nodes, rng)
    entry = rng.choice(nodes)
    mode = rng.choice(("iptables", "nftables"))
    params = service.parse_params({
        "type": service_type, "external_traffic_policy": policy, "endpoints": _query(endpoints),
        "nodes": ",".join(nodes), "client": f"external:{entry}", "mode": mode,
    })
    result = service.simulate(params).to_dict()
    answer = result["verdict"]
    how_en = {"forwarded": "it is forwarded", "dropped": "it is dropped", "rejected": "it is rejected"}[answer]
    how_zh = {"forwarded": "它被转发", "dropped": "它被丢弃", "rejected": "它被拒绝"}[answer]
    return Draft(
        params=params,
        prompt_en=f"A {service_type} Service with externalTrafficPolicy {policy} has these endpoints: "
                  f"{_listing(endpoints, zh=False)}. The cluster's nodes are {', '.join(nodes)}; kube-proxy runs in "
                  f"{mode} mode. An external client connects to the node port on {entry}. What happens to the "
                  "connection?",
        prompt_zh=f"一个 {service_type} 类型、externalTrafficPolicy 为 {policy} 的 Service 有这些端点："
                  f"{_listing(endpoints, zh=True)}。集群节点为 {', '.join(nodes)}；kube-proxy 以 {MODE_ZH[mode]} 模式运行。"
                  f"一个外部客户端连接 {entry} 上的节点端口。这个连接会怎样？",
        answer=answer,
        options=VERDICT_OPTIONS,
        explanation_en=f"kube-proxy on {entry} uses {', '.join(result['usable']) or 'no endpoint'}: "
                       + (f"with the Local policy it looks only at the endpoints on {entry}, ready ones first and "
                          "serving-terminating ones only when none of those is ready. " if policy == "Local" else
                          "ready endpoints first, serving-terminating ones only when none is ready. ")
                       + "A Service with no usable endpoint anywhere is REJECTed; a Local policy with none on the node "
                       f"DROPs the packet. Here {how_en}.",
        explanation_zh=f"{entry} 上的 kube-proxy 使用的端点：{', '.join(result['usable']) or '没有'}。"
                       + (f"Local 策略下只看 {entry} 上的端点：先用其中就绪的，它们都未就绪时才用正在终止但仍在服务的端点。"
                          if policy == "Local" else "先用就绪端点，没有就绪端点时才用正在终止但仍在服务的端点。")
                       + "整个 Service "
                       f"没有可用端点时 REJECT；Local 策略下本节点没有端点时 DROP。这里{how_zh}。",
    )


@register(
    name="service-source-ip", engine=service, difficulty=2, topic="service-networking",
    title_en="Does the backend see the client's address?", title_zh="后端能看到客户端的源地址吗？",
)
def source_ip(rng: random.Random) -> Draft:
    # Draw until the connection is forwarded: the question is about what the endpoint sees. A process on the node
    # itself (host network) is drawn but not asked about: its traffic is masqueraded to the address of the interface
    # the packet leaves by, so whether that equals its "own" address depends on the CNI's routes and on which
    # endpoint the random pick chose, neither of which the learner is told.
    while True:
        nodes = NODES[:pick(rng, 2, 3)]
        kind = rng.choice(("external", "external", "external", "pod", "host"))
        service_type = rng.choice(("NodePort", "LoadBalancer")) if kind == "external" else rng.choice(service.TYPES)
        policy = rng.choice(("Local", "Cluster")) if service_type != "ClusterIP" else "Cluster"
        endpoints = _endpoints(["ready"] * pick(rng, 1, 3), nodes, rng)
        entry = rng.choice(nodes)
        params = service.parse_params({
            "type": service_type, "external_traffic_policy": policy, "endpoints": _query(endpoints),
            "nodes": ",".join(nodes), "client": f"{kind}:{entry}", "mode": rng.choice(("iptables", "nftables")),
            "seed": pick(rng, 1, 10_000),
        })
        result = service.simulate(params).to_dict()
        if result["verdict"] == "forwarded" and kind != "host":
            break
    answer, options = yes_no(result["source_ip_seen"] in result["client"]["ips"])
    where = ", ".join(sorted({node for node, _ in endpoints}))
    # externalTrafficPolicy may only be set on NodePort and LoadBalancer Services.
    policy_en = f" (externalTrafficPolicy {policy})" if service_type != "ClusterIP" else ""
    policy_zh = f"（externalTrafficPolicy {policy}）" if service_type != "ClusterIP" else ""
    who_en = {"external": (f"An external client connects through the load balancer, which sends it to {entry}"
                           if service_type == "LoadBalancer" else f"An external client connects to the node port on {entry}"),
              "pod": f"A Pod on {entry} connects to the ClusterIP",
              "host": f"A process on {entry} itself (host network) connects to the ClusterIP"}[kind]
    who_zh = {"external": (f"一个外部客户端经负载均衡器连接，负载均衡器把它送到 {entry}"
                           if service_type == "LoadBalancer" else f"一个外部客户端连接 {entry} 上的节点端口"),
              "pod": f"{entry} 上的一个 Pod 连接 ClusterIP",
              "host": f"{entry} 本机上的一个进程（主机网络）连接 ClusterIP"}[kind]
    return Draft(
        params=params,
        prompt_en=f"A {service_type} Service{policy_en} has {len(endpoints)} ready "
                  f"endpoint{'s' if len(endpoints) > 1 else ''}, on {where}; the nodes are {', '.join(nodes)}. "
                  f"{who_en}. Does the endpoint that serves the first connection see the client's own source address ({result['client']['ips'][0]})?",
        prompt_zh=f"一个 {service_type} 类型{policy_zh}的 Service 有 {len(endpoints)} 个"
                  f"就绪端点，位于 {where}；节点为 {', '.join(nodes)}。{who_zh}。处理第一个连接的端点"
                  f"能看到客户端自己的源地址（{result['client']['ips'][0]}）吗？",
        answer=answer,
        options=options,
        explanation_en=f"The connection goes to {result['chosen']}, which sees the source {result['source_ip_seen']}"
                       f"{' because kube-proxy masquerades it (SNAT)' if result['snat'] else ' unchanged'}. Traffic from "
                       "outside is masqueraded under the Cluster policy (the endpoint may be on another node); the "
                       "Local policy keeps the source; Pod traffic keeps it; a node's own traffic is masqueraded.",
        explanation_zh=f"连接被送到 {result['chosen']}，它看到的源地址是 {result['source_ip_seen']}"
                       f"{'，因为 kube-proxy 对它做了伪装（SNAT）' if result['snat'] else '，没有改变'}。Cluster 策略下"
                       "集群外的流量会被伪装（端点可能在别的节点上）；Local 策略保留源地址；Pod 的流量保留源地址；"
                       "节点自身的流量会被伪装。",
    )
