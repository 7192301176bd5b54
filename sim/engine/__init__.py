"""Pure-Python simulators: no Django import anywhere below this package.

Every engine module offers the surface described by `sim.engine.protocol.Engine`:

- ``KIND``: the simulator's slug (used in URLs and content presets);
- ``parse_params(raw: Mapping[str, object]) -> Params``: accepts query-string strings
  or YAML scalars, raises ``ParamError`` naming every bad field;
- ``Params.to_query() -> dict[str, str]``: the canonical, normalised parameters;
- ``simulate(params) -> Result`` with ``Result.to_dict()`` giving JSON-ready data.

Which kinds exist is said once, in `sim/registry.py`.
"""

from .errors import ParamError
from .protocol import Engine

__all__ = ["Engine", "ParamError"]
