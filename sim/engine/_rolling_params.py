"""Parameters of the Deployment rolling-update simulator: parsing, API-server validation, rounding.

Validation follows kubernetes pkg/apis/apps/validation/validation.go:
ValidateDeploymentSpec (replicas, minReadySeconds and progressDeadlineSeconds are non-negative,
progressDeadlineSeconds must be greater than minReadySeconds), ValidateDeploymentStrategy
(type is Recreate or RollingUpdate) and ValidateRollingUpdateDeployment (maxSurge and
maxUnavailable are non-negative ints or percentages, not both 0, maxUnavailable not over 100%).

Rounding follows apimachinery/pkg/util/intstr GetScaledValueFromIntOrPercent (percentages are
rounded up for maxSurge and down for maxUnavailable) and
pkg/controller/deployment/util/deployment_util.go ResolveFenceposts, MaxSurge and MaxUnavailable.

Cost: every run the parser accepts should finish in under 50 ms (issue 19). `estimated_work`
(steps, pod-event instants, condition changes) is capped at MAX_ESTIMATED_WORK = 30,000, which
admits 10,000 replicas one pod at a time (maxSurge 1 / maxUnavailable 0, about 45-50 ms of CPU on
the shared 2-vCPU machine) and refuses rollouts that cost more (bench/bench_engine_limits.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

from ._parsing import Reader
from .errors import ParamError

ROLLING_UPDATE = "RollingUpdate"
RECREATE = "Recreate"
STRATEGIES = (RECREATE, ROLLING_UPDATE)
MAX_REPLICAS = 10_000
MAX_SECONDS = 86_400
# The engine's cost is its recorded steps, the instants pods become ready or available and the
# condition changes, about 1.7 microseconds each (bench/bench_engine_limits.py): this cap on their
# estimate (`estimated_work`) admits 10,000 replicas one pod at a time (30,000, about 50 ms) and
# refuses what costs more at that size (minReadySeconds apart from readiness, or a progress deadline
# that expires between every pod).
MAX_ESTIMATED_WORK = 30_000
INT32_MAX = 2_147_483_647

_PERCENT = re.compile(r"[0-9]+%")
_INTEGER = re.compile(r"[+-]?[0-9]+")

NONNEGATIVE = "must be greater than or equal to 0"
INVALID_INT_OR_PERCENT = (
    "must be a non-negative integer or a percentage: a valid percent string is a numeric string "
    "followed by an ending '%' (e.g. '1%' or '93%')"
)
BOTH_ZERO = "may not be 0 when `maxSurge` is 0"
OVER_100_PERCENT = "must not be greater than 100%"
DEADLINE_NOT_AFTER_MIN_READY = "must be greater than minReadySeconds"


@dataclass(frozen=True)
class Params:
    """A validated run of the rolling-update simulator; seconds are whole seconds.

    `max_surge` and `max_unavailable` keep the API's int-or-percent form as canonical text
    ("1" or "25%").
    """

    replicas: int = 3
    strategy: str = ROLLING_UPDATE
    max_surge: str = "25%"
    max_unavailable: str = "25%"
    min_ready_seconds: int = 0
    pod_ready_seconds: int = 5
    progress_deadline_seconds: int = 600
    new_pods_fail: bool = False

    def to_query(self) -> dict[str, str]:
        """Every parameter as a canonical string, suitable for a URL and as a cache key."""
        query = {}
        for field in fields(self):
            value = getattr(self, field.name)
            query[field.name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
        return query

    @property
    def is_rolling(self) -> bool:
        """Whether the strategy is RollingUpdate."""
        return self.strategy == ROLLING_UPDATE


PARAM_NAMES = tuple(field.name for field in fields(Params))
DEFAULTS = Params()


def is_percent(value: str) -> bool:
    """Whether a canonical int-or-percent text is a percentage."""
    return value.endswith("%")


def scaled_value(value: str | int, total: int, *, round_up: bool) -> int:
    """Resolve an int or a percentage of `total` like intstr.GetScaledValueFromIntOrPercent.

    Raises ValueError for text that is neither an int nor a percentage (the Go code's error).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value)
    if not text.endswith("%"):
        raise ValueError(f"invalid type: string is not a percentage: {text!r}")
    number = text[:-1]
    if not _INTEGER.fullmatch(number):
        raise ValueError(f"invalid value for IntOrString: invalid value {text!r}")
    # Integer arithmetic gives the same result as Go's math.Ceil/Floor of float64(value*total)/100
    # for every value this simulator accepts, without float surprises.
    product = int(number) * total
    return -(-product // 100) if round_up else product // 100


def resolve_fenceposts(max_surge: str | int | None, max_unavailable: str | int | None, desired: int) -> tuple[int, int]:
    """Return (surge, unavailable) like deploymentutil.ResolveFenceposts; None means 0.

    When both resolve to 0, unavailable becomes 1 ("surge might not work due to quota").
    """
    surge = scaled_value(0 if max_surge is None else max_surge, desired, round_up=True)
    unavailable = scaled_value(0 if max_unavailable is None else max_unavailable, desired, round_up=False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def max_surge(params: Params) -> int:
    """deploymentutil.MaxSurge: the resolved surge, 0 for Recreate."""
    if not params.is_rolling:
        return 0
    return resolve_fenceposts(_typed(params.max_surge), _typed(params.max_unavailable), params.replicas)[0]


def max_unavailable(params: Params) -> int:
    """deploymentutil.MaxUnavailable: the resolved value capped at replicas, 0 for Recreate or 0 replicas."""
    if not params.is_rolling or params.replicas == 0:
        return 0
    unavailable = resolve_fenceposts(_typed(params.max_surge), _typed(params.max_unavailable), params.replicas)[1]
    return min(unavailable, params.replicas)


def _typed(value: str) -> str | int:
    return value if is_percent(value) else int(value)


class _Reader(Reader):
    """Integer text is ASCII digits only (no "3.0"); messages follow the API server's wording."""

    max_chars = 20
    float_text = False

    def range_error(self, number, *, minimum, maximum, unit):
        if number < 0:
            return NONNEGATIVE
        if number < minimum:
            return f"must be at least {minimum}"
        if number > maximum:
            return f"must be at most {maximum} in this simulator"
        return None

    def int_or_percent(self, key):
        """Canonical int-or-percent text ("1" or "25%"); None after recording an error."""
        value = self.value(key)
        if value is None:
            return getattr(DEFAULTS, key)
        if isinstance(value, bool):
            self.errors[key] = INVALID_INT_OR_PERCENT
            return None
        if isinstance(value, int):
            text = str(value)
        elif isinstance(value, str):
            text = value
        else:
            self.errors[key] = INVALID_INT_OR_PERCENT
            return None
        if _PERCENT.fullmatch(text):
            number, suffix = int(text[:-1]), "%"
        elif _INTEGER.fullmatch(text):
            number, suffix = int(text), ""
            if number < 0:
                self.errors[key] = NONNEGATIVE
                return None
        else:
            self.errors[key] = INVALID_INT_OR_PERCENT
            return None
        if number > INT32_MAX:
            self.errors[key] = f"must be at most {INT32_MAX}"
            return None
        return f"{number}{suffix}"


def parse_params(raw: Mapping[str, object]) -> Params:
    """Validate raw query-string or YAML values into Params; ParamError names every bad field."""
    if not isinstance(raw, Mapping):
        raise ParamError({"params": "must be a mapping of parameter names to values"})
    reader = _Reader(raw)
    errors = reader.errors
    for key in raw:
        if key not in PARAM_NAMES:
            errors[str(key)] = f"unknown parameter; expected one of {', '.join(PARAM_NAMES)}"

    def integer(key, *, maximum):
        return reader.integer(key, default=getattr(DEFAULTS, key), minimum=0, maximum=maximum)

    replicas = integer("replicas", maximum=MAX_REPLICAS)
    strategy = reader.value("strategy")
    if strategy is None:
        strategy = DEFAULTS.strategy
    elif strategy not in STRATEGIES:
        errors["strategy"] = f"unsupported value; supported values: {', '.join(STRATEGIES)}"
        strategy = None
    surge = reader.int_or_percent("max_surge")
    unavailable = reader.int_or_percent("max_unavailable")
    min_ready = integer("min_ready_seconds", maximum=MAX_SECONDS)
    pod_ready = integer("pod_ready_seconds", maximum=MAX_SECONDS)
    deadline = integer("progress_deadline_seconds", maximum=MAX_SECONDS)
    new_pods_fail = reader.boolean("new_pods_fail")

    if strategy == ROLLING_UPDATE and unavailable is not None:
        if is_percent(unavailable) and _number(unavailable) > 100:
            errors["max_unavailable"] = OVER_100_PERCENT
        elif surge is not None and _number(surge) == 0 and _number(unavailable) == 0:
            errors["max_unavailable"] = BOTH_ZERO
    if not {"min_ready_seconds", "progress_deadline_seconds"} & errors.keys() and deadline <= min_ready:
        errors["progress_deadline_seconds"] = DEADLINE_NOT_AFTER_MIN_READY

    params = None
    if not errors:
        params = Params(
            replicas=replicas,
            strategy=strategy,
            max_surge=surge,
            max_unavailable=unavailable,
            min_ready_seconds=min_ready,
            pod_ready_seconds=pod_ready,
            progress_deadline_seconds=deadline,
            new_pods_fail=new_pods_fail,
        )
        estimate = estimated_work(params)
        if estimate > MAX_ESTIMATED_WORK:
            errors["replicas"] = (
                f"this rollout would record about {estimate:,} steps, pod events and condition changes "
                f"(at most {MAX_ESTIMATED_WORK:,}); lower replicas, raise max_surge or max_unavailable, "
                "or set min_ready_seconds to 0 and progress_deadline_seconds to at least pod_ready_seconds"
            )

    if errors:
        raise ParamError(errors)
    return params


def _number(value: str) -> int:
    return int(value.rstrip("%"))


def estimated_work(params: Params) -> int:
    """About how many steps, pod-event instants and condition changes a rollout records (an upper estimate).

    The controller moves at most maxSurge + maxUnavailable pods per cycle (one cycle for Recreate, or
    when new pods never become ready); each cycle scales both ReplicaSets (two steps), waits for the
    new pods to become ready and, with minReadySeconds, available (one or two instants), and, when the
    progress deadline is shorter than the wait for readiness, times out and resumes (an instant and two
    conditions, counted as five: building a condition costs about twice a step).
    """
    if not params.is_rolling or params.new_pods_fail:
        cycles = 1
    else:
        surge = max_surge(params)
        unavailable = max_unavailable(params)
        cycles = -(-params.replicas // max(1, surge + unavailable))
    instants = 2 if params.min_ready_seconds else 1
    # A deadline that expires between pods is an instant of its own and two condition changes, each
    # costing about as much as a step and an instant together.
    flapping = 5 if params.progress_deadline_seconds < params.pod_ready_seconds else 0
    return cycles * (2 + instants + flapping)
