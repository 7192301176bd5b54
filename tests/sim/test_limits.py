"""Simulator runs bounded per client: uncached runs rate-limited (429), only small results cached."""

import json

import pytest
from django.core.cache import cache
from django.test import override_settings

from sim import registry
from sim.services import _cache_key, simulate_cached

pytestmark = pytest.mark.django_db


@override_settings(KUBEPREP_SIM_RUNS_PER_MINUTE=3)
def test_uncached_api_runs_are_limited_per_client_with_a_message(client):
    statuses = [client.get("/api/sim/etcd", {"seed": seed, "duration_ms": 2000}).status_code for seed in range(1, 5)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/sim/etcd", {"seed": 9, "duration_ms": 2000})
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "Too many new simulator runs" in json.loads(response.content)["errors"]["__all__"]
    # A run already cached costs nothing and still answers; another client has its own budget.
    assert client.get("/api/sim/etcd", {"seed": 1, "duration_ms": 2000}).status_code == 200
    assert client.get("/api/sim/etcd", {"seed": 9, "duration_ms": 2000}, REMOTE_ADDR="10.9.9.9").status_code == 200


@override_settings(KUBEPREP_SIM_RUNS_PER_MINUTE=1)
def test_uncached_page_runs_answer_429_in_the_users_language(client):
    assert client.get("/en/sim/rolling-update/", {"replicas": 7}).status_code == 200
    response = client.get("/zh-hans/sim/rolling-update/", {"replicas": 8})
    assert response.status_code == 429
    html = response.content.decode()
    assert "来自你的地址的新模拟运行太多" in html


@override_settings(KUBEPREP_SIM_RUNS_PER_MINUTE=2)
def test_bad_parameters_do_not_spend_the_budget(client):
    for _ in range(5):
        assert client.get("/api/sim/rolling-update", {"replicas": "many"}).status_code == 400
    assert client.get("/api/sim/rolling-update", {"replicas": 5}).status_code == 200


def _key(kind, params):
    return _cache_key(kind, params.to_query())


@override_settings(KUBEPREP_SIM_CACHE_MAX_BYTES=2_000)
def test_only_results_under_the_size_bound_are_cached():
    engine = registry.get("rolling-update").engine
    small, large = engine.parse_params({"replicas": "1"}), engine.parse_params({"replicas": "500"})
    small_result, large_result = simulate_cached("rolling-update", small), simulate_cached("rolling-update", large)
    assert len(json.dumps(small_result, separators=(",", ":"))) <= 2_000 < len(json.dumps(large_result))
    assert cache.get(_key("rolling-update", small)) == small_result
    assert cache.get(_key("rolling-update", large)) is None


def test_the_default_bound_caches_ordinary_runs():
    params = registry.get("rolling-update").engine.parse_params({})
    assert cache.get(_key("rolling-update", params)) is None
    result = simulate_cached("rolling-update", params)
    assert cache.get(_key("rolling-update", params)) == result


@pytest.mark.parametrize("kind", registry.kinds())
def test_a_cached_api_call_answers_the_same_bytes_without_running_the_engine(client, kind, monkeypatch):
    first = client.get(f"/api/sim/{kind}")
    engine = registry.get(kind).engine
    fresh = engine.simulate(engine.parse_params({})).to_dict()
    assert json.loads(first.content) == json.loads(json.dumps(
        {"kind": kind, "params": engine.parse_params({}).to_query(), **fresh}))
    monkeypatch.setattr(engine, "simulate", lambda params: pytest.fail("the engine ran for a cached call"))
    second = client.get(f"/api/sim/{kind}")
    assert second.status_code == 200 and second["Content-Type"] == "application/json"
    assert second.content == first.content


def test_a_repeated_api_query_string_is_answered_without_parsing(client, monkeypatch):
    engine = registry.get("etcd").engine
    first = client.get("/api/sim/etcd?members=5&duration_ms=4000")
    monkeypatch.setattr(engine, "parse_params", lambda raw: pytest.fail("parsed a query string seen before"))
    again = client.get("/api/sim/etcd?members=5&duration_ms=4000")
    assert again.status_code == 200 and again.content == first.content
    monkeypatch.undo()
    reordered = client.get("/api/sim/etcd?duration_ms=4000&members=5")  # another spelling: parsed, same run
    assert reordered.content == first.content


def test_a_bad_query_string_is_never_remembered(client):
    for _ in range(2):
        response = client.get("/api/sim/etcd?members=99")
        assert response.status_code == 400 and "members" in json.loads(response.content)["errors"]
