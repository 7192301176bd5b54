"""Pod lifecycle questions, answered by `sim.engine.pod.simulate`.

The engine follows the kubelet (pkg/kubelet/kuberuntime, the crash-loop back-off of
pkg/kubelet/kubelet.go and prober/worker.go for probes) and kubectl's STATUS column
(pkg/printers/internalversion/printers.go printPod); every answer here is read off its restart
log, terminations, conditions or final row.
"""

from __future__ import annotations

import random

from sim.engine import pod

from . import Draft, Option, pick, register

SECONDS_EN, SECONDS_ZH = "s", "秒"
ORDINALS_EN = {1: "1st", 2: "2nd", 3: "3rd"}


def _ordinal(number: int) -> str:
    return ORDINALS_EN.get(number, f"{number}th")


@register(
    name="pod-crashloop-restart", engine=pod, difficulty=2, topic="lifecycle",
    title_en="When a crash-looping container restarts", title_zh="崩溃循环的容器何时重启",
)
def crashloop_restart(rng: random.Random) -> Draft:
    exit_after = pick(rng, 1, 10)
    pull = pick(rng, 1, 5)
    nth = pick(rng, 2, 6)
    params = pod.parse_params({
        "restart_policy": "Always", "image_pull_seconds": pull, "exit_after_seconds": exit_after,
        "exit_code": pick(rng, 1, 2), "horizon_seconds": 1800,
    })
    result = pod.simulate(params).to_dict()
    restart = result["restart_log"][nth - 1]
    answer = restart["t"]
    delays = ", ".join(str(row["delay"]) for row in result["restart_log"][:nth])
    return Draft(
        params=params,
        prompt_en=f"A Pod with restartPolicy Always pulls its image in {pull} s (restarts reuse the pulled image); its "
                  f"container exits with an error {exit_after} s after every start. How many seconds after the Pod is created is the container "
                  f"restarted for the {_ordinal(nth)} time?",
        prompt_zh=f"一个 restartPolicy 为 Always 的 Pod 拉取镜像需要 {pull} 秒（重启时复用已拉取的镜像）；容器每次启动 {exit_after} 秒后出错退出。"
                  f"Pod 创建后第几秒容器第 {nth} 次重启？",
        answer=answer,
        unit_en=SECONDS_EN, unit_zh=SECONDS_ZH,
        explanation_en=f"The kubelet's crash-loop back-off waits {delays} s before restarts 1 to {nth} "
                       f"(doubling from 10 s, capped at 5 minutes); restart {nth} comes at t={answer} s.",
        explanation_zh=f"kubelet 的崩溃回退在第 1 到第 {nth} 次重启前分别等待 {delays} 秒"
                       f"（从 10 秒起翻倍，上限 5 分钟）；第 {nth} 次重启发生在 t={answer} 秒。",
    )


@register(
    name="pod-liveness-kill", engine=pod, difficulty=3, topic="probes",
    title_en="When a liveness probe kills a hung app", title_zh="存活探针何时杀掉卡死的应用",
)
def liveness_kill(rng: random.Random) -> Draft:
    period = rng.choice((5, 10, 15, 20))
    threshold = pick(rng, 1, 5)
    delay = rng.choice((0, 0, 5, 10))
    hang = pick(rng, 3, 12) * 10
    params = pod.parse_params({
        "restart_policy": "Always", "liveness": True, "liveness_period": period,
        "liveness_failure_threshold": threshold, "liveness_initial_delay": delay,
        "hang_at_seconds": hang, "horizon_seconds": hang + period * (threshold + 2) + 60,
    })
    result = pod.simulate(params).to_dict()
    kill = next(row for row in result["terminations"] if row["cause"] == "liveness")
    answer = kill["killing_at"]
    started = next(event["t"] for event in result["events"] if event["type"] == "Started")
    runs = [run for run in result["probe_runs"] if run["probe"] == "liveness" and run["from"] <= answer]
    last_success = max((run["to"] for run in runs if run["result"] == "success"), default=None)
    first_failure = min(run["from"] for run in runs if run["result"] == "failure")
    passed_en = f"The probe passes up to t={last_success} s; " if last_success is not None else ""
    passed_zh = f"探针在 t={last_success} 秒之前都成功；" if last_success is not None else ""
    return Draft(
        params=params,
        prompt_en=f"A container starts at t={started} s with a liveness probe (initialDelaySeconds={delay}, "
                  f"periodSeconds={period}, timeoutSeconds=1, failureThreshold={threshold}). The kubelet's probe ticks "
                  f"fall every {period} s counted from t=0, when it admitted the Pod; ticks less than initialDelaySeconds "
                  f"after the container started are skipped. The app hangs {hang} s after it starts. At what time "
                  "(since the Pod was created) does the kubelet kill it?",
        prompt_zh=f"一个容器在 t={started} 秒启动，带有存活探针（initialDelaySeconds={delay}，periodSeconds={period}，"
                  f"timeoutSeconds=1，failureThreshold={threshold}）。kubelet 的探测时刻从 t=0（kubelet 准入该 Pod 时）起"
                  f"每 {period} 秒一次；容器启动后不足 initialDelaySeconds 的时刻会被跳过。应用在启动 {hang} 秒后卡死。"
                  "kubelet 在第几秒（从 Pod 创建算起）杀掉它？",
        answer=answer,
        unit_en=SECONDS_EN, unit_zh=SECONDS_ZH,
        # The kill comes when the failing probe times out (timeoutSeconds=1 after it starts): either second counts.
        tolerance=1,
        explanation_en=f"The app hangs at t={started + hang} s. Probes run at multiples of {period} s since t=0. "
                       f"{passed_en}the first probe after the hang fails "
                       f"(times out) at t={first_failure} s, and at the {_ordinal(threshold)} failure in a row, "
                       f"t={answer} s, the kubelet kills the container.",
        explanation_zh=f"应用在 t={started + hang} 秒卡死。探测发生在 t=0 起 {period} 秒的整数倍时刻。"
                       f"{passed_zh}卡死后的第一次探测在 t={first_failure} 秒超时失败，"
                       f"连续第 {threshold} 次失败时（t={answer} 秒）kubelet 杀掉容器。",
    )


@register(
    name="pod-ready-at", engine=pod, difficulty=2, topic="probes",
    title_en="When a Pod with a readiness probe becomes Ready", title_zh="带就绪探针的 Pod 何时 Ready",
)
def ready_at(rng: random.Random) -> Draft:
    pull = pick(rng, 1, 8)
    start = pick(rng, 2, 30)
    delay = rng.choice((0, 5, 10, 15))
    period = rng.choice((3, 5, 10))
    success = pick(rng, 1, 3)
    params = pod.parse_params({
        "image_pull_seconds": pull, "start_seconds": start, "readiness": True,
        "readiness_initial_delay": delay, "readiness_period": period, "readiness_success_threshold": success,
        "horizon_seconds": 300,
    })
    result = pod.simulate(params).to_dict()
    answer = next(row["t"] for row in result["conditions"] if row["type"] == "Ready" and row["status"] == "True")
    return Draft(
        params=params,
        prompt_en=f"A Pod's image pull takes {pull} s; its app answers probes {start} s after the container starts. "
                  f"The readiness probe has initialDelaySeconds={delay}, periodSeconds={period}, "
                  f"successThreshold={success}. The kubelet runs the first readiness probe the moment the container starts "
                  f"and then one every {period} s; a probe less than initialDelaySeconds after the start is skipped. "
                  "At what time (since the Pod was created) is the Pod Ready?",
        prompt_zh=f"一个 Pod 拉取镜像需要 {pull} 秒；应用在容器启动 {start} 秒后才响应探针。就绪探针为 "
                  f"initialDelaySeconds={delay}，periodSeconds={period}，successThreshold={success}。"
                  f"kubelet 在容器启动的那一刻执行第一次就绪探测，之后每 {period} 秒一次；启动后不足 initialDelaySeconds 的探测会被跳过。"
                  "Pod 在第几秒（从创建算起）变为 Ready？",
        answer=answer,
        unit_en=SECONDS_EN, unit_zh=SECONDS_ZH,
        explanation_en=f"The container starts at t={pull} s and answers from t={pull + start} s; the probe ticks every "
                       f"{period} s from t={pull} s, skipping ticks before t={pull + delay} s, and needs {success} "
                       f"success{'es' if success > 1 else ''} in a row, so Ready turns True at t={answer} s.",
        explanation_zh=f"容器在 t={pull} 秒启动，从 t={pull + start} 秒起响应；探针从 t={pull} 秒起每 {period} 秒执行一次"
                       f"（跳过 t={pull + delay} 秒之前的时刻），"
                       f"需要连续成功 {success} 次，所以 Ready 在 t={answer} 秒变为 True。",
    )


STATUSES = ("Running", "Completed", "Error", "CrashLoopBackOff")


@register(
    name="pod-final-status", engine=pod, difficulty=1, topic="lifecycle",
    title_en="The STATUS of a Pod whose container exits", title_zh="容器退出后 Pod 的 STATUS",
)
def final_status(rng: random.Random) -> Draft:
    policy = rng.choice(pod.RESTART_POLICIES)
    code = rng.choice((0, 1, 1, 2))
    exit_after = pick(rng, 3, 20)
    params = pod.parse_params({
        "restart_policy": policy, "exit_after_seconds": exit_after, "exit_code": code,
        "horizon_seconds": rng.choice((120, 180, 300)),
    })
    result = pod.simulate(params).to_dict()
    final = result["final"]
    statuses = STATUSES if final["status"] in STATUSES else (*STATUSES, final["status"])
    return Draft(
        params=params,
        prompt_en=f"A Pod with restartPolicy {policy} pulls its image in {params.image_pull_seconds} s (restarts reuse it) and "
                  f"runs one container that exits with code {code} {exit_after} s after each start. What does `kubectl get pod` show under STATUS "
                  f"{params.horizon_seconds} s after the Pod was created?",
        prompt_zh=f"一个 restartPolicy 为 {policy} 的 Pod 拉取镜像需要 {params.image_pull_seconds} 秒（重启时复用该镜像），"
                  f"只有一个容器，每次启动 {exit_after} 秒后以退出码 {code} 退出。"
                  f"Pod 创建 {params.horizon_seconds} 秒后，`kubectl get pod` 的 STATUS 列显示什么？",
        answer=final["status"],
        options=tuple(Option(status, status, status) for status in statuses),
        explanation_en=f"With {policy} and exit code {code} the Pod ends in phase {final['phase']} after "
                       f"{final['restarts']} restart{'s' if final['restarts'] != 1 else ''}; kubectl prints {final['status']}.",
        explanation_zh=f"restartPolicy 为 {policy}、退出码为 {code} 时，Pod 重启 {final['restarts']} 次后处于 "
                       f"{final['phase']} 阶段；kubectl 显示 {final['status']}。",
    )
