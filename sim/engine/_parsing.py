"""Reading raw simulator parameters (query strings or YAML scalars) into typed values.

Every engine reads its parameters through a `Reader`; an engine whose API words range errors
differently, or accepts a different kind of integer text, subclasses it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})

_ASCII_INTEGER = re.compile(r"[+-]?[0-9]+")


def clean(value):
    """The value with whitespace stripped from text; None when it is missing or blank."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def to_int(value, *, max_chars: int = 12, float_text: bool = True) -> int | None:
    """An integer from an int, an integral float or integer text; None otherwise.

    Text longer than `max_chars` is refused. With `float_text`, any text Python's float() reads
    as a whole number counts too ("3.0", "1e3", "1_000", non-ASCII digits); without it only
    ASCII digits with an optional sign do.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _whole(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) > max_chars:
        return None
    if _ASCII_INTEGER.fullmatch(text):
        return int(text)
    if not float_text:
        return None
    try:
        return _whole(float(text))
    except ValueError:
        return None


def _whole(number: float) -> int | None:
    return int(number) if math.isfinite(number) and number.is_integer() else None


def to_bool(value) -> bool | None:
    """True or False from a bool, 0 or 1, or a word of TRUE_WORDS or FALSE_WORDS in any case; None otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in TRUE_WORDS | FALSE_WORDS:
        return value.lower() in TRUE_WORDS
    return None


class Reader:
    """Reads raw values into typed ones, collecting one message per bad field in `errors`.

    A bad value is recorded and its `default` returned, so that reading goes on and every bad
    field is reported at once.
    """

    max_chars = 12
    float_text = True

    def __init__(self, raw: Mapping[str, object]):
        self.raw = raw
        self.errors: dict[str, str] = {}

    def value(self, key):
        """The cleaned raw value of `key`: None when it is missing or blank."""
        return clean(self.raw.get(key))

    def integer(self, key, *, default, minimum, maximum, unit=""):
        """A whole number from minimum to maximum; `unit` names what it counts in the messages."""
        value = self.value(key)
        if value is None:
            return default
        number = to_int(value, max_chars=self.max_chars, float_text=self.float_text)
        if number is None:
            self.errors[key] = f"must be a whole number of {unit}" if unit else "must be a whole number"
            return default
        problem = self.range_error(number, minimum=minimum, maximum=maximum, unit=unit)
        if problem:
            self.errors[key] = problem
            return default
        return number

    def range_error(self, number, *, minimum, maximum, unit):
        """The message for a number outside minimum..maximum, or None when it is inside."""
        if number < minimum:
            return f"must be at least {minimum}"
        if number > maximum:
            return f"must be at most {maximum}"
        return None

    def boolean(self, key, *, default=False):
        """True or False, read as `to_bool` reads it."""
        value = self.value(key)
        if value is None:
            return default
        flag = to_bool(value)
        if flag is None:
            self.errors[key] = "must be true or false"
            return default
        return flag

    def choice(self, key, *, choices, default):
        """One of `choices`, matched ignoring case and returned as spelled in `choices`."""
        value = self.value(key)
        if value is None:
            return default
        for choice in choices:
            if isinstance(value, str) and value.lower() == choice.lower():
                return choice
        self.errors[key] = f"must be one of {', '.join(choices)}"
        return default
