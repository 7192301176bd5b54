"""etcd / Raft fault-tolerance simulator: the public engine surface.

Parameters and the events mini-language live in `_raft_params.py`; the discrete-event
Raft model lives in `_raft_sim.py`. Members are numbered from 0.
"""

from __future__ import annotations

from ._raft_params import Event, Params, events_text, parse_events, parse_params
from ._raft_sim import Result, simulate, tolerance_table

KIND = "etcd"

__all__ = ["KIND", "Event", "Params", "Result", "events_text", "parse_events", "parse_params", "simulate", "tolerance_table"]
