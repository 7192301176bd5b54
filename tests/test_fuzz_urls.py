"""Every URL pattern, in both languages, with hostile path values, query strings and methods: never a 500."""

import re
from urllib.parse import quote

import pytest
from django.urls import get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.django_db]

SLOT = "\x01"
CONVERTER = re.compile(r"<(?:\w+:)?\w+>")
REGEX_GROUP = re.compile(r"\(\?P<\w+>(?:[^()]|\([^()]*\))*\)")


def _piece(pattern):
    if isinstance(pattern, LocalePrefixPattern):
        return "{lang}/"
    if isinstance(pattern, RoutePattern):
        return CONVERTER.sub(SLOT, str(pattern._route))
    assert isinstance(pattern, RegexPattern)
    regex = REGEX_GROUP.sub(SLOT, pattern._regex)
    return re.sub(r"\\(.)", r"\1", regex.lstrip("^").removesuffix("\\Z").removesuffix("$"))


def _routes(patterns, prefix=""):
    for entry in patterns:
        route = prefix + _piece(entry.pattern)
        if hasattr(entry, "url_patterns"):
            yield from _routes(entry.url_patterns, route)
        else:
            yield route


ROUTES = sorted(set(_routes(get_resolver().url_patterns)))
CASES = [(route, lang) for route in ROUTES for lang in (["en", "zh-hans"] if "{lang}" in route else [None])]

VALUES = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["0", "-1", "9" * 400, "1e309", "NaN", "١٢٣", "x" * 3000, "\x00", "a\x00b", "..", "%", "🙂", "null",
                     "topics", "docker", "probes", "rolling-update", "etcd", "pod-lifecycle", "service", "scheduler"]),
    st.text(max_size=40),
)
METHODS = st.sampled_from(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])
QUERY_KEYS = st.sampled_from(["q", "page", "seed", "replicas", "choice", "card", "both", "preset", "lang", "with",
                              "next", "members", "duration_ms", "scenario", "x"])


def _path(route, lang, values):
    parts = route.replace("{lang}", lang or "").split(SLOT)
    path = parts[0]
    for index, part in enumerate(parts[1:]):
        path += quote(values[index % len(values)], safe="") + part
    return "/" + path


@pytest.mark.parametrize(("route", "lang"), CASES, ids=[f"{lang or '-'}:{route.replace(SLOT, '<>')}" for route, lang in CASES])
@settings(max_examples=6, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(values=st.lists(VALUES, min_size=1, max_size=3), method=METHODS, signed_in=st.booleans(),
       query=st.dictionaries(QUERY_KEYS, VALUES, max_size=3))
def test_no_url_answers_500(client, django_user_model, route, lang, values, method, signed_in, query):
    client.logout()
    if signed_in:
        user, _ = django_user_model.objects.get_or_create(username="fuzzer")
        client.force_login(user)
    path = _path(route, lang, values)
    response = client.generic(method, path, "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items()),
                              content_type="application/x-www-form-urlencoded") if method in {"POST", "PUT", "PATCH"} else \
        client.generic(method, path + ("?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items()) if query else ""))
    assert response.status_code < 500, (method, path, query, response.status_code)


def test_every_pattern_is_fuzzed():
    assert len(ROUTES) > 30
    assert any("api/sim" in route for route in ROUTES) and any(route.startswith("{lang}/admin") for route in ROUTES)
