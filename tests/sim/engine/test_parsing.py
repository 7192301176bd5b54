"""The shared parameter reader, and the ways each engine's reading of it differs."""

import pytest

from sim import registry
from sim.engine import ParamError
from sim.engine._parsing import Reader, clean, to_bool, to_int


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("  ", None), (" 7 ", "7"), (0, 0), (False, False)],
)
def test_clean_strips_text_and_treats_blank_as_missing(value, expected):
    assert clean(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), ("-4", -4), ("+5", 5), (2.0, 2), ("3.0", 3), ("1e3", 1000), ("1_000", 1000), ("١٢", 12),
     (True, None), (2.5, None), ("2.5", None), ("nan", None), (float("inf"), None), ("9" * 13, None), ([], None)],
)
def test_to_int_reads_whole_numbers_in_any_form_python_floats_accept(value, expected):
    assert to_int(value) == expected


@pytest.mark.parametrize(("value", "expected"), [("12", 12), ("9" * 20, int("9" * 20)), ("3.0", None), ("١٢", None)])
def test_to_int_without_float_text_reads_only_ascii_digits(value, expected):
    assert to_int(value, max_chars=20, float_text=False) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (1, True), ("YES", True), ("on", True), ("Off", False), (0, False), (2, None), ("maybe", None)],
)
def test_to_bool_reads_words_and_zero_or_one(value, expected):
    assert to_bool(value) == expected


def test_the_reader_records_every_bad_field_and_returns_defaults():
    reader = Reader({"a": "x", "b": "99", "c": "maybe", "d": "never"})
    values = (
        reader.integer("a", default=1, minimum=0, maximum=10, unit="seconds"),
        reader.integer("b", default=2, minimum=0, maximum=10),
        reader.boolean("c", default=True),
        reader.choice("d", choices=("Always", "Never"), default="Always"),
    )
    assert values == (1, 2, True, "Never")
    assert reader.errors == {
        "a": "must be a whole number of seconds",
        "b": "must be at most 10",
        "c": "must be true or false",
    }


@pytest.mark.parametrize(
    ("kind", "raw", "errors"),
    [
        ("pod-lifecycle", {"grace_seconds": "90000"}, {"grace_seconds": "must be at most 86400"}),
        ("etcd", {"members": "10"}, {"members": "must be between 1 and 9"}),
        ("etcd", {"fsync_ms": "-1"}, {"fsync_ms": "must be between 0 and 1000 ms"}),
        ("rolling-update", {"replicas": "-1"}, {"replicas": "must be greater than or equal to 0"}),
        ("rolling-update", {"replicas": "10001"}, {"replicas": "must be at most 10000 in this simulator"}),
        ("rolling-update", {"replicas": "3.0"}, {"replicas": "must be a whole number"}),
    ],
)
def test_each_engine_words_its_range_errors_its_own_way(kind, raw, errors):
    with pytest.raises(ParamError) as caught:
        registry.get(kind).engine.parse_params(raw)
    assert caught.value.errors == errors


@pytest.mark.parametrize("kind", ["pod-lifecycle", "etcd"])
def test_pod_and_etcd_accept_integral_float_text(kind):
    key = {"pod-lifecycle": "grace_seconds", "etcd": "seed"}[kind]
    assert registry.get(kind).engine.parse_params({key: "3.0"}).to_query()[key] == "3"
