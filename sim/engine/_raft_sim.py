"""A first, coarse simulate: quorum arithmetic over the fault schedule (replaced by the Raft model)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ._raft_params import Params


def quorum_of(voters: int) -> int:
    """A majority of voters (etcd-io/raft quorum.MajorityConfig)."""
    return voters // 2 + 1


def tolerance_of(voters: int) -> int:
    """How many voters can fail while a majority remains."""
    return (voters - 1) // 2


def tolerance_table(max_members: int = 9) -> list[dict]:
    """Quorum and failure tolerance for 1..max_members voters."""
    return [{"members": n, "quorum": quorum_of(n), "tolerance": tolerance_of(n)} for n in range(1, max_members + 1)]


@dataclass
class Result:
    """JSON-ready outcome of one run."""

    summary: dict
    leaders: list = field(default_factory=list)
    elections: list = field(default_factory=list)
    writes: dict = field(default_factory=dict)
    unavailable: list = field(default_factory=list)

    def to_dict(self) -> dict:
        """The API contract: summary fields at the top level, then the timelines."""
        return {**self.summary, "leaders": self.leaders, "elections": self.elections,
                "writes": self.writes, "unavailable": self.unavailable}


def simulate(params: Params) -> Result:
    """Coarse first version: a leader exists whenever a quorum of voters can talk to each other."""
    voters = params.members
    quorum = quorum_of(voters)
    up_at_start = voters - params.down
    up = set(range(up_at_start))
    groups = None
    term = 1
    leader = 0 if up_at_start >= quorum else None
    leaders = [{"t_ms": 0, "leader": leader, "term": term}]
    elections = []
    unavailable = []
    down_since = None if leader is not None else 0

    def majority_group():
        pools = [set(g) & up for g in groups] if groups else [set(up)]
        for pool in pools:
            pool = {m for m in pool if m < voters}
            if len(pool) >= quorum:
                return pool
        return None

    for event in params.events:
        if event.action == "stop":
            if event.target == "leader":
                target = leader
            elif event.target == "follower":
                target = min((m for m in up if m != leader and m < voters), default=None)
            else:
                target = event.target
            up.discard(target)
        elif event.action == "restart":
            up |= set(range(voters)) if event.target == "all" else {event.target}
        elif event.action == "partition":
            if event.target == "leader":
                groups = [(leader,), tuple(m for m in range(voters) if m != leader)] if leader is not None else None
            else:
                groups = [tuple(g) for g in event.groups]
        else:
            groups = None
        pool = majority_group()
        if leader is not None and pool is not None and leader in pool:
            continue
        new_leader = min(pool) if pool else None
        if new_leader != leader:
            if new_leader is not None:
                term += 1
                at = event.at_ms + params.election_ms * 3 // 2
                elections.append({"start_ms": event.at_ms + params.election_ms, "term": term,
                                  "candidates": [new_leader], "votes": {str(new_leader): sorted(pool)[:quorum]},
                                  "winner": new_leader, "end_ms": at})
                if down_since is None:
                    down_since = event.at_ms
                unavailable.append({"from_ms": down_since, "to_ms": at})
                down_since = None
                leaders.append({"t_ms": at, "leader": new_leader, "term": term})
            else:
                down_since = event.at_ms if down_since is None else down_since
                leaders.append({"t_ms": event.at_ms, "leader": None, "term": term})
            leader = new_leader
    if down_since is not None:
        unavailable.append({"from_ms": down_since, "to_ms": params.duration_ms})
    total = params.write_rate * params.duration_ms // 1000
    summary = {
        "members": voters, "learners": params.learners, "quorum": quorum, "tolerance": tolerance_of(voters),
        "up_at_start": up_at_start, "writable": up_at_start >= quorum,
        "linearizable_reads": up_at_start >= quorum, "serializable_reads": up_at_start + params.learners > 0,
        "request_timeout_ms": params.request_timeout_ms,
    }
    writes = {"total": total, "committed": total, "failed": 0, "pending": 0,
              "latency_ms": {"p50": params.rtt_ms + params.fsync_ms, "p99": params.rtt_ms + params.fsync_ms}}
    return Result(summary=summary, leaders=leaders, elections=elections, writes=writes, unavailable=unavailable)
