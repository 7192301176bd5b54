"""Kubernetes resource quantities ("1500m", "2Gi", "0.5", "1e3") read exactly as the API reads them.

Follows k8s.io/apimachinery/pkg/api/resource/quantity.go ParseQuantity (sign, digits with one
decimal point, then a binary suffix Ki..Ei, a decimal suffix n u m k M G T P E, or an exponent
e/E) and the scheduler's use of Quantity.MilliValue() for cpu and Quantity.Value() for memory and
pods, both of which round up (framework.Resource.Add in pkg/scheduler/framework/types.go).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import lru_cache

_QUANTITY = re.compile(r"([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?")
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": Fraction(1, 10**9), "u": Fraction(1, 10**6), "m": Fraction(1, 1000), "k": 10**3,
            "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18}
MAX_CHARS = 40
MAX_VALUE = 2**62


class QuantityError(ValueError):
    """A value that is not a valid quantity; the message says why."""


def parse_quantity(value) -> Fraction:
    """The exact amount a quantity stands for (cores for cpu, bytes for memory)."""
    if isinstance(value, str):
        return _parse_text(value)
    if isinstance(value, bool) or value is None:
        raise QuantityError("must be a quantity such as 500m, 2, 1.5Gi or 512Mi")
    if isinstance(value, int):
        amount = Fraction(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise QuantityError("must be a finite quantity")
        amount = Fraction(repr(value)) if "e" not in repr(value) else Fraction(value)
    else:
        raise QuantityError("must be a quantity such as 500m, 2, 1.5Gi or 512Mi")
    return _checked(amount)


@lru_cache(maxsize=1024)
def _parse_text(value: str) -> Fraction:
    """A quantity written as text; scenarios repeat the same few values, so results are cached."""
    text = value.strip()
    if len(text) > MAX_CHARS:
        raise QuantityError(f"is longer than {MAX_CHARS} characters")
    match = _QUANTITY.fullmatch(text)
    if not match:
        raise QuantityError("quantities must match the regular expression "
                            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    sign, number, suffix = match.groups()
    amount = Fraction(number)
    if suffix in _BINARY:
        amount *= _BINARY[suffix]
    elif suffix in _DECIMAL:
        amount *= _DECIMAL[suffix]
    elif suffix:
        exponent = int(suffix[1:])
        if abs(exponent) > 30:
            raise QuantityError("exponent is out of range")
        amount *= Fraction(10) ** exponent
    if sign == "-":
        amount = -amount
    return _checked(amount)


def _checked(amount: Fraction) -> Fraction:
    if amount < 0:
        raise QuantityError("must be greater than or equal to 0")
    if amount > MAX_VALUE:
        raise QuantityError("is too large for this simulator")
    return amount


def milli_value(amount: Fraction) -> int:
    """Quantity.MilliValue(): thousandths, rounded up."""
    return math.ceil(amount * 1000)


def value(amount: Fraction) -> int:
    """Quantity.Value(): whole units, rounded up."""
    return math.ceil(amount)


def format_cpu(milli: int) -> str:
    """Millicores as kubectl prints them: whole cores as "2", others as "1500m"."""
    return str(milli // 1000) if milli % 1000 == 0 else f"{milli}m"


def format_memory(amount: int) -> str:
    """Bytes with the largest binary suffix that divides them exactly ("512Mi"), else plain bytes."""
    for suffix, size in (("Ei", 2**60), ("Pi", 2**50), ("Ti", 2**40), ("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if amount and amount % size == 0:
            return f"{amount // size}{suffix}"
    return str(amount)
