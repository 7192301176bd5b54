"""etcd / Raft fault-tolerance simulator: the public engine surface.

Parameters and the events mini-language live in `_raft_params.py` (members are numbered
from 0); the discrete-event Raft model lives in `_raft_sim.py`.
"""

from __future__ import annotations

from ._raft_params import MAX_DURATION_MS, MAX_LEARNERS, MAX_MEMBERS, Event, Params, events_text, parse_events, parse_params
from ._raft_sim import Result, quorum_of, simulate, tolerance_of, tolerance_table

KIND = "etcd"


def safety_violations(result: Result | dict) -> list[str]:
    """Every broken Raft safety property of a run: at most one leader per term, no committed entry lost.

    The engine audits committed entries as it runs (every member's commit, every new leader's log
    and every truncation against the entries committed so far); this adds an independent check of
    the leader-per-term rule from the members' recorded roles.
    """
    data = result.to_dict() if isinstance(result, Result) else result
    problems = list(data["safety"]["violations"])
    leader_of_term: dict[int, int] = {}
    for lane in data["lanes"]:
        for segment in lane["segments"]:
            if segment["role"] != "leader":
                continue
            term, member = segment["term"], lane["member"]
            if leader_of_term.setdefault(term, member) != member:
                problems.append(f"members {leader_of_term[term]} and {member} both led term {term}")
    return problems


__all__ = [
    "KIND", "MAX_DURATION_MS", "MAX_LEARNERS", "MAX_MEMBERS", "Event", "Params", "Result", "events_text", "parse_events", "parse_params", "quorum_of",
    "safety_violations", "simulate", "tolerance_of", "tolerance_table",
]
