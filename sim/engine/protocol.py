"""The surface every simulator engine module offers, as a `typing.Protocol` (no Django here).

An engine is a plain module: `sim.registry` holds the module itself, and `isinstance(module,
Engine)` checks that it has every member below. The shape follows how each engine already worked
(`sim/engine/rolling.py`, `etcd.py`, `pod.py`): query strings or YAML scalars in, frozen
dataclasses out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable


class Params(Protocol):
    """A run's validated parameters; equal parameters give equal runs."""

    def to_query(self) -> dict[str, str]:
        """The canonical, normalised parameters: `parse_params(p.to_query()) == p`."""


class Result(Protocol):
    """What one run produced."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: the API answers it and pages and embeds render it."""


@runtime_checkable
class Engine(Protocol):
    """A simulator engine module: `KIND`, `parse_params`, `simulate`.

    `parse_params` accepts query-string text or YAML scalars and raises
    `sim.engine.errors.ParamError` naming every bad field; `simulate` is deterministic, so the
    web side caches results by `Params.to_query()`.
    """

    KIND: str

    def parse_params(self, raw: Mapping[str, object]) -> Params: ...

    def simulate(self, params: Any) -> Result: ...
