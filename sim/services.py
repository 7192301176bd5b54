"""Run simulators for the web side: simulate and cache."""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder

from config.limits import sim_run_allowed
from sim import registry
from sim.engine import ParamError

CACHE_SECONDS = 24 * 3600


def _key(space, kind, text):
    digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return f"sim:v1:{space}{kind}:{digest}"


def _cache_key(kind, canonical):
    """The key of a run's result dict; "json:" and "raw:" keys hold its API body and the query strings naming it."""
    return _key("", kind, json.dumps(canonical, sort_keys=True))


class RunLimited(Exception):
    """This client has started too many uncached runs in the last minute (answer 429)."""


def simulate_cached(kind, params, *, client=None):
    """The result dict of running `kind`'s engine on parsed `params`.

    Engines are deterministic, so results are cached by their canonical parameters; only results
    whose JSON is under `KUBEPREP_SIM_CACHE_MAX_BYTES` are kept, so the cache stays bounded in bytes
    (entries x that size). With `client` (the request), a run that misses the cache counts against the
    client's per-minute budget and raises RunLimited when over it.
    """
    key = _cache_key(kind, params.to_query())
    result = cache.get(key)
    if result is None:
        if client is not None and not sim_run_allowed(client):
            raise RunLimited(kind)
        result = registry.get(kind).engine.simulate(params).to_dict()
        if len(json.dumps(result, separators=(",", ":"))) <= settings.KUBEPREP_SIM_CACHE_MAX_BYTES:
            cache.set(key, result, CACHE_SECONDS)
    return result


def api_body_for_query(kind, query_string):
    """The cached API body for this exact query string, or None: a repeated call skips parsing too.

    The query string is only a pointer to the canonical body `api_body` stored (parsing is deterministic,
    so the same string always names the same run); only successful answers are recorded.
    """
    canonical_key = cache.get(_key("raw:", kind, query_string))
    return None if canonical_key is None else cache.get(canonical_key)


def api_body(kind, params, *, client=None, query_string=None):
    """The JSON API's response body for `kind` on parsed `params`, as UTF-8 bytes.

    Kept in the cache, encoded, beside the result dict, so that a cached API call costs a cache read instead
    of unpickling the result and encoding it again. The body is what
    `JsonResponse({"kind": kind, "params": params.to_query(), **result})` writes.
    """
    canonical = params.to_query()
    key = _key("json:", kind, json.dumps(canonical, sort_keys=True))
    body = cache.get(key)
    if body is None:
        result = simulate_cached(kind, params, client=client)
        body = json.dumps({"kind": kind, "params": canonical, **result}, cls=DjangoJSONEncoder).encode()
        if len(body) > settings.KUBEPREP_SIM_CACHE_MAX_BYTES:
            return body
        cache.set(key, body, CACHE_SECONDS)
    if query_string is not None:
        cache.set(_key("raw:", kind, query_string), key, CACHE_SECONDS)
    return body


def query_from_request(request):
    """The request's GET parameters as a plain dict (last value wins), without empty page-only keys."""
    return {key: request.GET[key] for key in request.GET if key not in {"preset", "lang"}}


__all__ = ["ParamError", "RunLimited", "api_body", "api_body_for_query", "simulate_cached", "query_from_request"]
