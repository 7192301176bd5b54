"""The kubelet running one pod: an event-driven simulation in whole seconds.

Rules and constants follow the Kubernetes source (v1.34-v1.36, default feature gates):

- pkg/kubelet/kubelet.go: crash-loop back-off starts at 10 s (initialCrashLoopBackOff), doubles and
  is capped at 300 s (MaxContainerBackOff); the entry expires when `eventTime - lastUpdate > 600 s`
  (crashLoopBackOff.HasExpiredFunc) and housekeeping GCs it on the same rule. Image pulls back off
  from 10 s (imageBackOffPeriod) to 300 s (MaxImageBackOff). A failed sync is retried after 10 s
  (backOffPeriod), which is when BackOff events repeat. ReduceDefaultCrashLoopBackOffDecay
  (1 s -> 60 s) is alpha and off by default; KubeletCrashLoopBackOffMax is beta since 1.35 but its
  maxContainerRestartPeriod defaults to the same 300 s. Neither changes the defaults modelled here.
- pkg/kubelet/kuberuntime/kuberuntime_manager.go (computePodActions, doBackOff): the first restart
  is immediate because no back-off entry exists yet; `IsInBackOffSince(key, finishedAt)` uses the
  newest *exited* instance, so a liveness kill, which kills and restarts in one sync, is checked
  against the previous exit. Liveness/startup failures restart the container unless restartPolicy
  is Never.
- kuberuntime_container.go (killContainer, executePreStopHook): preStop runs inside the grace
  period, the grace left after it is floored at minimumGracePeriodInSeconds = 2, then SIGTERM,
  then SIGKILL when that runs out. pkg/kubelet/pod_workers.go gives deletions at least 1 s.
- pkg/kubelet/prober/worker.go: workers tick every periodSeconds from pod admission, skip until
  initialDelaySeconds after the container started, liveness/readiness wait for the startup probe,
  results change only after successThreshold/failureThreshold identical results in a row, a
  liveness or startup verdict puts the worker on hold until the next container, and on deletion
  liveness/startup stop. prober_manager.go UpdatePodStatus triggers an immediate readiness probe
  whenever the kubelet syncs a started, not-ready container (and the ticker restarts from there).
- pkg/kubelet/kubelet_pods.go getPhase: the pod phase from container states and restartPolicy.

Simplifications: the kubelet's sub-second PLEG and jittered resync delays are rounded away (a
restart happens exactly when its back-off ends); the 60-90 s periodic resync is not modelled; a
probe's outcome is decided by the app's state when the probe starts; init containers and an app
that handles SIGTERM exit at once / with code 0.
"""

from __future__ import annotations

import heapq
import math

from ._pod_params import PROBE_KINDS, Params
from ._pod_report import POD_NAME, Recorder, Result, go_duration

CRASH_BACKOFF_INITIAL = 10
CRASH_BACKOFF_MAX = 300
CRASH_BACKOFF_EXPIRY = 600
IMAGE_BACKOFF_INITIAL = 10
IMAGE_BACKOFF_MAX = 300
IMAGE_BACKOFF_EXPIRY = 2 * IMAGE_BACKOFF_MAX
SYNC_RETRY_SECONDS = 10
MINIMUM_GRACE_SECONDS = 2
MINIMUM_DELETION_GRACE_SECONDS = 1
SIGKILL_EXIT_CODE = 137
SIGTERM_EXIT_CODE = 143

APP = "app"
APP_IMAGE = "registry.example.com/shop/api:1.4.2"
INIT_IMAGE = "busybox:1.36"
POD_IP = "10.244.1.7"
PROBE_PATHS = {"startup": "/healthz", "liveness": "/healthz", "readiness": "/ready"}
INITIAL_RESULTS = {"startup": "unknown", "liveness": "success", "readiness": "failure"}
LIFECYCLE = 0
PROBE_PRIORITY = {kind: index + 1 for index, kind in enumerate(PROBE_KINDS)}
NEVER = 10**12


class _CrashBackOff:
    """flowcontrol.Backoff as the kubelet configures it for container restarts."""

    def __init__(self):
        self.backoff = None
        self.last_update = None

    def _entry_alive(self, now):
        return self.backoff is not None and now - self.last_update <= CRASH_BACKOFF_EXPIRY

    def in_backoff(self, *, finished_at, now):
        if not self._entry_alive(now) or finished_at - self.last_update > CRASH_BACKOFF_EXPIRY:
            return False
        return now - finished_at < self.backoff

    def advance(self, *, finished_at, now):
        if not self._entry_alive(now) or finished_at - self.last_update > CRASH_BACKOFF_EXPIRY:
            self.backoff = CRASH_BACKOFF_INITIAL
        else:
            self.backoff = min(self.backoff * 2, CRASH_BACKOFF_MAX)
        self.last_update = now

    def retry_at(self, finished_at):
        """The first pod resync (every 10 s after the exit) that finds the back-off over."""
        step = 1
        while self.in_backoff(finished_at=finished_at, now=finished_at + SYNC_RETRY_SECONDS * step):
            step += 1
        return finished_at + SYNC_RETRY_SECONDS * step


class _ImageBackOff:
    """The image manager's per-image back-off (IsInBackOffSinceUpdate)."""

    def __init__(self):
        self.backoff = None
        self.last_update = None

    def _entry_alive(self, now):
        return self.backoff is not None and now - self.last_update <= IMAGE_BACKOFF_EXPIRY

    def in_backoff(self, now):
        return self._entry_alive(now) and now - self.last_update < self.backoff

    def advance(self, now):
        if self._entry_alive(now):
            self.backoff = min(self.backoff * 2, IMAGE_BACKOFF_MAX)
        else:
            self.backoff = IMAGE_BACKOFF_INITIAL
        self.last_update = now


class _Container:
    """One container as the runtime runs it and as the API status shows it."""

    def __init__(self, name, kind, image, default_reason):
        self.name = name
        self.kind = kind
        self.image = image
        self.instance = 0
        self.restart_count = 0
        self.runtime_running = False
        self.status_running = False
        self.started_at = None
        self.finished_at = None
        self.previous_finished_at = None
        self.started = False
        self.ready = False
        self.results = dict(INITIAL_RESULTS)
        self.killing = None
        self.kill_token = 0
        self.wait_token = 0
        self.backoff = _CrashBackOff()
        self.api_state = "waiting"
        self.api_reason = default_reason
        self.api_exit_code = None
        self.last_terminated = None

    def api_waiting(self, reason):
        if self.api_state == "terminated":
            self.last_terminated = {"exit_code": self.api_exit_code, "reason": self.api_reason, "finished_at": self.finished_at}
        self.api_state, self.api_reason, self.api_exit_code = "waiting", reason, None

    def api_running(self):
        if self.api_state == "terminated":
            self.last_terminated = {"exit_code": self.api_exit_code, "reason": self.api_reason, "finished_at": self.finished_at}
        self.api_state, self.api_reason, self.api_exit_code = "running", "", None

    def api_terminated(self, reason, exit_code):
        self.api_state, self.api_reason, self.api_exit_code = "terminated", reason, exit_code


class _Timer:
    __slots__ = ("alive", "action", "args", "owner")

    def __init__(self, action, args, owner=None):
        self.alive = True
        self.action = action
        self.args = args
        self.owner = owner


class _ProbeWorker:
    """One prober worker (pkg/kubelet/prober/worker.go) for the app container."""

    def __init__(self, sim, kind, spec):
        self.sim = sim
        self.kind = kind
        self.title = kind.capitalize()
        self.spec = spec
        self.period = spec.period
        self.origin = 0
        self.last_result = "success"
        self.result_run = 0
        self.on_hold = False
        self.instance = 0
        self.stopped = False
        self.inflight = None
        self.pending_manual = False
        self.finishing = False
        self.steady = False
        self.timer = None
        self._event_messages = {}

    def _schedule(self, t, action):
        if self.timer is not None:
            self.timer.alive = False
        self.timer = self.sim.schedule(t, PROBE_PRIORITY[self.kind], action, owner=self)

    def _sleep(self):
        if self.timer is not None:
            self.timer.alive = False
            self.timer = None

    def _first_tick_at_or_after(self, t):
        if t <= self.origin:
            return self.origin
        return self.origin + -(-(t - self.origin) // self.period) * self.period

    def _next_invocation(self, start, finish):
        tick = self.origin + ((start - self.origin) // self.period + 1) * self.period
        return finish if tick <= finish else tick

    def wake(self, t, *, manual=False):
        """Resume probing at the next tick, or at once for a manual (readiness) trigger."""
        if self.stopped:
            return
        self.steady = False
        if manual and (self.inflight is not None or self.finishing):
            self.pending_manual = True
            return
        if self.inflight is not None:
            return
        if manual:
            self.origin = t
            self._schedule(t, self.invoke)
        elif self.timer is None or not self.timer.alive:
            self._schedule(self._first_tick_at_or_after(t), self.invoke)

    def stop(self):
        self.stopped = True
        self.steady = False
        self._sleep()

    def invoke(self):
        """doProbe: decide whether to probe now, then probe."""
        sim, app, t = self.sim, self.sim.app, self.sim.now
        self.timer = None
        self.steady = False
        if self.stopped or sim.pod_terminal:
            self.stopped = True
            return
        if app.instance == 0:
            return
        if self.instance != app.instance:
            self.instance = app.instance
            self.on_hold = False
        if self.on_hold or not app.status_running:
            return
        if sim.deleting and self.kind in ("liveness", "startup"):
            self.stop()
            sim.quiet_probe_on_deletion(self.kind)
            return
        if t - app.started_at < self.spec.initial_delay:
            self._schedule(self._first_tick_at_or_after(app.started_at + self.spec.initial_delay), self.invoke)
            return
        if self.kind == "startup" and app.started:
            return
        if self.kind != "startup" and not app.started:
            return
        result, duration, message = sim.probe_app(self.kind, t)
        if duration == 0:
            self._finish(t, t, result, message)
        else:
            self.inflight = (t, t + duration, result, message, app.instance)
            self._schedule(t + duration, self.complete)

    def complete(self):
        start, finish, result, message, instance = self.inflight
        self.inflight = None
        self.timer = None
        self.steady = False
        app = self.sim.app
        if self.stopped:
            return
        if instance != app.instance or not app.runtime_running:
            self._after_probe(start, finish, result, 0)
            return
        self._finish(start, finish, result, message)

    def _finish(self, start, finish, result, message):
        sim, rec = self.sim, self.sim.rec
        rec.probe_result(finish, self.kind, result)
        event_message = self._event_messages.get(message)
        if event_message is None:
            event_message = self._event_messages[message] = f"{self.title} probe failed: {message}"
        if result == "failure":
            rec.event(finish, "Unhealthy", event_message, container=APP, level="Warning", repeatable=True)
        if result == self.last_result:
            self.result_run += 1
        else:
            self.last_result, self.result_run = result, 1
        threshold = self.spec.failure_threshold if result == "failure" else self.spec.success_threshold
        if self.result_run >= threshold:
            changed = sim.app.results[self.kind] != result
            sim.app.results[self.kind] = result
            if self.kind == "startup" or (self.kind == "liveness" and result == "failure"):
                self.on_hold, self.result_run = True, 0
            if changed:
                self.finishing = True
                sim.probe_result_changed(self.kind, result)
                self.finishing = False
        if self.on_hold or self.stopped:
            self.pending_manual = False
            return
        self._after_probe(start, finish, result, finish - start, event_message)

    def _after_probe(self, start, finish, result, duration, event_message=None):
        if self.pending_manual:
            self.pending_manual = False
            self.origin = finish
            self._schedule(finish, self.invoke)
            return
        upcoming = self._next_invocation(start, finish)
        if event_message is not None:
            upcoming = self._skip_steady_stretch(start, upcoming, result, duration, event_message)
        self._schedule(upcoming, self.invoke)

    def _skip_steady_stretch(self, start, upcoming, result, duration, event_message):
        """Account for every probe before the next change at once when their outcome cannot matter.

        Once the same result has been seen at least threshold times in a row, more of it changes
        nothing but the counters, so probes up to the app's next state change (or any other
        scheduled event that is not itself a steady probe) are counted arithmetically instead of
        one by one.
        """
        threshold = self.spec.failure_threshold if result == "failure" else self.spec.success_threshold
        sim = self.sim
        if self.result_run < threshold or sim.app.results[self.kind] != result:
            return upcoming
        if duration >= self.period:
            spacing = duration
        elif upcoming > start + duration and (upcoming - self.origin) % self.period == 0:
            spacing = self.period
        else:
            return upcoming
        app_change = sim.app_change_after(start)
        boundary = min(sim.next_unsteady_event_time(), sim.rec.horizon + 1)
        by_app = -(-(app_change - upcoming) // spacing) if app_change > upcoming else 0
        by_event = -(-(boundary - duration - upcoming) // spacing) if boundary - duration > upcoming else 0
        count = min(by_app, by_event)
        if count <= 0:
            return upcoming
        # This worker's next probe is steady too (other workers may skip past it) only if the app has not
        # changed by then: a stretch cut short by the app's change ends in a probe that may see it.
        self.steady = count < by_app
        last_finish = upcoming + (count - 1) * spacing + duration
        self.result_run += count
        sim.rec.probe_result(upcoming + duration, self.kind, result, count=count, last_t=last_finish)
        if result == "failure":
            if not sim.rec.add_to_open_event("Unhealthy", APP, event_message, count=count, last_t=last_finish):
                sim.rec.event(
                    upcoming + duration, "Unhealthy", event_message, container=APP, level="Warning",
                    repeatable=True, count=count, last_t=last_finish,
                )
        return upcoming + count * spacing


class PodSimulation:
    """Runs one pod under the kubelet's rules for params.horizon_seconds."""

    def __init__(self, params: Params):
        self.p = params
        self.rec = Recorder(horizon=params.horizon_seconds)
        self.heap = []
        self.seq = 0
        self.now = 0
        default_reason = "PodInitializing" if params.init_containers else "ContainerCreating"
        self.inits = [
            _Container(f"init-{index + 1}", "init", INIT_IMAGE, default_reason) for index in range(params.init_containers)
        ]
        self.app = _Container(APP, "app", APP_IMAGE, default_reason)
        self.workers = {
            kind: _ProbeWorker(self, kind, params.probe(kind)) for kind in PROBE_KINDS if params.probe(kind).enabled
        }
        self.deleting = False
        self.pod_terminal = False
        self.pod_is_terminal_after_kill = False
        self.removed_at = None
        self.end_time = None
        self.initialized = params.init_containers == 0
        self.image_present = False
        self.image_backoff = _ImageBackOff()
        self.pull_token = 0
        self.restart_delays = []
        self.health_intervals = []
        self._probe_answers = {}

    # -- scheduling -----------------------------------------------------------------------

    def schedule(self, t, priority, action, *args, owner=None):
        timer = _Timer(action, args, owner)
        self.seq += 1
        heapq.heappush(self.heap, (t, priority, self.seq, timer))
        return timer

    def next_unsteady_event_time(self):
        """The time of the next live event that could change anything (steady probes cannot)."""
        heap = self.heap
        while heap and not heap[0][3].alive:
            heapq.heappop(heap)
        times = [t for t, _, _, timer in heap if timer.alive and not (timer.owner is not None and timer.owner.steady)]
        return min(times) if times else NEVER

    def run(self) -> Result:
        self._begin()
        horizon = self.p.horizon_seconds
        while self.heap:
            t, _, _, timer = heapq.heappop(self.heap)
            if not timer.alive:
                continue
            if t > horizon or self.end_time is not None:
                break
            self.now = t
            timer.alive = False
            timer.action(*timer.args)
        return self._result()

    # -- the app as a black box -------------------------------------------------------------

    def probe_app(self, kind, t):
        """(result, seconds until the result, output) of an HTTP probe started at t."""
        state = self._app_state(t - self.app.started_at)
        # One answer per (probe, state), built once: a 2-hour run with 1 s probes asks up to ~20,000 times.
        answer = self._probe_answers.get((kind, state))
        if answer is None:
            url = f'Get "http://{POD_IP}:8080{PROBE_PATHS[kind]}"'
            if state == "hung":
                timeout = self.p.probe(kind).timeout
                answer = "failure", timeout, f"{url}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
            elif state == "starting":
                answer = "failure", 0, f"{url}: dial tcp {POD_IP}:8080: connect: connection refused"
            else:
                answer = "success", 0, ""
            self._probe_answers[(kind, state)] = answer
        return answer

    def app_change_after(self, t):
        """The next moment after t at which the app's answers to probes change."""
        p, started = self.p, self.app.started_at
        boundaries = [p.start_seconds, p.hang_at_seconds, p.recover_at_seconds]
        later = [started + b for b in boundaries if b is not None and started + b > t]
        return min(later) if later else NEVER

    def _natural_end(self):
        """(seconds after start, exit code, reason) of the app's own exit or OOM kill, or None."""
        p = self.p
        candidates = []
        if p.oom_kills:
            ramp = p.start_seconds if p.memory_ramp_seconds is None else p.memory_ramp_seconds
            candidates.append((math.ceil(ramp * p.memory_limit_mi / p.memory_use_mi), 0, SIGKILL_EXIT_CODE, "OOMKilled"))
        if p.exit_after_seconds is not None:
            reason = "Completed" if p.exit_code == 0 else "Error"
            candidates.append((p.exit_after_seconds, 1, p.exit_code, reason))
        if not candidates:
            return None
        seconds, _, code, reason = min(candidates)
        return seconds, code, reason

    # -- pod start --------------------------------------------------------------------------

    def _begin(self):
        rec = self.rec
        rec.event(0, "Scheduled", f"Successfully assigned default/{POD_NAME} to node-1", source="default-scheduler")
        rec.phase(0, "Pending")
        rec.condition(0, "PodScheduled", "True")
        rec.status_line(0, ready="0/1", status="Pending", restarts=0, last_restart=None)
        rec.condition(0, "PodReadyToStartContainers", "True")
        rec.condition(0, "Initialized", "True" if self.initialized else "False", "" if self.initialized else "ContainersNotInitialized")
        rec.condition(0, "ContainersReady", "False", "ContainersNotReady")
        rec.condition(0, "Ready", "False", "ContainersNotReady")
        for container in [*self.inits, self.app]:
            rec.lane(0, container.name, "waiting", container.api_reason)
        if self.p.delete_at_seconds is not None:
            self.schedule(self.p.delete_at_seconds, LIFECYCLE, self._delete)
        if self.inits:
            self._start_instance(self.inits[0], 0)
        else:
            self._start_app(0)
        self._observe(0)

    def _start_app(self, t):
        if self.image_present:
            self._start_instance(self.app, t)
        else:
            self._pull(t)

    def _pull(self, t):
        self.pull_token += 1
        self.rec.event(t, "Pulling", f'Pulling image "{APP_IMAGE}"', container=APP)
        self.rec.lane(t, APP, "waiting", "Pulling image")
        self.schedule(t + self.p.image_pull_seconds, LIFECYCLE, self._pull_done, self.pull_token)

    def _pull_done(self, token):
        t, rec = self.now, self.rec
        if token != self.pull_token:
            return
        if self.p.image_pull_fails:
            rec.event(
                t, "Failed",
                f'Failed to pull image "{APP_IMAGE}": rpc error: code = NotFound desc = failed to pull and unpack image '
                f'"{APP_IMAGE}": failed to resolve reference "{APP_IMAGE}": {APP_IMAGE}: not found',
                container=APP, level="Warning",
            )
            rec.event(t, "Failed", "Error: ErrImagePull", container=APP, level="Warning")
            self.image_backoff.advance(t)
            self.app.api_waiting("ErrImagePull")
            rec.lane(t, APP, "waiting", "ErrImagePull")
            self.schedule(t + SYNC_RETRY_SECONDS, LIFECYCLE, self._image_sync, token)
            self._observe(t)
            return
        seconds = self.p.image_pull_seconds
        rec.event(
            t, "Pulled",
            f'Successfully pulled image "{APP_IMAGE}" in {go_duration(seconds)} ({go_duration(seconds)} including waiting). '
            "Image size: 48213551 bytes.",
            container=APP,
        )
        self.image_present = True
        self._start_instance(self.app, t, announce_image=False)

    def _image_sync(self, token):
        t, rec = self.now, self.rec
        if token != self.pull_token:
            return
        if self.image_backoff.in_backoff(t):
            rec.event(t, "BackOff", f'Back-off pulling image "{APP_IMAGE}"', container=APP, repeatable=True)
            rec.event(t, "Failed", "Error: ImagePullBackOff", container=APP, level="Warning", repeatable=True)
            self.app.api_waiting("ImagePullBackOff")
            rec.lane(t, APP, "waiting", "ImagePullBackOff")
            self.schedule(t + SYNC_RETRY_SECONDS, LIFECYCLE, self._image_sync, token)
            self._observe(t)
        else:
            self._pull(t)

    # -- containers -------------------------------------------------------------------------

    def _start_instance(self, container, t, *, announce_image=True):
        """Create and start a new instance of a container (a restart if it ran before)."""
        rec = self.rec
        if announce_image:
            rec.event(t, "Pulled", f'Container image "{container.image}" already present on machine', container=container.name)
        rec.event(t, "Created", f"Created container: {container.name}", container=container.name)
        rec.event(t, "Started", f"Started container {container.name}", container=container.name)
        if container.instance:
            container.restart_count += 1
        container.instance += 1
        container.runtime_running = True
        container.status_running = False
        container.started_at = t
        container.killing = None
        container.ready = False
        container.results = dict(INITIAL_RESULTS)
        instance = container.instance
        if container.kind == "init":
            self._status_running(container, instance)
            self.schedule(t + self.p.init_seconds, LIFECYCLE, self._init_exit, container, instance)
            return
        for kind in self.workers:
            rec.break_probe_run(kind)
        container.started = "startup" not in self.workers
        if self.p.poststart_seconds:
            rec.lane(t, container.name, "running", "postStart hook")
            self.schedule(t + self.p.poststart_seconds, LIFECYCLE, self._status_running, container, instance)
        else:
            self._status_running(container, instance)
        end = self._natural_end()
        if end is not None:
            seconds, code, reason = end
            self.schedule(t + seconds, LIFECYCLE, self._app_end, instance, code, reason)

    def _status_running(self, container, instance):
        t = self.now
        if instance != container.instance or not container.runtime_running:
            return
        container.status_running = True
        container.api_running()
        self.rec.lane(t, container.name, "running", "")
        if container.kind == "app":
            for worker in self.workers.values():
                worker.wake(t)
            self._sync(t)
        self._observe(t)

    def _sync(self, t):
        """What every pod sync does for probes: a started, not-ready container gets a readiness probe now."""
        app, readiness = self.app, self.workers.get("readiness")
        if readiness and app.status_running and app.started and app.results["readiness"] != "success":
            readiness.wake(t, manual=True)

    def _init_exit(self, container, instance):
        t = self.now
        if instance != container.instance or not container.runtime_running or container.killing:
            return
        index = self.inits.index(container)
        failing = self.p.init_fail_index == index + 1
        code, reason = (1, "Error") if failing else (0, "Completed")
        self._container_stopped(container, t, code, reason)
        container.api_terminated(reason, code)
        self._observe(t)
        if code == 0:
            if index + 1 < len(self.inits):
                self._start_instance(self.inits[index + 1], t)
            else:
                self.initialized = True
                self._start_app(t)
        elif self.p.restart_policy == "Never":
            self._pod_finished(t)
        else:
            self._restart_after_exit(container, t)
        self._observe(t)

    def _app_end(self, instance, code, reason):
        t, app = self.now, self.app
        if instance != app.instance or not app.runtime_running:
            return
        if app.killing:
            self._finish_kill(app, t, code, reason)
            return
        self._container_stopped(app, t, code, reason)
        app.api_terminated(reason, code)
        self._observe(t)
        policy = self.p.restart_policy
        if policy == "Always" or (policy == "OnFailure" and code != 0):
            self._restart_after_exit(app, t)
        else:
            self._pod_finished(t)
        self._observe(t)

    def _container_stopped(self, container, t, code, reason):
        container.runtime_running = False
        container.status_running = False
        container.previous_finished_at = container.finished_at
        container.finished_at = t
        container.ready = False
        container.results["readiness"] = "failure"
        self.rec.lane(t, container.name, "terminated", reason, exit_code=code)
        if container.kind == "app":
            self._record_health(container.started_at, t)

    def _record_health(self, started, ended):
        """The app's own state (starting / healthy / hung) during one container instance."""
        p = self.p
        ages = {0, p.start_seconds, p.hang_at_seconds, p.recover_at_seconds} - {None}
        points = sorted(started + age for age in ages if started + age < ended)
        intervals = []
        for begin, end in zip(points, [*points[1:], ended]):
            state = self._app_state(begin - started)
            if intervals and intervals[-1]["state"] == state:
                intervals[-1]["to"] = end
            else:
                intervals.append({"from": begin, "to": end, "state": state})
        self.health_intervals.extend(intervals)

    def _app_state(self, age):
        p = self.p
        if p.hang_at_seconds is not None and p.hang_at_seconds <= age and (
            p.recover_at_seconds is None or age < p.recover_at_seconds
        ):
            return "hung"
        return "starting" if age < p.start_seconds else "healthy"

    def _restart_after_exit(self, container, t):
        """doBackOff after the container exited on its own: restart now or wait in CrashLoopBackOff."""
        if container.backoff.in_backoff(finished_at=t, now=t):
            self._wait_in_backoff(container, t, show_waiting_now=False)
        else:
            container.backoff.advance(finished_at=t, now=t)
            self._restart(container, t, exited_at=t)

    def _wait_in_backoff(self, container, t, *, show_waiting_now):
        container.wait_token += 1
        retry = container.backoff.retry_at(t)
        self._backoff_event(container, t)
        self.rec.lane(t, container.name, "waiting", "CrashLoopBackOff")
        if show_waiting_now:
            container.api_waiting("CrashLoopBackOff")
        self.schedule(t + SYNC_RETRY_SECONDS, LIFECYCLE, self._backoff_sync, container, container.wait_token, t, retry)

    def _backoff_event(self, container, t):
        self.rec.event(
            t, "BackOff", f"Back-off restarting failed container {container.name} in pod {POD_NAME}_default(uid)",
            container=container.name, level="Warning", repeatable=True,
        )

    def _backoff_sync(self, container, token, exited_at, retry):
        t = self.now
        if token != container.wait_token or self.deleting:
            return
        if container.api_state != "waiting":
            container.api_waiting("CrashLoopBackOff")
        if t >= retry:
            container.backoff.advance(finished_at=exited_at, now=t)
            self._restart(container, t, exited_at=exited_at)
        else:
            self._backoff_event(container, t)
            self.schedule(t + SYNC_RETRY_SECONDS, LIFECYCLE, self._backoff_sync, container, token, exited_at, retry)
        self._observe(t)

    def _restart(self, container, t, *, exited_at):
        delay = t - exited_at
        self.restart_delays.append(delay)
        self.rec.restart_log.append({"t": t, "container": container.name, "delay": delay, "exited_at": exited_at})
        self._start_instance(container, t)

    # -- probes -----------------------------------------------------------------------------

    def probe_result_changed(self, kind, result):
        """The kubelet's reaction when a probe's verdict (not just one probe) changes: a pod sync."""
        t, app = self.now, self.app
        if kind == "startup" and result == "success":
            app.started = True
            if "liveness" in self.workers:
                self.workers["liveness"].wake(t)
        elif kind in ("liveness", "startup") and result == "failure":
            message = f"Container {APP} failed {kind} probe"
            if self.p.restart_policy != "Never":
                message += ", will be restarted"
            self._kill(app, t, cause=kind, message=message)
        self._sync(t)
        self._observe(t)

    def quiet_probe_on_deletion(self, kind):
        """worker.go: once the pod is being deleted, liveness and startup report success and stop."""
        if self.app.results[kind] != "success":
            self.app.results[kind] = "success"
            if kind == "startup":
                self.app.started = True
                self._sync(self.now)
                self._observe(self.now)

    # -- killing and deletion -----------------------------------------------------------------

    def _kill(self, container, t, *, cause, message):
        """killContainer: preStop inside the grace period, SIGTERM, SIGKILL when the grace runs out."""
        if container.killing:
            return
        p = self.p
        grace = max(MINIMUM_DELETION_GRACE_SECONDS, p.grace_seconds) if cause == "deletion" else p.grace_seconds
        self.rec.event(t, "Killing", message, container=container.name)
        prestop = p.prestop_seconds if container.kind == "app" else 0
        spent = min(prestop, grace) if prestop > 0 and grace > 0 else 0
        remaining = max(grace - spent, MINIMUM_GRACE_SECONDS)
        sigterm_at = t + spent
        sigkill_at = None
        if container.kind == "init":
            exit_at, code = sigterm_at, SIGTERM_EXIT_CODE
        elif p.sigterm_exit_seconds is not None and p.sigterm_exit_seconds < remaining:
            exit_at, code = sigterm_at + p.sigterm_exit_seconds, 0
        else:
            exit_at = sigkill_at = sigterm_at + remaining
            code = SIGKILL_EXIT_CODE
        container.kill_token += 1
        record = {
            "container": container.name,
            "cause": cause,
            "killing_at": t,
            "grace_seconds": grace,
            "prestop_until": t + spent if spent else None,
            "prestop_overran": prestop > grace if spent else False,
            "sigterm_at": sigterm_at,
            "sigkill_at": sigkill_at,
            "exited_at": exit_at,
            "exit_code": code,
        }
        container.killing = record
        self.rec.terminations.append(record)
        if spent:
            self.rec.lane(t, container.name, "running", "preStop hook")
            self.schedule(sigterm_at, LIFECYCLE, self._sigterm, container, container.kill_token)
        else:
            self.rec.lane(t, container.name, "running", "SIGTERM")
        reason = "Completed" if code == 0 else "Error"
        self.schedule(exit_at, LIFECYCLE, self._kill_exit, container, container.kill_token, code, reason)

    def _sigterm(self, container, token):
        if token == container.kill_token and container.killing and container.runtime_running:
            self.rec.lane(self.now, container.name, "running", "SIGTERM")

    def _kill_exit(self, container, token, code, reason):
        if token != container.kill_token or not container.killing or not container.runtime_running:
            return
        self._finish_kill(container, self.now, code, reason)

    def _finish_kill(self, container, t, code, reason):
        record = container.killing
        if t < record["exited_at"]:
            record["exited_at"], record["exit_code"], record["sigkill_at"] = t, code, None
        container.killing = None
        self._container_stopped(container, t, code, reason)
        if self.deleting:
            container.api_terminated(reason, code)
            self._observe(t)
            self._check_all_stopped(t)
            return
        if self.p.restart_policy == "Never":
            container.api_terminated(reason, code)
            self._pod_finished(t)
            self._observe(t)
            return
        container.last_terminated = {"exit_code": code, "reason": reason, "finished_at": t}
        previous = container.previous_finished_at
        if previous is None:
            self._restart(container, t, exited_at=t)
        elif container.backoff.in_backoff(finished_at=previous, now=t):
            container.api_terminated(reason, code)
            self._wait_in_backoff(container, t, show_waiting_now=True)
        else:
            container.backoff.advance(finished_at=previous, now=t)
            self._restart(container, t, exited_at=t)
        self._observe(t)

    def _delete(self):
        """kubectl delete: the API marks the pod, endpoints drop it, the kubelet kills its containers."""
        t = self.now
        self.deleting = True
        if self.pod_terminal:
            self.removed_at = t
            self.end_time = t
            return
        if self.p.grace_seconds == 0:
            self.removed_at = t
        self.pull_token += 1
        for container in [*self.inits, self.app]:
            container.wait_token += 1
        for kind in ("liveness", "startup"):
            if kind in self.workers:
                self.workers[kind].stop()
                self.quiet_probe_on_deletion(kind)
        running = [c for c in [*self.inits, self.app] if c.runtime_running]
        for container in running:
            self._kill(container, t, cause="deletion", message=f"Stopping container {container.name}")
        self._observe(t)
        if not running:
            self._terminated(t)

    def _check_all_stopped(self, t):
        if not any(c.runtime_running for c in [*self.inits, self.app]):
            self._terminated(t)

    def _terminated(self, t):
        """The kubelet finished terminating a deleted pod: terminal phase, then the API object goes."""
        self.pod_is_terminal_after_kill = True
        self._pod_finished(t)
        self._observe(t)
        if self.removed_at is None:
            self.removed_at = t
        self.end_time = t

    def _pod_finished(self, t):
        self.pod_terminal = True
        for worker in self.workers.values():
            worker.stop()
        self.rec.condition(t, "PodReadyToStartContainers", "False")

    # -- what the API and kubectl show -------------------------------------------------------

    def _phase(self):
        """getPhase (pkg/kubelet/kubelet_pods.go) over the API container statuses."""
        pending_init = failed_init = 0
        for container in self.inits:
            if container.api_state == "running":
                pending_init += 1
            elif container.api_state == "terminated":
                failed_init += container.api_exit_code != 0
            elif container.last_terminated is not None:
                failed_init += container.last_terminated["exit_code"] != 0
            else:
                pending_init += 1
        app = self.app
        running = waiting = stopped = succeeded = 0
        if app.api_state == "running":
            running = 1
        elif app.api_state == "terminated":
            stopped, succeeded = 1, int(app.api_exit_code == 0)
        elif app.last_terminated is not None:
            stopped = 1
        else:
            waiting = 1
        policy = self.p.restart_policy
        if failed_init and policy == "Never":
            return "Failed"
        if pending_init or waiting:
            return "Pending"
        if running:
            return "Running"
        if self.pod_is_terminal_after_kill:
            return "Succeeded" if stopped == succeeded else "Failed"
        if policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        return "Failed" if policy == "Never" else "Running"

    def _printed_status(self, phase):
        """printPod (kubectl): READY, STATUS and RESTARTS."""
        reason, restarts, last_restart, initializing = phase, 0, None, False
        total = len(self.inits)
        for index, container in enumerate(self.inits):
            restarts += container.restart_count
            if container.last_terminated is not None:
                last_restart = _latest(last_restart, container.last_terminated["finished_at"])
            if container.api_state == "terminated" and container.api_exit_code == 0:
                continue
            if container.api_state == "terminated":
                reason = "Init:" + container.api_reason
            elif container.api_state == "waiting" and container.api_reason and container.api_reason != "PodInitializing":
                reason = "Init:" + container.api_reason
            else:
                reason = f"Init:{index}/{total}"
            initializing = True
            break
        ready = 0
        if not initializing or self.initialized:
            app = self.app
            restarts, last_restart = app.restart_count, None
            if app.last_terminated is not None:
                last_restart = app.last_terminated["finished_at"]
            if app.api_state == "waiting" and app.api_reason:
                reason = app.api_reason
            elif app.api_state == "terminated":
                reason = app.api_reason
            elif app.ready and app.api_state == "running":
                ready = 1
        if self.deleting and phase not in ("Succeeded", "Failed"):
            reason = "Terminating"
        return f"{ready}/1", reason, restarts, last_restart

    def _observe(self, t):
        """Record whatever the API would now show differently: phase, conditions, STATUS line, endpoints."""
        rec, app = self.rec, self.app
        if self.removed_at is not None and t > self.removed_at:
            return
        app.ready = bool(
            app.runtime_running and app.status_running and app.started and not self.pod_terminal
            and ("readiness" not in self.workers or app.results["readiness"] == "success")
        )
        phase = self._phase()
        rec.phase(t, phase)
        if self.initialized:
            rec.condition(t, "Initialized", "True")
        ready_status = "True" if app.ready else "False"
        not_ready_reason = "PodCompleted" if self.pod_terminal and phase in ("Succeeded", "Failed") else "ContainersNotReady"
        rec.condition(t, "ContainersReady", ready_status, "" if app.ready else not_ready_reason)
        rec.condition(t, "Ready", ready_status, "" if app.ready else not_ready_reason)
        rec.in_endpoints(t, app.ready and not self.deleting)
        ready, status, restarts, last_restart = self._printed_status(phase)
        rec.status_line(t, ready=ready, status=status, restarts=restarts, last_restart=last_restart)

    def _result(self) -> Result:
        horizon = self.p.horizon_seconds
        end = horizon if self.end_time is None else min(self.end_time, horizon)
        app = self.app
        if app.runtime_running and app.started_at is not None:
            self._record_health(app.started_at, end)
        self.rec.close(end)
        rec = self.rec
        containers = [{"name": c.name, "kind": c.kind, "image": c.image, "restarts": c.restart_count} for c in [*self.inits, app]]
        last_line = rec.status_column[-1] if rec.status_column else {}
        removed = self.removed_at if self.removed_at is not None and self.removed_at <= horizon else None
        final = {
            "phase": rec.phases[-1]["phase"] if rec.phases else "Pending",
            "status": last_line.get("status", "Pending"),
            "ready": last_line.get("ready", "0/1"),
            "restarts": sum(c.restart_count for c in [*self.inits, app]),
            "end": end,
        }
        return Result(
            horizon_seconds=horizon,
            events=rec.events,
            phases=rec.phases,
            conditions=rec.conditions,
            status_column=rec.status_column,
            restarts=final["restarts"],
            restart_delays=self.restart_delays,
            restart_log=rec.restart_log,
            container_states=rec.lanes,
            probe_runs=rec.probe_runs,
            endpoints=rec.endpoints,
            terminations=[t for t in rec.terminations if t["killing_at"] <= horizon],
            removed_at=removed,
            containers=containers,
            app_health=[h for h in self.health_intervals if h["from"] < end],
            final=final,
        )


def _latest(current, candidate):
    return candidate if current is None or candidate > current else current
