"""Parameters of the pod lifecycle simulator: parsing, validation and the canonical query.

Probe validation follows the API server (pkg/apis/core/validation/validation.go,
validateProbe / validateLivenessProbe / validateStartupProbe): every period, timeout and
threshold is at least 1, initialDelaySeconds is at least 0, and successThreshold must be 1
for liveness and startup probes. Probe defaults follow pkg/apis/core/v1/defaults.go
(SetDefaults_Probe): period 10 s, timeout 1 s, success 1, failure 3.

Cost: every run the parser accepts finishes in under 50 ms (issue 19): the probes a run schedules
(one per period per enabled probe over the horizon) are capped at MAX_PROBES = 10,000, so two
1-second probes run for up to 4,998 s and three for 3,332 s (bench/bench_engine_limits.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import partial

from ._parsing import Reader
from .errors import ParamError

RESTART_POLICIES = ("Always", "OnFailure", "Never")
PROBE_KINDS = ("startup", "liveness", "readiness")
PROBE_FIELDS = ("initial_delay", "period", "timeout", "success_threshold", "failure_threshold")
PROBE_DEFAULTS = {"initial_delay": 0, "period": 10, "timeout": 1, "success_threshold": 1, "failure_threshold": 3}
PROBE_MINIMUMS = {"initial_delay": 0, "period": 1, "timeout": 1, "success_threshold": 1, "failure_threshold": 1}
MAX_SECONDS = 86_400
MAX_THRESHOLD = 10_000
MAX_HORIZON = 7_200
MIN_HORIZON = 10
MAX_INIT_CONTAINERS = 10
MAX_MEMORY_MI = 1_048_576
# Probes whose verdict cannot change are counted arithmetically, but a failure or success threshold
# larger than the run makes the kubelet model count every probe one by one (about 3 microseconds each,
# bench/bench_engine_limits.py); this cap on the probes a run schedules keeps every accepted run under
# 50 ms (issue 19). Three 1-second probes over the 2-hour horizon (21,600) took about 50 ms.
MAX_PROBES = 10_000


@dataclass(frozen=True)
class Probe:
    """One probe as the kubelet sees it; `enabled` is False when the pod has no such probe."""

    enabled: bool = False
    initial_delay: int = 0
    period: int = 10
    timeout: int = 1
    success_threshold: int = 1
    failure_threshold: int = 3


@dataclass(frozen=True)
class Params:
    """A validated run of the pod lifecycle simulator; times are whole seconds."""

    restart_policy: str = "Always"
    image_pull_seconds: int = 2
    image_pull_fails: bool = False
    init_containers: int = 0
    init_fail_index: int | None = None
    init_seconds: int = 2
    start_seconds: int = 3
    poststart_seconds: int = 0
    exit_after_seconds: int | None = None
    exit_code: int = 0
    hang_at_seconds: int | None = None
    recover_at_seconds: int | None = None
    sigterm_exit_seconds: int | None = None
    memory_limit_mi: int | None = None
    memory_use_mi: int | None = None
    memory_ramp_seconds: int | None = None
    startup: Probe = Probe()
    liveness: Probe = Probe()
    readiness: Probe = Probe()
    delete_at_seconds: int | None = None
    grace_seconds: int = 30
    prestop_seconds: int = 0
    horizon_seconds: int = 600

    def to_query(self) -> dict[str, str]:
        """Every parameter as a canonical string, suitable for a URL and as a cache key."""
        query = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, Probe):
                query[field.name] = _bool_text(value.enabled)
                for name in PROBE_FIELDS:
                    query[f"{field.name}_{name}"] = str(getattr(value, name))
            else:
                query[field.name] = _text(value)
        return query

    def probe(self, kind: str) -> Probe:
        """The startup, liveness or readiness probe."""
        return getattr(self, kind)

    @property
    def oom_kills(self) -> bool:
        """Whether the app's memory use ever goes over its limit."""
        return (
            self.memory_limit_mi is not None
            and self.memory_use_mi is not None
            and self.memory_use_mi > self.memory_limit_mi
        )


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _bool_text(value)
    return str(value)


def _bool_text(value):
    return "true" if value else "false"


SCALAR_NAMES = [f.name for f in fields(Params) if f.name not in PROBE_KINDS]
KNOWN_KEYS = frozenset(
    SCALAR_NAMES + list(PROBE_KINDS) + [f"{kind}_{name}" for kind in PROBE_KINDS for name in PROBE_FIELDS]
)


def _read_probe(reader: Reader, kind: str) -> Probe:
    values = {}
    for name in PROBE_FIELDS:
        values[name] = reader.integer(
            f"{kind}_{name}",
            default=PROBE_DEFAULTS[name],
            minimum=PROBE_MINIMUMS[name],
            maximum=MAX_THRESHOLD if name.endswith("threshold") else MAX_SECONDS,
            unit="" if name.endswith("threshold") else "seconds",
        )
    key = f"{kind}_success_threshold"
    if kind in ("liveness", "startup") and values["success_threshold"] != 1 and key not in reader.errors:
        reader.errors[key] = f"must be 1 for a {kind} probe (the API server rejects other values)"
    return Probe(enabled=reader.boolean(kind), **values)


def parse_params(raw: Mapping[str, object]) -> Params:
    """Validate raw query-string or YAML values into Params; raises ParamError naming every bad field."""
    if not isinstance(raw, Mapping):
        raise ParamError({"params": "must be a mapping of parameter names to values"})
    reader = Reader(raw)
    for key in raw:
        if not isinstance(key, str) or key not in KNOWN_KEYS:
            reader.errors[str(key)] = "unknown parameter"
    read = partial(reader.integer, minimum=0, maximum=MAX_SECONDS, unit="seconds")
    optional = dict(default=None)
    init_containers = read("init_containers", default=0, maximum=MAX_INIT_CONTAINERS, unit="containers")
    values = dict(
        restart_policy=reader.choice("restart_policy", choices=RESTART_POLICIES, default="Always"),
        image_pull_seconds=read("image_pull_seconds", default=2),
        image_pull_fails=reader.boolean("image_pull_fails"),
        init_containers=init_containers,
        init_fail_index=read("init_fail_index", default=None, minimum=1, maximum=MAX_INIT_CONTAINERS, unit=""),
        init_seconds=read("init_seconds", default=2),
        start_seconds=read("start_seconds", default=3),
        poststart_seconds=read("poststart_seconds", default=0),
        exit_after_seconds=read("exit_after_seconds", **optional),
        exit_code=read("exit_code", default=0, maximum=255, unit=""),
        hang_at_seconds=read("hang_at_seconds", **optional),
        recover_at_seconds=read("recover_at_seconds", **optional),
        sigterm_exit_seconds=read("sigterm_exit_seconds", **optional),
        memory_limit_mi=read("memory_limit_mi", default=None, minimum=1, maximum=MAX_MEMORY_MI, unit="MiB"),
        memory_use_mi=read("memory_use_mi", default=None, minimum=0, maximum=MAX_MEMORY_MI, unit="MiB"),
        memory_ramp_seconds=read("memory_ramp_seconds", **optional),
        startup=_read_probe(reader, "startup"),
        liveness=_read_probe(reader, "liveness"),
        readiness=_read_probe(reader, "readiness"),
        delete_at_seconds=read("delete_at_seconds", **optional),
        grace_seconds=read("grace_seconds", default=30),
        prestop_seconds=read("prestop_seconds", default=0),
        horizon_seconds=read("horizon_seconds", default=600, minimum=MIN_HORIZON, maximum=MAX_HORIZON),
    )
    _check_relations(values, reader.errors)
    if reader.errors:
        raise ParamError(reader.errors)
    return Params(**values)


def _check_relations(values, errors):
    """Rules that involve more than one field; each names the field a user should change."""
    fail_index = values["init_fail_index"]
    if fail_index is not None and "init_fail_index" not in errors and "init_containers" not in errors:
        if fail_index > values["init_containers"]:
            errors["init_fail_index"] = (
                f"there are only {values['init_containers']} init containers (init_fail_index counts from 1)"
            )
    hang, recover = values["hang_at_seconds"], values["recover_at_seconds"]
    if recover is not None and "recover_at_seconds" not in errors:
        if hang is None and "hang_at_seconds" not in errors:
            errors["recover_at_seconds"] = "needs hang_at_seconds: the app can only recover from a hang"
        elif hang is not None and recover <= hang:
            errors["recover_at_seconds"] = "must be later than hang_at_seconds"
    probes = scheduled_probes(values)
    if probes > MAX_PROBES and "horizon_seconds" not in errors:
        errors["horizon_seconds"] = (
            f"this run would schedule about {probes:,} probes (at most {MAX_PROBES:,}); "
            "shorten horizon_seconds or lengthen the probe periods"
        )
    delete_at = values["delete_at_seconds"]
    if delete_at is not None and "delete_at_seconds" not in errors and "horizon_seconds" not in errors:
        if delete_at >= values["horizon_seconds"]:
            errors["delete_at_seconds"] = "must be earlier than horizon_seconds"


def scheduled_probes(values) -> int:
    """How many probes the enabled probes schedule over the horizon: one per period each (an upper bound)."""
    horizon = values["horizon_seconds"]
    return sum(horizon // probe.period + 1 for probe in (values[kind] for kind in PROBE_KINDS) if probe.enabled)
