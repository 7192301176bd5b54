"""Pure-Python simulators: no Django import anywhere below this package.

Every engine module exposes the same surface:

- ``KIND``: the simulator's slug (used in URLs and content presets);
- ``parse_params(raw: Mapping[str, object]) -> Params``: accepts query-string strings
  or YAML scalars, raises ``ParamError`` naming every bad field;
- ``Params.to_query() -> dict[str, str]``: the canonical, normalised parameters;
- ``simulate(params) -> Result`` with ``Result.to_dict()`` giving JSON-ready data.
"""

import importlib

from .errors import ParamError

ENGINE_MODULES = {
    "rolling-update": "rolling",
    "etcd": "etcd",
    "pod-lifecycle": "pod",
    "scheduler": "scheduler",
}
KINDS = tuple(ENGINE_MODULES)


def get_engine(kind):
    """Return the engine module for a simulator kind, or raise KeyError."""
    return importlib.import_module(f".{ENGINE_MODULES[kind]}", __name__)


def validate(kind, raw):
    """Parse raw parameters for `kind`, raising ParamError with every problem."""
    if kind not in ENGINE_MODULES:
        raise ParamError({"kind": f"unknown simulator {kind!r}; expected one of {', '.join(KINDS)}"})
    return get_engine(kind).parse_params(raw)


def run(kind, raw):
    """Validate and simulate; returns (params, result)."""
    params = validate(kind, raw)
    return params, get_engine(kind).simulate(params)


__all__ = ["KINDS", "ParamError", "get_engine", "run", "validate"]
