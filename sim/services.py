"""Run simulators for the web side: simulate and cache."""

import hashlib
import json

from django.core.cache import cache

from sim import registry
from sim.engine import ParamError

CACHE_SECONDS = 24 * 3600


def _cache_key(kind, canonical):
    digest = hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()[:32]
    return f"sim:v1:{kind}:{digest}"


def simulate_cached(kind, params):
    """The result dict of running `kind`'s engine on parsed `params`.

    Engines are deterministic, so results are cached by their canonical parameters.
    """
    key = _cache_key(kind, params.to_query())
    result = cache.get(key)
    if result is None:
        result = registry.get(kind).engine.simulate(params).to_dict()
        cache.set(key, result, CACHE_SECONDS)
    return result


def query_from_request(request):
    """The request's GET parameters as a plain dict (last value wins), without empty page-only keys."""
    return {key: request.GET[key] for key in request.GET if key not in {"preset", "lang"}}


__all__ = ["ParamError", "simulate_cached", "query_from_request"]
