"""Deployment rollout simulator: the deployment controller's sync loop as a discrete-event run.

A Deployment "web" runs `replicas` available pods in ReplicaSet web-old-5d8f7c9b when its pod
template changes at t=0. The run follows kubernetes pkg/controller/deployment:

- rolling.go rolloutRolling: each sync first scales the new ReplicaSet up as far as maxSurge
  allows (reconcileNewReplicaSet with util.NewRSNewReplicas); only if it did not, it scales old
  ReplicaSets down as far as maxUnavailable allows (reconcileOldReplicaSets: unhealthy pods first
  via cleanupUnhealthyReplicas, then scaleDownOldReplicaSetsForRollingUpdate).
- sync.go getNewReplicaSet: the first sync creates the new ReplicaSet already scaled
  ("Scaled up replica set ... from 0 to N") and goes on to reconcile the old ones in the same sync.
- recreate.go rolloutRecreate: scale old ReplicaSets to 0, wait until no old pod runs, then create
  the new ReplicaSet at full size.
- progress.go syncRolloutStatus / requeueStuckDeployment, sync.go calculateStatus and
  util/deployment_util.go DeploymentComplete, DeploymentProgressing, DeploymentTimedOut: the
  Available and Progressing conditions (the deadline counts from the last progress).
- util/deployment_util.go ResolveFenceposts, MaxSurge, MaxUnavailable, NewRSNewReplicas and
  apimachinery intstr GetScaledValueFromIntOrPercent: the rounding (see _rolling_params.py).

Every scale triggers another sync (the ReplicaSet update event), and so does every change of pod
readiness; pods that become ready or available at the same instant are handled as one batch.
The status a sync writes is computed from ReplicaSet status as it was when the sync started, as
the controller's informer cache would show it (the ReplicaSet controller has not yet acted on
the scale).

Speed: `_Simulation._run_rolling` inlines the driver loop and the sync for RollingUpdate (the
general methods stay the reference for each step and serve Recreate and the uncommon paths);
bench/check_engine_outputs.py found the JSON byte-identical to the code before it over 3,217 runs.

Simplifications: pods are created the moment their ReplicaSet scales up and vanish the moment it
scales down (no scheduling, image pulls or termination grace), so Recreate's wait for old pods is
instantaneous; new pods become Ready `pod_ready_seconds` after creation and Available
`min_ready_seconds` later; the progress deadline fires exactly `progress_deadline_seconds` after
the last progress (the controller requeues itself about one second after that instant).
"""

from __future__ import annotations

import gc
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from ._rolling_params import (
    DEFAULTS,
    MAX_REPLICAS,
    MAX_SECONDS,
    PARAM_NAMES,
    RECREATE,
    ROLLING_UPDATE,
    STRATEGIES,
    Params,
    is_percent,
    max_surge,
    max_unavailable,
    parse_params,
    resolve_fenceposts,
    scaled_value,
)
from .errors import ParamError

KIND = "rolling-update"
DEPLOYMENT_NAME = "web"
OLD_RS_NAME = "web-old-5d8f7c9b"
NEW_RS_NAME = "web-new-7d9f8b6c"

PROGRESSING = "Progressing"
AVAILABLE = "Available"
NEW_RS_CREATED = "NewReplicaSetCreated"
RS_UPDATED = "ReplicaSetUpdated"
NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
TIMED_OUT = "ProgressDeadlineExceeded"
MIN_AVAILABLE = "MinimumReplicasAvailable"
MIN_UNAVAILABLE = "MinimumReplicasUnavailable"

_READY, _AVAILABLE = 1, 2
_SCALED_UP_NEW = f"Scaled up replica set {NEW_RS_NAME} from "
_SCALED_DOWN_OLD = f"Scaled down replica set {OLD_RS_NAME} from "


@contextmanager
def _cyclic_gc_paused():
    """Pause the cyclic garbage collector (reference counting still frees everything).

    A large rollout allocates tens of thousands of small tuples, lists and dicts, none in a cycle;
    the collector's passes over them cost about 8% of a 10,000-replica run (bench/bench_engine_limits.py).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

_new_tuple = tuple.__new__
_READY_AND_AVAILABLE = _READY | _AVAILABLE


class Step(NamedTuple):
    """The state right after one ReplicaSet scale (or the initial state, with no event)."""

    t: int
    old: int
    new: int
    ready: int
    available: int
    event: str
    replica_set: str
    scaled_from: int
    scaled_to: int

    @property
    def total(self) -> int:
        return self.old + self.new

    def to_dict(self) -> dict:
        return {
            "t": self.t,
            "old": self.old,
            "new": self.new,
            "total": self.old + self.new,
            "ready": self.ready,
            "available": self.available,
            "event": self.event,
            "replica_set": self.replica_set,
            "from": self.scaled_from,
            "to": self.scaled_to,
        }


class Condition(NamedTuple):
    """A Deployment condition as set at time `t`, right after step number `after_step`.

    A NamedTuple rather than a frozen dataclass: a rollout that keeps missing its progress deadline
    records two conditions per pod, and a tuple is several times cheaper to build.
    """

    t: int
    type: str
    status: str
    reason: str
    message: str
    after_step: int = 0

    def to_dict(self) -> dict:
        return {
            "t": self.t,
            "type": self.type,
            "status": self.status,
            "reason": self.reason,
            "message": self.message,
            "after_step": self.after_step,
        }


@dataclass(frozen=True)
class Resolved:
    """maxSurge/maxUnavailable after rounding and the pod-count band they allow."""

    max_surge: int
    max_unavailable: int
    max_total: int
    min_available: int
    fencepost_bumped: bool

    def to_dict(self) -> dict:
        return {
            "max_surge": self.max_surge,
            "max_unavailable": self.max_unavailable,
            "max_total": self.max_total,
            "min_available": self.min_available,
            "fencepost_bumped": self.fencepost_bumped,
        }


@dataclass(frozen=True)
class Result:
    """A finished run: resolved limits, the scale steps, condition changes and the final state.

    `rows` holds each step as a plain tuple in Step's field order (cheaper to build: a 10,000-replica
    rollout has 20,000 steps); `steps` gives them as Step tuples.
    """

    strategy: str
    resolved: Resolved
    rows: tuple[tuple, ...]
    initial_conditions: tuple[Condition, ...]
    conditions: tuple[Condition, ...]
    final: dict = field(default_factory=dict)

    @cached_property
    def steps(self) -> tuple[Step, ...]:
        """The scale steps, the initial state first."""
        return tuple(map(Step._make, self.rows))

    def to_dict(self) -> dict:
        with _cyclic_gc_paused():
            return self._to_dict()

    def _to_dict(self) -> dict:
        return {
            "strategy": self.strategy,
            "deployment": DEPLOYMENT_NAME,
            "replica_sets": {"old": OLD_RS_NAME, "new": NEW_RS_NAME},
            "resolved": self.resolved.to_dict(),
            # One dict display per step (not Step.to_dict): a 10,000-replica rollout has 20,000 steps.
            "steps": [
                {"t": t, "old": old, "new": new, "total": old + new, "ready": ready, "available": available,
                 "event": event, "replica_set": replica_set, "from": scaled_from, "to": scaled_to}
                for t, old, new, ready, available, event, replica_set, scaled_from, scaled_to in self.rows
            ],
            "initial_conditions": [condition.to_dict() for condition in self.initial_conditions],
            "conditions": [condition.to_dict() for condition in self.conditions],
            "final": dict(self.final),
        }


def resolve(params: Params) -> Resolved:
    """The limits the controller works with for these parameters.

    For Recreate the controller's MaxSurge and MaxUnavailable are 0, but the strategy itself
    allows every pod to be unavailable: the band reported is 0..replicas.
    """
    replicas = params.replicas
    if not params.is_rolling:
        return Resolved(0, replicas, replicas, 0, False)
    surge = max_surge(params)
    unavailable = max_unavailable(params)
    raw_unavailable = scaled_value(_typed(params.max_unavailable), replicas, round_up=False)
    bumped = surge == 0 and raw_unavailable == 0
    return Resolved(surge, unavailable, replicas + surge, replicas - unavailable, bumped)


def _typed(value: str) -> str | int:
    return value if is_percent(value) else int(value)


class _ReplicaSet:
    """A ReplicaSet's spec size and its pods, grouped in cohorts created at the same instant."""

    __slots__ = ("name", "replicas", "cohorts", "ready", "available")

    def __init__(self, name: str, replicas: int = 0):
        self.name = name
        self.replicas = replicas
        # Each cohort is [pod count, ready?, available?]; lists so pending events see scale-downs.
        self.cohorts: list[list] = []
        self.ready = 0
        self.available = 0


class _Simulation:
    """The controller's view of one rollout; `run()` drives syncs until nothing more can happen.

    There is one old ReplicaSet, so the controller's loops over old ReplicaSets sorted by
    creation time reduce to that one.
    """

    def __init__(self, params: Params):
        self.params = params
        self.replicas = params.replicas
        self.rolling = params.is_rolling
        self.surge_for_new_rs = (
            scaled_value(_typed(params.max_surge), self.replicas, round_up=True) if self.rolling else 0
        )
        self.max_unavailable = max_unavailable(params)
        self.min_available = self.replicas - self.max_unavailable
        self.deadline = params.progress_deadline_seconds
        self.ready_delay = params.pod_ready_seconds
        self.available_delay = params.pod_ready_seconds + params.min_ready_seconds

        self.old = _ReplicaSet(OLD_RS_NAME, self.replicas)
        if self.replicas:
            self.old.cohorts.append([self.replicas, True, True])
        self.old.ready = self.old.available = self.replicas
        self.new: _ReplicaSet | None = None

        self.t = 0
        # Pods become ready (available) a fixed delay after creation, so each queue stays in time order.
        if self.ready_delay == self.available_delay:
            self.queues = ((deque(), _READY_AND_AVAILABLE),)
        else:
            self.queues = ((deque(), _READY), (deque(), _AVAILABLE))
        # Steps as plain tuples in Step's field order (Result.steps makes Step tuples on first use).
        self.steps: list[tuple] = []
        self.changes: list[Condition] = []
        self.conditions: dict[str, Condition] = {}
        self.has_min_availability = True
        self.progress_updated_at = 0
        self.status = (self.replicas, self.replicas, self.replicas, self.replicas)
        self.complete_at: int | None = None

    # --- pods and ReplicaSets -------------------------------------------------------------

    def _pods(self):
        """(total, updated, ready, available) pod counts over every ReplicaSet right now."""
        old, new = self.old, self.new
        if new is None:
            return old.replicas, 0, old.ready, old.available
        return old.replicas + new.replicas, new.replicas, old.ready + new.ready, old.available + new.available

    def _scale(self, rs: _ReplicaSet, size: int) -> bool:
        """scaleReplicaSetAndRecordEvent: resize, create or delete pods, record the event."""
        current = rs.replicas
        if size == current:
            return False
        if size > current:
            self._add_pods(rs, size - current)
            event = f"Scaled up replica set {rs.name} from {current} to {size}"
        else:
            self._remove_pods(rs, current - size)
            event = f"Scaled down replica set {rs.name} from {current} to {size}"
        rs.replicas = size
        self._record(rs, current, size, event)
        return True

    def _record(self, rs: _ReplicaSet, scaled_from: int, scaled_to: int, event: str = ""):
        old, new = self.old, self.new
        if not event:
            direction = "up" if scaled_to > scaled_from else "down"
            event = f"Scaled {direction} replica set {rs.name} from {scaled_from} to {scaled_to}"
        if new is None:
            ready, available, new_replicas = old.ready, old.available, 0
        else:
            ready, available, new_replicas = old.ready + new.ready, old.available + new.available, new.replicas
        # tuple.__new__ skips NamedTuple's Python-level __new__: one step per scale, 20,000 in the largest runs.
        self.steps.append((self.t, old.replicas, new_replicas, ready, available, event, rs.name, scaled_from, scaled_to))

    def _add_pods(self, rs: _ReplicaSet, count: int):
        cohort = [count, False, False]
        rs.cohorts.append(cohort)
        if rs is self.new and self.params.new_pods_fail:
            return
        queues = self.queues
        queues[0][0].append((self.t + self.ready_delay, rs, cohort))
        if len(queues) == 2:
            queues[1][0].append((self.t + self.available_delay, rs, cohort))

    def _remove_pods(self, rs: _ReplicaSet, count: int):
        """Delete pods the way the ReplicaSet controller prefers: not ready, then not available, newest first."""
        for wanted in ((False, False), (True, False), (True, True)):
            for cohort in reversed(rs.cohorts):
                if count == 0:
                    break
                if (cohort[1], cohort[2]) != wanted or cohort[0] == 0:
                    continue
                taken = min(count, cohort[0])
                cohort[0] -= taken
                count -= taken
                if cohort[1]:
                    rs.ready -= taken
                if cohort[2]:
                    rs.available -= taken
        if not all(cohort[0] for cohort in rs.cohorts):
            rs.cohorts = [cohort for cohort in rs.cohorts if cohort[0]]

    def _apply_pod_events(self):
        """Every pod that becomes ready or available at this instant, as one batch."""
        for queue, what in self.queues:
            while queue and queue[0][0] == self.t:
                _, rs, cohort = queue.popleft()
                count = cohort[0]
                if what & _READY and not cohort[1]:
                    cohort[1] = True
                    rs.ready += count
                if what & _AVAILABLE and not cohort[2]:
                    cohort[2] = True
                    rs.available += count

    # --- the controller ---------------------------------------------------------------------

    def _create_new_replica_set(self, size: int):
        """getNewReplicaSet for a rollout: create the ReplicaSet at `size`, set NewReplicaSetCreated."""
        self.new = _ReplicaSet(NEW_RS_NAME, 0)
        if size > 0:
            self._add_pods(self.new, size)
            self.new.replicas = size
            self._record(self.new, 0, size)
        self._set_condition(PROGRESSING, "True", NEW_RS_CREATED, f'Created new replica set "{NEW_RS_NAME}"')
        self.progress_updated_at = self.t

    def _new_rs_new_replicas(self) -> int:
        """util.NewRSNewReplicas: how big the new ReplicaSet may be now."""
        if not self.rolling:
            return self.replicas
        current_size = self.new.replicas if self.new is not None else 0
        total = self.old.replicas + current_size
        max_total = self.replicas + self.surge_for_new_rs
        if total >= max_total:
            return current_size
        return current_size + min(max_total - total, self.replicas - current_size)

    def _sync_rolling(self) -> bool:
        """rolloutRolling: scale up if we can, otherwise scale down if we can."""
        created = False
        if self.new is None:
            self._create_new_replica_set(self._new_rs_new_replicas())
            created = True
        return self._reconcile_new_replica_set() or self._reconcile_old_replica_sets() or created

    def _reconcile_new_replica_set(self) -> bool:
        new, replicas = self.new, self.replicas
        current_size = new.replicas
        if current_size == replicas:
            return False
        if current_size > replicas:
            return self._scale(new, replicas)
        # _new_rs_new_replicas inlined (it runs on every sync of a rollout).
        total = self.old.replicas + current_size
        max_total = replicas + self.surge_for_new_rs
        if total >= max_total:
            return False
        return self._scale(new, current_size + min(max_total - total, replicas - current_size))

    def _reconcile_old_replica_sets(self) -> bool:
        old, new = self.old, self.new
        if old.replicas == 0:
            return False
        all_pods = old.replicas + new.replicas
        new_unavailable = new.replicas - new.available
        max_scaled_down = all_pods - self.min_available - new_unavailable
        if max_scaled_down <= 0:
            return False
        cleaned = self._cleanup_unhealthy_replicas(max_scaled_down)
        scaled_down = self._scale_down_old_for_rolling_update()
        return cleaned + scaled_down > 0

    def _cleanup_unhealthy_replicas(self, max_cleanup: int) -> int:
        old = self.old
        if old.replicas == 0 or old.replicas == old.available:
            return 0
        count = min(max_cleanup, old.replicas - old.available)
        self._scale(old, old.replicas - count)
        return count

    def _scale_down_old_for_rolling_update(self) -> int:
        old = self.old
        available = old.available + self.new.available
        if available <= self.min_available or old.replicas == 0:
            return 0
        count = min(old.replicas, available - self.min_available)
        self._scale(old, old.replicas - count)
        return count

    def _sync_recreate(self) -> bool:
        """rolloutRecreate: old to zero, wait for old pods to go, then the new ReplicaSet at full size."""
        if self.old.replicas:
            return self._scale(self.old, 0)
        if self.old.cohorts:
            return False
        changed = False
        if self.new is None:
            self._create_new_replica_set(self.replicas)
            changed = True
        return self._scale(self.new, self.replicas) or changed

    # --- status and conditions --------------------------------------------------------------

    def _set_condition(self, kind: str, status: str, reason: str, message: str):
        current = self.conditions.get(kind)
        if current is not None and current.status == status and current.reason == reason:
            return
        condition = _new_tuple(Condition, (self.t, kind, status, reason, message, len(self.steps) - 1))
        self.conditions[kind] = condition
        self.changes.append(condition)

    def _sync_rollout_status(self, status, deadline_check: bool):
        """syncRolloutStatus with the status calculated from ReplicaSet status at the sync's start."""
        total, updated, ready, available = status
        has_min_availability = available >= self.min_available
        if has_min_availability != self.has_min_availability:
            self.has_min_availability = has_min_availability
            if has_min_availability:
                self._set_condition(AVAILABLE, "True", MIN_AVAILABLE, "Deployment has minimum availability.")
            else:
                self._set_condition(AVAILABLE, "False", MIN_UNAVAILABLE, "Deployment does not have minimum availability.")

        reason = self.conditions[PROGRESSING].reason
        if not (total == updated and reason == NEW_RS_AVAILABLE):
            replicas = self.replicas
            old_total, old_updated, old_ready, old_available = self.status
            if updated == replicas and total == replicas and available == replicas:
                self._set_condition(PROGRESSING, "True", NEW_RS_AVAILABLE, f"{self._subject()} has successfully progressed.")
                self.progress_updated_at = self.t
                if self.complete_at is None:
                    self.complete_at = self.t
            # util.DeploymentProgressing: more updated, fewer old, more ready or more available pods.
            elif (updated > old_updated or total - updated < old_total - old_updated
                  or ready > old_ready or available > old_available):
                if reason != RS_UPDATED:
                    self._set_condition(PROGRESSING, "True", RS_UPDATED, f"{self._subject()} is progressing.")
                self.progress_updated_at = self.t
            elif reason != NEW_RS_AVAILABLE and (
                reason == TIMED_OUT or deadline_check or self.t > self.progress_updated_at + self.deadline
            ):
                if reason != TIMED_OUT:
                    self.progress_updated_at = self.t
                    self._set_condition(PROGRESSING, "False", TIMED_OUT, f"{self._subject()} has timed out progressing.")
        self.status = status

    def _subject(self) -> str:
        return f'ReplicaSet "{NEW_RS_NAME}"' if self.new is not None else f'Deployment "{DEPLOYMENT_NAME}"'

    def _settle(self, *, deadline_check: bool = False):
        """Sync until a sync changes nothing: every scale triggers the next sync.

        Each sync takes the status from ReplicaSet status at its start, runs the rollout, then
        syncRolloutStatus. RollingUpdate runs use `_run_rolling`, which inlines this loop.
        """
        while True:
            status = self._pods()
            changed = self._sync_rolling() if self.rolling else self._sync_recreate()
            self._sync_rollout_status(status, deadline_check)
            if not changed:
                return
            deadline_check = False

    def _run_rolling(self):
        """`run`'s loop for RollingUpdate with `_settle` and `_apply_pod_events` inlined (same steps, same order).

        What a one-pod-at-a-time rollout does twice per pod is inlined from _sync_rolling, _scale,
        _add_pods, _remove_pods, _record and _sync_rollout_status (a 10,000-replica rollout runs it
        30,000 times); anything less common goes through those methods.
        """
        old, replicas, min_available = self.old, self.replicas, self.min_available
        max_total = replicas + self.surge_for_new_rs
        scale, sync_rollout_status = self._scale, self._sync_rollout_status
        t, conditions, append_step = self.t, self.conditions, self.steps.append
        ready_queue = self.queues[0][0]
        available_queue = self.queues[1][0] if len(self.queues) == 2 else None
        ready_delay, available_delay = self.ready_delay, self.available_delay
        new_pods_fail = self.params.new_pods_fail
        deadline = self.deadline
        deadline_check = False
        while True:
            while True:
                new = self.new
                if new is None:
                    status = (old.replicas, 0, old.ready, old.available)
                    changed = self._sync_rolling()
                else:
                    # _sync_rolling with the new ReplicaSet in place: reconcileNewReplicaSet (as
                    # _reconcile_new_replica_set), and only if it did not scale, reconcileOldReplicaSets
                    # (as _reconcile_old_replica_sets, _cleanup_unhealthy_replicas, _scale_down_old_for_rolling_update).
                    status = (old.replicas + new.replicas, new.replicas, old.ready + new.ready,
                              old.available + new.available)
                    current_size = new.replicas
                    changed = False
                    if current_size > replicas:
                        changed = scale(new, replicas)
                    elif current_size < replicas:
                        total = old.replicas + current_size
                        if total < max_total:
                            size = current_size + min(max_total - total, replicas - current_size)
                            cohort = [size - current_size, False, False]
                            new.cohorts.append(cohort)
                            if not new_pods_fail:
                                ready_queue.append((t + ready_delay, new, cohort))
                                if available_queue is not None:
                                    available_queue.append((t + available_delay, new, cohort))
                            new.replicas = size
                            append_step((
                                t, old.replicas, size, old.ready + new.ready, old.available + new.available,
                                f"{_SCALED_UP_NEW}{current_size} to {size}", NEW_RS_NAME,
                                current_size, size))
                            changed = True
                    if not changed and old.replicas:
                        max_scaled_down = old.replicas + new.replicas - min_available - (new.replicas - new.available)
                        if max_scaled_down > 0:
                            if old.replicas != old.available:
                                changed = scale(old, old.replicas - min(max_scaled_down, old.replicas - old.available))
                            available = old.available + new.available
                            if available > min_available and old.replicas:
                                current = old.replicas
                                size = current - min(current, available - min_available)
                                cohorts = old.cohorts
                                if len(cohorts) == 1 and cohorts[0][1] and cohorts[0][2]:
                                    # Every old pod is ready and available: _remove_pods takes them from the one cohort.
                                    cohorts[0][0] -= current - size
                                    old.ready -= current - size
                                    old.available -= current - size
                                    if not cohorts[0][0]:
                                        old.cohorts = []
                                    old.replicas = size
                                    append_step((
                                        t, size, new.replicas, old.ready + new.ready, old.available + new.available,
                                        f"{_SCALED_DOWN_OLD}{current} to {size}", OLD_RS_NAME,
                                        current, size))
                                    changed = True
                                else:
                                    changed = scale(old, size) or changed
                total, updated, ready, available = status
                if (new is not None and (available >= min_available) == self.has_min_availability
                        and conditions[PROGRESSING].reason == RS_UPDATED
                        and not (updated == replicas and total == replicas and available == replicas)):
                    old_total, old_updated, old_ready, old_available = self.status
                    if (updated > old_updated or total - updated < old_total - old_updated
                            or ready > old_ready or available > old_available):
                        # syncRolloutStatus when it only records progress (no condition changes).
                        self.progress_updated_at = t
                        self.status = status
                    else:
                        sync_rollout_status(status, deadline_check)
                else:
                    sync_rollout_status(status, deadline_check)
                if not changed:
                    break
                deadline_check = False
            reason = conditions[PROGRESSING].reason
            deadline_at = None if reason in (NEW_RS_AVAILABLE, TIMED_OUT) else self.progress_updated_at + deadline
            pod_event_at = ready_queue[0][0] if ready_queue else None
            if available_queue and (pod_event_at is None or available_queue[0][0] < pod_event_at):
                pod_event_at = available_queue[0][0]
            if pod_event_at is not None and (deadline_at is None or pod_event_at <= deadline_at):
                t = self.t = pod_event_at
                if available_queue is None:
                    # _apply_pod_events, inlined for the usual single queue (ready and available together).
                    while ready_queue and ready_queue[0][0] == t:
                        _, rs, cohort = ready_queue.popleft()
                        if not cohort[1]:
                            cohort[1] = True
                            rs.ready += cohort[0]
                        if not cohort[2]:
                            cohort[2] = True
                            rs.available += cohort[0]
                else:
                    self._apply_pod_events()
                deadline_check = False
            elif deadline_at is not None:
                t = self.t = deadline_at
                deadline_check = True
            else:
                return

    def _deadline_pending(self) -> int | None:
        reason = self.conditions[PROGRESSING].reason
        if reason in (NEW_RS_AVAILABLE, TIMED_OUT):
            return None
        return self.progress_updated_at + self.deadline

    # --- driver -----------------------------------------------------------------------------

    def run(self) -> Result:
        self.steps.append((0, self.replicas, 0, self.replicas, self.replicas, "", "", 0, 0))
        initial = (
            Condition(0, AVAILABLE, "True", MIN_AVAILABLE, "Deployment has minimum availability."),
            Condition(0, PROGRESSING, "True", NEW_RS_AVAILABLE, f'ReplicaSet "{OLD_RS_NAME}" has successfully progressed.'),
        )
        self.conditions = {condition.type: condition for condition in initial}
        if self.rolling:
            self._run_rolling()
            return self._result(initial)
        self._settle()
        queues = tuple(queue for queue, _ in self.queues)
        while True:
            deadline_at = self._deadline_pending()
            pod_event_at = None
            for queue in queues:
                if queue and (pod_event_at is None or queue[0][0] < pod_event_at):
                    pod_event_at = queue[0][0]
            if pod_event_at is not None and (deadline_at is None or pod_event_at <= deadline_at):
                self.t = pod_event_at
                self._apply_pod_events()
                self._settle()
            elif deadline_at is not None:
                self.t = deadline_at
                self._settle(deadline_check=True)
            else:
                break
        return self._result(initial)

    def _result(self, initial) -> Result:
        return Result(
            strategy=self.params.strategy,
            resolved=resolve(self.params),
            rows=tuple(self.steps),
            initial_conditions=initial,
            conditions=tuple(self.changes),
            final=self._final(),
        )

    def _final(self) -> dict:
        total, updated, ready, available = self._pods()
        progressing = self.conditions[PROGRESSING]
        if progressing.reason == NEW_RS_AVAILABLE:
            outcome = "complete"
        elif progressing.reason == TIMED_OUT:
            outcome = "progress_deadline_exceeded"
        else:
            outcome = "in_progress"
        return {
            "t": self.t,
            "old": total - updated,
            "new": updated,
            "total": total,
            "ready": ready,
            "available": available,
            "outcome": outcome,
            "complete_at": self.complete_at,
        }


def simulate(params: Params) -> Result:
    """Run the rollout for validated params; deterministic."""
    with _cyclic_gc_paused():
        return _Simulation(params).run()


__all__ = [
    "DEFAULTS",
    "KIND",
    "MAX_REPLICAS",
    "MAX_SECONDS",
    "NEW_RS_NAME",
    "OLD_RS_NAME",
    "PARAM_NAMES",
    "RECREATE",
    "ROLLING_UPDATE",
    "STRATEGIES",
    "Condition",
    "ParamError",
    "Params",
    "Resolved",
    "Result",
    "Step",
    "is_percent",
    "max_surge",
    "max_unavailable",
    "parse_params",
    "resolve",
    "resolve_fenceposts",
    "scaled_value",
    "simulate",
]
