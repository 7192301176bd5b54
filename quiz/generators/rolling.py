"""Deployment rolling-update questions, answered by `sim.engine.rolling.simulate`.

The engine follows kubernetes pkg/controller/deployment (rolling.go rolloutRolling, sync.go
getNewReplicaSet, util/deployment_util.go NewRSNewReplicas, MaxSurge, MaxUnavailable); every answer
here is read off its steps, resolved limits or conditions.
"""

from __future__ import annotations

import random

from sim.engine import rolling

from . import Draft, Option, pick, register

TOPIC = "workloads"
PODS_EN, PODS_ZH = "Pods", "个 Pod"
SECONDS_EN, SECONDS_ZH = "s", "秒"


def _int_or_percent(rng: random.Random, replicas: int, *, allow_zero: bool) -> str:
    """A maxSurge/maxUnavailable value: a percentage that does not divide evenly, or a small count."""
    if rng.random() < 0.6:
        choices = [percent for percent in range(5, 55, 5) if percent * replicas % 100] or [25]
        return f"{rng.choice(choices)}%"
    return str(pick(rng, 0 if allow_zero else 1, 3))


def _limits(rng: random.Random, replicas: int) -> tuple[str, str]:
    """maxSurge and maxUnavailable that the API server accepts (not both zero)."""
    while True:
        surge = _int_or_percent(rng, replicas, allow_zero=True)
        unavailable = _int_or_percent(rng, replicas, allow_zero=True)
        if surge.rstrip("%") != "0" or unavailable.rstrip("%") != "0":
            return surge, unavailable


def _band_params(rng: random.Random) -> rolling.Params:
    replicas = pick(rng, 4, 20)
    surge, unavailable = _limits(rng, replicas)
    return rolling.parse_params({
        "replicas": replicas, "max_surge": surge, "max_unavailable": unavailable,
        "pod_ready_seconds": pick(rng, 2, 10),
    })


def _spec(params: rolling.Params) -> tuple[str, str]:
    text = f"replicas={params.replicas}, maxSurge={params.max_surge}, maxUnavailable={params.max_unavailable}"
    return text, text


@register(
    name="rolling-max-pods", engine=rolling, difficulty=1, topic=TOPIC,
    title_en="Most Pods during a rolling update", title_zh="滚动更新期间 Pod 数量的上限",
)
def max_pods(rng: random.Random) -> Draft:
    params = _band_params(rng)
    result = rolling.simulate(params)
    answer = max(step.total for step in result.steps)
    spec, _ = _spec(params)
    return Draft(
        params=params,
        prompt_en=f"A Deployment with {spec} gets a new Pod template. During the rollout, what is the largest "
                  "number of Pods (old and new, not counting Pods that are already terminating) that exist at the same time?",
        prompt_zh=f"一个 Deployment（{spec}）更新了 Pod 模板。滚动更新期间，同时存在的 Pod（新旧合计，不计已在终止中的 Pod）"
                  "最多有几个？",
        answer=answer,
        unit_en=PODS_EN, unit_zh=PODS_ZH,
        explanation_en=f"maxSurge {params.max_surge} of {params.replicas} rounds up to {result.resolved.max_surge}, "
                       f"so the controller never runs more than {params.replicas} + {result.resolved.max_surge} = "
                       f"{result.resolved.max_total} Pods; the run peaks at {answer}.",
        explanation_zh=f"maxSurge {params.max_surge}（相对 {params.replicas} 个副本）向上取整为 {result.resolved.max_surge}，"
                       f"所以控制器最多运行 {params.replicas} + {result.resolved.max_surge} = {result.resolved.max_total} 个 Pod；"
                       f"这次运行的峰值是 {answer}。",
    )


@register(
    name="rolling-min-available", engine=rolling, difficulty=2, topic=TOPIC,
    title_en="Fewest available Pods during a rolling update", title_zh="滚动更新期间最少的可用 Pod",
)
def min_available(rng: random.Random) -> Draft:
    params = _band_params(rng)
    result = rolling.simulate(params)
    answer = min(step.available for step in result.steps)
    spec, _ = _spec(params)
    resolved = result.resolved
    return Draft(
        params=params,
        prompt_en=f"A Deployment with {spec} gets a new Pod template; new Pods take {params.pod_ready_seconds} s "
                  "to become ready. What is the smallest number of available Pods at any moment of the rollout?",
        prompt_zh=f"一个 Deployment（{spec}）更新了 Pod 模板，新 Pod 需要 {params.pod_ready_seconds} 秒才就绪。"
                  "滚动更新期间，任一时刻可用的 Pod 最少有几个？",
        answer=answer,
        unit_en=PODS_EN, unit_zh=PODS_ZH,
        explanation_en=f"maxUnavailable {params.max_unavailable} of {params.replicas} rounds down to "
                       f"{resolved.max_unavailable}"
                       + (" (raised to 1 because both limits resolve to 0)" if resolved.fencepost_bumped else "")
                       + f", so at least {resolved.min_available} Pods stay available; the run never drops below {answer}.",
        explanation_zh=f"maxUnavailable {params.max_unavailable}（相对 {params.replicas} 个副本）向下取整为 "
                       f"{resolved.max_unavailable}"
                       + ("（两个值都为 0 时提升为 1）" if resolved.fencepost_bumped else "")
                       + f"，所以至少保留 {resolved.min_available} 个可用 Pod；这次运行最低为 {answer}。",
    )


@register(
    name="rolling-first-sync", engine=rolling, difficulty=2, topic=TOPIC,
    title_en="The new ReplicaSet's size after the first sync", title_zh="第一次同步后新 ReplicaSet 的规模",
)
def first_sync(rng: random.Random) -> Draft:
    # With a surge of 0 the new ReplicaSet is created empty and the question would not hold.
    while (result := rolling.simulate(params := _band_params(rng))).resolved.max_surge == 0:
        pass
    answer = next(step.scaled_to for step in result.steps if step.replica_set == rolling.NEW_RS_NAME)
    spec, _ = _spec(params)
    return Draft(
        params=params,
        prompt_en=f"A Deployment with {spec} gets a new Pod template. In its first sync the deployment "
                  "controller creates the new ReplicaSet already scaled up. To how many replicas?",
        prompt_zh=f"一个 Deployment（{spec}）更新了 Pod 模板。Deployment 控制器在第一次同步时创建新的 ReplicaSet，"
                  "并直接扩容。扩到几个副本？",
        answer=answer,
        unit_en="replicas", unit_zh="个副本",
        explanation_en=f"NewRSNewReplicas allows {params.replicas} + maxSurge ({result.resolved.max_surge}) Pods in total; "
                       f"the old ReplicaSet still has {params.replicas}, so the new one starts at {answer}.",
        explanation_zh=f"NewRSNewReplicas 允许总数为 {params.replicas} + maxSurge（{result.resolved.max_surge}）；"
                       f"旧 ReplicaSet 仍有 {params.replicas} 个，所以新的从 {answer} 开始。",
    )


@register(
    name="rolling-complete-at", engine=rolling, difficulty=3, topic=TOPIC,
    title_en="When a rolling update completes", title_zh="滚动更新何时完成",
)
def complete_at(rng: random.Random) -> Draft:
    replicas = pick(rng, 3, 10)
    params = rolling.parse_params({
        "replicas": replicas,
        "max_surge": str(pick(rng, 1, 3)),
        "max_unavailable": str(pick(rng, 0, 2)),
        "pod_ready_seconds": pick(rng, 2, 15),
        "min_ready_seconds": rng.choice((0, 0, 5, 10)),
    })
    result = rolling.simulate(params)
    answer = result.final["complete_at"]
    spec, _ = _spec(params)
    waves = len({step.t for step in result.steps if step.replica_set == rolling.NEW_RS_NAME})
    return Draft(
        params=params,
        prompt_en=f"A Deployment with {spec} and minReadySeconds={params.min_ready_seconds} gets a new Pod "
                  f"template at t=0; each new Pod becomes ready {params.pod_ready_seconds} s after it is created. "
                  "At what time is the rollout complete?",
        prompt_zh=f"一个 Deployment（{spec}，minReadySeconds={params.min_ready_seconds}）在 t=0 更新 Pod 模板；"
                  f"每个新 Pod 创建 {params.pod_ready_seconds} 秒后就绪。滚动更新在第几秒完成？",
        answer=answer,
        unit_en=SECONDS_EN, unit_zh=SECONDS_ZH,
        explanation_en=f"New Pods are created in {waves} waves; each wave becomes available "
                       f"{params.pod_ready_seconds + params.min_ready_seconds} s after it is created, and the last "
                       f"one completes the rollout at t={answer} s.",
        explanation_zh=f"新 Pod 分 {waves} 批创建；每批在创建 {params.pod_ready_seconds + params.min_ready_seconds} 秒后可用，"
                       f"最后一批在 t={answer} 秒完成滚动更新。",
    )


@register(
    name="rolling-broken-image-available", engine=rolling, difficulty=2, topic=TOPIC,
    title_en="Availability when new Pods never become ready", title_zh="新 Pod 始终不就绪时的可用性",
)
def broken_image_available(rng: random.Random) -> Draft:
    strategy = rng.choice(rolling.STRATEGIES)
    replicas = pick(rng, 2, 12)
    surge, unavailable = _limits(rng, replicas)
    params = rolling.parse_params({
        "replicas": replicas, "strategy": strategy, "max_surge": surge, "max_unavailable": unavailable,
        "new_pods_fail": True, "progress_deadline_seconds": rng.choice((60, 120, 300, 600)),
    })
    result = rolling.simulate(params)
    conditions = (*result.initial_conditions, *result.conditions)
    latest = [c for c in conditions if c.type == rolling.AVAILABLE][-1]
    progressing = [c for c in conditions if c.type == rolling.PROGRESSING][-1]
    answer = latest.status
    # The Available condition compares against replicas - MaxUnavailable, and MaxUnavailable is 0 for Recreate
    # (result.resolved.min_available is the rollout's band, 0 for Recreate, not this threshold).
    required = params.replicas - rolling.max_unavailable(params)
    options = (Option("True", "Available=True", "Available=True"), Option("False", "Available=False", "Available=False"))
    limits = f", maxSurge={surge}, maxUnavailable={unavailable}" if strategy == rolling.ROLLING_UPDATE else ""
    return Draft(
        params=params,
        prompt_en=f"A Deployment (strategy {strategy}, replicas={replicas}{limits}) rolls out an image whose Pods "
                  "never become ready. After the progress deadline passes, what is its Available condition?",
        prompt_zh=f"一个 Deployment（策略 {strategy}，replicas={replicas}{limits}）发布了一个新镜像，新 Pod 始终不就绪。"
                  "超过进度期限之后，它的 Available 条件是什么？",
        answer=answer,
        options=options,
        explanation_en=f"Available is True while at least replicas - maxUnavailable = {required} Pods are available"
                       + (" (for Recreate the controller counts maxUnavailable as 0)" if strategy == rolling.RECREATE else "")
                       + f". The run ends with {result.final['available']} available, so Available={answer} "
                       f"({latest.reason}); Progressing turns {progressing.status} ({progressing.reason}).",
        explanation_zh=f"至少有 replicas - maxUnavailable = {required} 个可用 Pod 时 Available 为 True"
                       + ("（Recreate 策略下控制器把 maxUnavailable 视为 0）" if strategy == rolling.RECREATE else "")
                       + f"。运行结束时有 {result.final['available']} 个可用 Pod，所以 Available={answer}"
                       f"（{latest.reason}）；Progressing 变为 {progressing.status}（{progressing.reason}）。",
    )

