"""kube-scheduler questions, answered by `sim.engine.scheduler.simulate`.

The engine follows the scheduling framework's default profile (pkg/scheduler/schedule_one.go
schedulePod, findNodesThatFitPod, prioritizeNodes, selectHost; the filter and score plugins under
pkg/scheduler/framework/plugins; FitError.Error for the FailedScheduling message; and
defaultpreemption / preemption.go for victims). Every answer here is read off its chosen node,
the FailedScheduling message or the preemption victims.
"""

from __future__ import annotations

import random
import re

from sim.engine import scheduler

from . import Draft, Option, pick, register

NODE_NAMES = ("node-a", "node-b", "node-c", "node-d", "node-e", "node-f")
CPU_CHOICES = (2, 4, 8)
MEMORY_CHOICES = (4, 8, 16)
POD_NAMES = ("batch-1", "batch-2", "cron", "report", "cache", "metrics", "search", "mailer", "payments", "ledger")
PRIORITIES = (0, 100, 500, 1000, 10_000, 1_000_000)
ATTEMPTS = 200
PREEMPTOR_PRIORITY = 100_000


def _cpu(milli: int) -> str:
    return f"{milli // 1000}" if milli % 1000 == 0 else f"{milli}m"


def _node_yaml(name, cpu, memory_gi, requested_cpu_m=0, requested_memory_gi=0, *, taint=False, cordoned=False,
               pods=()) -> str:
    lines = [f"  - name: {name}", f'    allocatable: {{cpu: "{cpu}", memory: {memory_gi}Gi}}']
    if requested_cpu_m or requested_memory_gi:
        lines.append(f'    requested: {{cpu: "{_cpu(requested_cpu_m)}", memory: {requested_memory_gi}Gi}}')
    if taint:
        lines.append("    taints: [{key: dedicated, value: gpu, effect: NoSchedule}]")
    if cordoned:
        lines.append("    unschedulable: true")
    if pods:
        lines.append("    pods:")
        lines += [f'      - {{name: {pod}, priority: {priority}, requests: {{cpu: "{_cpu(cpu_m)}", memory: 1Gi}}}}'
                  for pod, priority, cpu_m in pods]
    return "\n".join(lines)


def _scenario(nodes: list[str], pod_name: str, cpu_m: int, memory_gi: int, priority: int | None = None) -> str:
    pod = [f"pod:\n  name: {pod_name}"]
    if priority is not None:
        pod.append(f"  priority: {priority}")
    pod.append(f'  requests: {{cpu: "{_cpu(cpu_m)}", memory: {memory_gi}Gi}}')
    return "nodes:\n" + "\n".join(nodes) + "\n" + "\n".join(pod) + "\n"


def _describe(node, *, zh: bool) -> str:
    """One node as a prompt lists it: allocatable, requested, taints, cordon."""
    allocatable, requested = node["allocatable"], node["requested"]
    alloc = f"{_cpu(allocatable['cpu_m'])} CPU / {allocatable['memory'] // 2**30}Gi"
    used = f"{_cpu(requested['cpu_m'])} CPU / {requested['memory'] // 2**30}Gi"
    extras = []
    if node["taints"]:
        extras.append("污点 dedicated=gpu:NoSchedule" if zh else "taint dedicated=gpu:NoSchedule")
    if node["unschedulable"]:
        extras.append("已封锁（cordoned）" if zh else "cordoned")
    tail = (f"，{'，'.join(extras)}" if zh else f"; {', '.join(extras)}") if extras else ""
    if zh:
        return f"{node['name']}：可分配 {alloc}，已请求 {used}{tail}"
    return f"{node['name']}: allocatable {alloc}, requested {used}{tail}"


@register(
    name="scheduler-which-node", engine=scheduler, difficulty=2, topic="scheduling",
    title_en="Which node the scheduler picks", title_zh="调度器选择哪个节点",
)
def which_node(rng: random.Random) -> Draft:
    for _ in range(ATTEMPTS):
        count = pick(rng, 3, 5)
        nodes = []
        for name in NODE_NAMES[:count]:
            cpu, memory = rng.choice(CPU_CHOICES), rng.choice(MEMORY_CHOICES)
            nodes.append(_node_yaml(name, cpu, memory, pick(rng, 0, cpu * 4) * 250, pick(rng, 0, memory - 1),
                                    taint=rng.random() < 0.15))
        strategy = rng.choice(scheduler.STRATEGIES)
        pod_cpu, pod_memory = pick(rng, 1, 6) * 250, pick(rng, 1, 4)
        params = scheduler.parse_params({"scenario": _scenario(nodes, "web", pod_cpu, pod_memory), "strategy": strategy})
        result = scheduler.simulate(params).to_dict()
        if result["chosen"] and len(result["selected"]) == 1 and len(result["feasible"]) >= 2:
            break
    answer = result["chosen"]
    listing_en = "; ".join(_describe(node, zh=False) for node in result["nodes"])
    listing_zh = "；".join(_describe(node, zh=True) for node in result["nodes"])
    totals = ", ".join(f"{node['name']} {node['total']}" for node in result["nodes"] if node["total"] is not None)
    return Draft(
        params=params,
        prompt_en=f"The scheduler (default plugins, NodeResourcesFit scoring {strategy}) places a Pod that requests "
                  f"{_cpu(pod_cpu)} CPU and {pod_memory}Gi memory and tolerates no taints. Nodes: {listing_en}. "
                  "Which node does the Pod land on?",
        prompt_zh=f"调度器（默认插件，NodeResourcesFit 打分策略 {strategy}）调度一个请求 {_cpu(pod_cpu)} CPU 和 "
                  f"{pod_memory}Gi 内存、不容忍任何污点的 Pod。节点：{listing_zh}。这个 Pod 落在哪个节点上？",
        answer=answer,
        options=tuple(Option(node["name"], node["name"], node["name"]) for node in result["nodes"]),
        explanation_en=f"{len(result['feasible'])} nodes pass the filters ({', '.join(result['feasible'])}). "
                       f"Weighted score totals: {totals}. {strategy} "
                       f"{'favours free room' if strategy == 'LeastAllocated' else 'packs nodes'}, "
                       f"and {answer} has the highest total.",
        explanation_zh=f"{len(result['feasible'])} 个节点通过过滤（{', '.join(result['feasible'])}）。加权总分："
                       f"{totals}。{strategy} {'偏好空闲多的节点' if strategy == 'LeastAllocated' else '偏好把节点塞满'}，"
                       f"{answer} 总分最高。",
    )


INSUFFICIENT_CPU = re.compile(r"(\d+) Insufficient cpu")


@register(
    name="scheduler-insufficient-cpu", engine=scheduler, difficulty=3, topic="scheduling",
    title_en="Reading a FailedScheduling message", title_zh="读懂 FailedScheduling 消息",
)
def insufficient_cpu(rng: random.Random) -> Draft:
    for _ in range(ATTEMPTS):
        count = pick(rng, 3, 6)
        pod_cpu, pod_memory = pick(rng, 2, 8) * 500, pick(rng, 2, 6)
        nodes = []
        for name in NODE_NAMES[:count]:
            cpu, memory = rng.choice(CPU_CHOICES), rng.choice(MEMORY_CHOICES)
            short_cpu = rng.random() < 0.6
            short_memory = not short_cpu or rng.random() < 0.3
            free_cpu = pick(rng, 0, pod_cpu // 250 - 1) * 250 if short_cpu else pod_cpu
            free_memory = pick(rng, 0, pod_memory - 1) if short_memory else pod_memory
            nodes.append(_node_yaml(name, cpu, memory, max(cpu * 1000 - free_cpu, 0), max(memory - free_memory, 0),
                                    taint=rng.random() < 0.2, cordoned=rng.random() < 0.15))
        params = scheduler.parse_params({"scenario": _scenario(nodes, "worker", pod_cpu, pod_memory)})
        result = scheduler.simulate(params).to_dict()
        match = INSUFFICIENT_CPU.search(result["message"])
        if result["chosen"] is None and match:
            break
    answer = int(match.group(1))
    listing_en = "; ".join(_describe(node, zh=False) for node in result["nodes"])
    listing_zh = "；".join(_describe(node, zh=True) for node in result["nodes"])
    return Draft(
        params=params,
        prompt_en=f"A Pod requests {_cpu(pod_cpu)} CPU and {pod_memory}Gi memory and tolerates no taints. Nodes: "
                  f"{listing_en}. No node fits, so the scheduler records a FailedScheduling event. How many nodes "
                  'does its message count under "Insufficient cpu"?',
        prompt_zh=f"一个 Pod 请求 {_cpu(pod_cpu)} CPU 和 {pod_memory}Gi 内存，不容忍任何污点。节点：{listing_zh}。"
                  "没有节点放得下，调度器记录一条 FailedScheduling 事件。消息中“Insufficient cpu”计了几个节点？",
        answer=answer,
        unit_en="nodes", unit_zh="个节点",
        explanation_en=f"The message reads: {result['message']} The filters run in order and a node is counted under "
                       "the first plugin that rejects it: a cordoned or tainted node never reaches NodeResourcesFit, "
                       "and a node short of both CPU and memory counts under both.",
        explanation_zh=f"消息原文：{result['message']} 过滤插件按顺序运行，节点只记在第一个拒绝它的插件下："
                       "已封锁或带污点的节点到不了 NodeResourcesFit；CPU 和内存都不够的节点在两项下各计一次。",
    )


# pkg/scheduler/framework/preemption/preemption.go pickOneNodeForPreemption, in order.
CRITERIA = {
    "fewest_pdb_violations": ("the fewest PodDisruptionBudget violations", "PodDisruptionBudget 违反最少"),
    "lowest_highest_priority": ("the lowest priority of its most important victim", "最重要受害者的优先级最低"),
    "smallest_priority_sum": ("the smallest sum of victim priorities", "受害者优先级之和最小"),
    "fewest_victims": ("the fewest victims", "受害者最少"),
    "latest_start_time": ("the latest start time", "启动时间最晚"),
}


@register(
    name="scheduler-preemption-victim", engine=scheduler, difficulty=3, topic="scheduling",
    title_en="Which Pod preemption evicts", title_zh="抢占驱逐哪个 Pod",
)
def preemption_victim(rng: random.Random) -> Draft:
    for _ in range(ATTEMPTS):
        count = pick(rng, 2, 3)
        names = list(POD_NAMES)
        rng.shuffle(names)
        nodes, running = [], []
        for name in NODE_NAMES[:count]:
            pods = []
            left = 4000
            for _pod in range(pick(rng, 2, 3)):
                cpu_m = min(pick(rng, 2, 8) * 250, left)
                if cpu_m <= 0:
                    break
                left -= cpu_m
                pods.append((names.pop(), rng.choice(PRIORITIES), cpu_m))
            running += [(pod, priority, name) for pod, priority, _cpu_m in pods]
            nodes.append(_node_yaml(name, 4, 8, pods=pods))
        pod_cpu = pick(rng, 4, 10) * 250
        params = scheduler.parse_params({"scenario": _scenario(nodes, "checkout", pod_cpu, 1, priority=PREEMPTOR_PRIORITY)})
        result = scheduler.simulate(params).to_dict()
        if (result["nominated_node_name"] and len(result["victim_events"]) == 1
                and _decided_without_start_times(result, running)):
            break
    answer = result["victim_events"][0]["object"]
    listing_en = "; ".join(f"{name}: " + ", ".join(f"{pod} (priority {priority}, {_cpu(cpu_m)} CPU)"
                                                   for pod, priority, cpu_m in _pods_on(params, name))
                           for name in (node["name"] for node in result["nodes"]))
    listing_zh = "；".join(f"{name}：" + "、".join(f"{pod}（优先级 {priority}，{_cpu(cpu_m)} CPU）"
                                                 for pod, priority, cpu_m in _pods_on(params, name))
                           for name in (node["name"] for node in result["nodes"]))
    trail_en = [CRITERIA[step["criterion"]][0] for step in result["preemption"]["trail"]]
    trail_zh = [CRITERIA[step["criterion"]][1] for step in result["preemption"]["trail"]]
    return Draft(
        params=params,
        prompt_en=f"Every node has 4 CPU and 8Gi allocatable and runs these Pods: {listing_en}. A Pod with priority "
                  f"100000 requests {_cpu(pod_cpu)} CPU and 1Gi and fits nowhere, so the scheduler preempts. "
                  "Which Pod is evicted?",
        prompt_zh=f"每个节点可分配 4 CPU 和 8Gi，运行着这些 Pod：{listing_zh}。一个优先级为 100000、请求 "
                  f"{_cpu(pod_cpu)} CPU 和 1Gi 的 Pod 放不下，调度器发起抢占。哪个 Pod 被驱逐？",
        answer=answer,
        options=tuple(Option(pod, pod, pod) for pod, _priority, _node in running),
        explanation_en=f"Only Pods of lower priority than 100000 can be victims, and on each node the scheduler "
                       f"keeps (reprieves) as many of them as still leaves room, most important first. Among the "
                       f"candidate nodes it then compares {', then '.join(trail_en) or 'the candidates'}; "
                       f"{result['nominated_node_name']} wins and {answer} is evicted.",
        explanation_zh=f"只有优先级低于 100000 的 Pod 才可能被驱逐；在每个节点上，调度器按优先级从高到低尽量保留"
                       f"（豁免）Pod，只要仍留得出空间。随后在候选节点之间依次比较 {'、'.join(trail_zh) or '候选节点'}；"
                       f"{result['nominated_node_name']} 胜出，{answer} 被驱逐。",
    )


def _decided_without_start_times(result, running) -> bool:
    """Whether the victim follows from the priorities and sizes the prompt gives, without start times.

    The prompt gives no start times, yet the scheduler uses them twice: MoreImportantPod orders Pods of equal
    priority by start time when it reprieves them, and pickOneNodeForPreemption falls back to the latest start time
    when nodes tie on every other criterion (and then to the order of the candidates, which is not fixed). So every
    node's possible victims must have distinct priorities, and one node must win before the start-time criterion.
    """
    for node in {node for _pod, _priority, node in running}:
        lower = [priority for _pod, priority, on in running if on == node and priority < PREEMPTOR_PRIORITY]
        if len(lower) != len(set(lower)):
            return False
    trail = result["preemption"]["trail"]
    return not trail or (len(trail[-1]["nodes"]) == 1 and trail[-1]["criterion"] != "latest_start_time")


def _pods_on(params, node_name):
    """The running Pods of one node as (name, priority, millicores), from the scenario the engine read."""
    node = next(node for node in params.cluster.nodes if node.name == node_name)
    return [(pod.name, pod.priority, sum(c.cpu_m or 0 for c in pod.containers)) for pod in node.pods]
