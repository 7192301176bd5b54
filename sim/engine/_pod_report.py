"""What a pod lifecycle run reports: events, phases, conditions, the kubectl STATUS column.

The STATUS/READY/RESTARTS logic follows kubectl's pod printer
(pkg/printers/internalversion/printers.go, printPod) and its durations follow
apimachinery's duration.HumanDuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

POD_NAME = "demo"


def human_duration(seconds: int) -> str:
    """A duration as kubectl prints an AGE (apimachinery duration.HumanDuration)."""
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        rest = seconds % 60
        return f"{minutes}m" if rest == 0 else f"{minutes}m{rest}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = seconds // 3600
    rest_minutes = minutes % 60
    if hours < 8:
        return f"{hours}h" if rest_minutes == 0 else f"{hours}h{rest_minutes}m"
    return f"{hours}h"


def go_duration(seconds: int) -> str:
    """Whole seconds as Go's time.Duration prints them (75 -> 1m15s)."""
    if seconds < 60:
        return f"{seconds}s"
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{rest}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes}m{rest}s"


@dataclass
class Recorder:
    """Collects the run's observable history; merges repeated probe and back-off events like kubectl."""

    horizon: int
    events: list = field(default_factory=list)
    phases: list = field(default_factory=list)
    conditions: list = field(default_factory=list)
    status_column: list = field(default_factory=list)
    lanes: list = field(default_factory=list)
    probe_runs: list = field(default_factory=list)
    endpoints: list = field(default_factory=list)
    terminations: list = field(default_factory=list)
    restart_log: list = field(default_factory=list)
    _mergeable: dict = field(default_factory=dict)
    _condition_state: dict = field(default_factory=dict)
    _open_lane: dict = field(default_factory=dict)
    _open_probe_run: dict = field(default_factory=dict)
    _endpoint_since: int | None = None

    def event(
        self, t, reason, message, *, container="", level="Normal", source="kubelet", repeatable=False, count=1, last_t=None
    ):
        """Record an event; a repeat of a repeatable event (probe failure, back-off) only raises its count.

        A repeat merges into the earlier row as long as no other kind of event came in between,
        the way `kubectl describe` shows "(x5 over 50s)".
        """
        if t > self.horizon:
            return
        last_t = t if last_t is None else min(last_t, self.horizon)
        key = (reason, container, message)
        if repeatable:
            index = self._mergeable.get(key)
            if index is not None:
                row = self.events[index]
                row["count"] += count
                row["last_t"] = last_t
                return
        else:
            self._mergeable.clear()
        self.events.append(
            {
                "t": t,
                "type": reason,
                "level": level,
                "container": container,
                "message": message,
                "count": count,
                "last_t": last_t,
                "source": source,
            }
        )
        if repeatable:
            self._mergeable[key] = len(self.events) - 1

    def add_to_open_event(self, reason, container, message, *, count, last_t):
        """Add repeats to an open mergeable event (used when whole stretches of probes are skipped)."""
        index = self._mergeable.get((reason, container, message))
        if index is None or count <= 0:
            return False
        row = self.events[index]
        if last_t > self.horizon:
            return True
        row["count"] += count
        row["last_t"] = last_t
        return True

    def phase(self, t, phase):
        if t > self.horizon:
            return
        if not self.phases or self.phases[-1]["phase"] != phase:
            self.phases.append({"t": t, "phase": phase})

    def condition(self, t, kind, status, reason=""):
        if t > self.horizon:
            return
        if self._condition_state.get(kind) == status:
            return
        self._condition_state[kind] = status
        self.conditions.append({"t": t, "type": kind, "status": status, "reason": reason})

    def status_line(self, t, *, ready, status, restarts, last_restart):
        if t > self.horizon:
            return
        restarts_text = str(restarts)
        if restarts and last_restart is not None:
            restarts_text = f"{restarts} ({human_duration(t - last_restart)} ago)"
        line = {"t": t, "name": POD_NAME, "ready": ready, "status": status, "restarts": restarts}
        previous = self.status_column[-1] if self.status_column else None
        if previous and all(previous[k] == line[k] for k in ("ready", "status", "restarts")):
            return
        line["restarts_text"] = restarts_text
        line["age"] = human_duration(t)
        self.status_column.append(line)

    def lane(self, t, container, state, detail="", exit_code=None):
        """Start a new segment of a container's swimlane (closing the previous one)."""
        if t > self.horizon:
            return
        current = self._open_lane.get(container)
        if current is not None:
            if (current["state"], current["detail"], current["exit_code"]) == (state, detail, exit_code):
                return
            current["to"] = t
            if current["to"] == current["from"] and current["state"] != "terminated":
                self.lanes.remove(current)
        segment = {"container": container, "from": t, "to": None, "state": state, "detail": detail, "exit_code": exit_code}
        self.lanes.append(segment)
        self._open_lane[container] = segment

    def probe_result(self, t, probe, result, *, count=1, last_t=None):
        """Extend the run of identical probe outcomes for one probe, or start a new run."""
        if t > self.horizon:
            return
        last_t = t if last_t is None else min(last_t, self.horizon)
        run = self._open_probe_run.get(probe)
        if run is not None and run["result"] == result:
            run["to"] = last_t
            run["count"] += count
            return
        run = {"probe": probe, "from": t, "to": last_t, "result": result, "count": count}
        self.probe_runs.append(run)
        self._open_probe_run[probe] = run

    def break_probe_run(self, probe):
        """A new container instance starts a new run even if the outcome is the same."""
        self._open_probe_run.pop(probe, None)

    def in_endpoints(self, t, member):
        if t > self.horizon:
            return
        if member and self._endpoint_since is None:
            if self.endpoints and self.endpoints[-1]["to"] == t:
                self._endpoint_since = self.endpoints.pop()["from"]
            else:
                self._endpoint_since = t
        elif not member and self._endpoint_since is not None:
            if t > self._endpoint_since:
                self.endpoints.append({"from": self._endpoint_since, "to": t})
            self._endpoint_since = None

    def close(self, end):
        """Close every open interval at the end of the run."""
        for segment in self._open_lane.values():
            if segment["to"] is None:
                segment["to"] = end
        self.lanes = [s for s in self.lanes if s["to"] > s["from"] or s["state"] == "terminated"]
        if self._endpoint_since is not None and end > self._endpoint_since:
            self.endpoints.append({"from": self._endpoint_since, "to": end})
        self._endpoint_since = None
        self.events.sort(key=lambda row: row["t"])


@dataclass
class Result:
    """The outcome of a run; to_dict() is the JSON API contract."""

    horizon_seconds: int
    events: list
    phases: list
    conditions: list
    status_column: list
    restarts: int
    restart_delays: list
    restart_log: list
    container_states: list
    probe_runs: list
    endpoints: list
    terminations: list
    removed_at: int | None
    containers: list
    app_health: list
    final: dict

    def to_dict(self) -> dict:
        return {
            "pod": POD_NAME,
            "horizon_seconds": self.horizon_seconds,
            "events": self.events,
            "phases": self.phases,
            "conditions": self.conditions,
            "status_column": self.status_column,
            "restarts": self.restarts,
            "restart_delays": self.restart_delays,
            "restart_log": self.restart_log,
            "containers": self.containers,
            "container_states": self.container_states,
            "app_health": self.app_health,
            "probe_runs": self.probe_runs,
            "endpoints": self.endpoints,
            "terminations": self.terminations,
            "removed_at": self.removed_at,
            "final": self.final,
        }
