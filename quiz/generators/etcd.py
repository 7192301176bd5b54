"""etcd / Raft questions, answered by `sim.engine.etcd.simulate`.

The engine models etcd's raft package (raft/raft.go: campaign, poll, maybeCommit, the quorum of
voters from quorum/majority.go) and etcd's request timeout (server/config/config.go ReqTimeout);
every answer here is read off its summary or its write counts.
"""

from __future__ import annotations

import random

from sim.engine import etcd

from . import Draft, pick, register, yes_no

TOPIC = "architecture"


@register(
    name="etcd-fault-tolerance", engine=etcd, difficulty=1, topic=TOPIC,
    title_en="How many etcd members may fail", title_zh="etcd 集群可容忍几个成员故障",
)
def fault_tolerance(rng: random.Random) -> Draft:
    members = pick(rng, 2, 9)
    params = etcd.parse_params({"members": members, "duration_ms": 1000, "write_rate": 0, "seed": pick(rng, 1, 999)})
    summary = etcd.simulate(params).to_dict()
    answer = summary["tolerance"]
    return Draft(
        params=params,
        prompt_en=f"An etcd cluster has {members} voting members. How many of them can fail "
                  "while the cluster still accepts writes?",
        prompt_zh=f"一个 etcd 集群有 {members} 个投票成员。最多可以有几个成员故障，集群仍能写入？",
        answer=answer,
        unit_en="members", unit_zh="个成员",
        explanation_en=f"Writes need a quorum of {summary['quorum']} of {members} voters "
                       f"(a majority), so {members} - {summary['quorum']} = {answer} may fail.",
        explanation_zh=f"写入需要 {members} 个投票成员中的多数派 {summary['quorum']} 个，"
                       f"所以可以故障 {members} - {summary['quorum']} = {answer} 个。",
    )


@register(
    name="etcd-writable-with-members-down", engine=etcd, difficulty=1, topic=TOPIC,
    title_en="Can etcd write with members down", title_zh="部分成员宕机时 etcd 能否写入",
)
def writable_with_members_down(rng: random.Random) -> Draft:
    members = pick(rng, 3, 7)
    quorum = members // 2 + 1
    # Half the time right at the edge of the quorum, where the lesson is.
    down = rng.choice((members - quorum, members - quorum + 1)) if rng.random() < 0.6 else pick(rng, 1, members - 1)
    params = etcd.parse_params({
        "members": members, "down": down, "duration_ms": 2000, "write_rate": 2, "seed": pick(rng, 1, 999),
    })
    summary = etcd.simulate(params).to_dict()
    answer, options = yes_no(summary["writable"])
    return Draft(
        params=params,
        prompt_en=f"An etcd cluster has {members} voting members and {down} of them are stopped. "
                  "Can the cluster accept writes?",
        prompt_zh=f"一个 etcd 集群有 {members} 个投票成员，其中 {down} 个已停止。集群还能写入吗？",
        answer=answer,
        options=options,
        explanation_en=f"{summary['up_at_start']} member{' is' if summary['up_at_start'] == 1 else 's are'} up and "
                       f"a quorum needs {summary['quorum']}: "
                       + ("a leader can be elected and commit writes." if summary["writable"]
                          else "no leader can be elected, so every write waits and then times out."),
        explanation_zh=f"运行中的成员有 {summary['up_at_start']} 个，多数派需要 {summary['quorum']} 个："
                       + ("可以选出 leader 并提交写入。" if summary["writable"] else "无法选出 leader，所有写入都会等待直到超时。"),
    )


@register(
    name="etcd-leader-stop-recovery", engine=etcd, difficulty=2, topic=TOPIC,
    title_en="Does etcd recover when its leader stops", title_zh="etcd leader 停止后能否恢复",
)
def leader_stop_recovery(rng: random.Random) -> Draft:
    members = rng.choice((3, 5, 7))
    at = rng.choice((1000, 1500, 2000, 2500, 3000))
    followers = pick(rng, 0, members // 2)
    events = [f"stop:leader@{at}"] + [f"stop:follower@{at}"] * followers
    params = etcd.parse_params({
        "members": members, "events": ",".join(events), "write_rate": 5,
        "duration_ms": at + 6_000, "seed": pick(rng, 1, 999),
    })
    summary = etcd.simulate(params).to_dict()
    recovered = any(row["leader"] is not None and row["t_ms"] > at for row in summary["leaders"])
    answer, options = yes_no(recovered)
    writes = summary["writes"]
    stopped = 1 + followers
    also_en = f" and {followers} follower{'s' if followers > 1 else ''}" if followers else ""
    also_zh = f" 和 {followers} 个 follower " if followers else " "
    return Draft(
        params=params,
        prompt_en=f"A {members}-member etcd cluster takes 5 writes per second. At {at / 1000:g} s the leader{also_en} "
                  "stop for good. Does the cluster elect a new leader and commit writes again?",
        prompt_zh=f"一个 {members} 成员的 etcd 集群每秒写入 5 次。第 {at / 1000:g} 秒时 leader{also_zh}永久停止。"
                  "集群能否选出新 leader 并再次提交写入？",
        answer=answer,
        options=options,
        explanation_en=f"{members - stopped} of {members} members stay up against a quorum of {summary['quorum']}"
                       + (", so they elect a new leader. " if recovered else ", so no leader can be elected. ")
                       + f"Of {writes['total']} writes in the run, {writes['committed']} were committed, "
                       f"{writes['failed']} failed and {writes['pending']} were still waiting when the run ended "
                       f"(a write fails when it is not committed within etcd's request "
                       f"timeout of {params.request_timeout_ms / 1000:g} s).",
        explanation_zh=f"{members} 个成员中还剩 {members - stopped} 个，多数派需要 {summary['quorum']} 个"
                       + ("，所以能选出新 leader。" if recovered else "，所以选不出 leader。")
                       + f"这次运行的 {writes['total']} 次写入中 {writes['committed']} 次提交、{writes['failed']} 次失败、"
                       f"{writes['pending']} 次在运行结束时仍在等待"
                       f"（在 etcd 请求超时 {params.request_timeout_ms / 1000:g} 秒内未提交的写入算失败）。",
    )


@register(
    name="etcd-quorum-size", engine=etcd, difficulty=1, topic=TOPIC,
    title_en="Votes an etcd candidate needs", title_zh="etcd 候选者需要的票数",
)
def quorum_size(rng: random.Random) -> Draft:
    members = pick(rng, 3, 9)
    learners = pick(rng, 0, 1)
    params = etcd.parse_params({
        "members": members, "learners": learners, "duration_ms": 1000, "write_rate": 0, "seed": pick(rng, 1, 999),
    })
    summary = etcd.simulate(params).to_dict()
    answer = summary["quorum"]
    extra_en = f" plus {learners} learner" if learners else ""
    extra_zh = f"，外加 {learners} 个 learner" if learners else ""
    return Draft(
        params=params,
        prompt_en=f"An etcd cluster has {members} voting members{extra_en}. How many votes, its own included, "
                  "does a candidate need to become leader?",
        prompt_zh=f"一个 etcd 集群有 {members} 个投票成员{extra_zh}。候选者（包括自己的一票）需要几票才能成为 leader？",
        answer=answer,
        unit_en="votes", unit_zh="票",
        explanation_en=f"A majority of the {members} voters: {members} // 2 + 1 = {answer}; learners do not vote.",
        explanation_zh=f"{members} 个投票成员的多数派：{members} // 2 + 1 = {answer}；learner 不参与投票。",
    )
