"""Parameters of the etcd/Raft simulator: parsing, validation, the events mini-language.

Members are numbered from 0: voters are 0..members-1 and learners follow them
(members..members+learners-1), so `partition:0-1|2-3-4` names all five voters of a
five-member cluster. `down=k` stops the last k voters before the run starts.

Timing limits follow etcd's own flag checks (server/embed/config.go, Config.Validate):
the election timeout must be at least 5 times the heartbeat interval and at most 50 s.
etcd limits learners with --max-learners (default 1); the simulator allows up to 3.

Cost: every run the parser accepts finishes in under 50 ms (issue 19). The engine spends about
1-2.5 microseconds per message or tick, so `estimated_work` (ticks, heartbeats, writes and
elections) is capped at MAX_ESTIMATED_WORK = 16,000: 3 members at the default timing run for up
to 87 s, 9 members with 10 ms heartbeats and 200 writes/s for 1 s (bench/bench_engine_limits.py).

Events: a comma-separated schedule of `ACTION@T` with T in milliseconds from the start:

- `stop:leader@T`    stop whichever member leads (the highest term) at T;
- `stop:follower@T`  stop the lowest-numbered running voter that is not the leader;
- `stop:N@T`         stop member N;
- `restart:N@T`      restart member N with its persisted term, vote and log;
- `restart:all@T`    restart every stopped member;
- `partition:A|B@T`  split the network into groups such as `0-1|2-3-4` (members in a
  group joined by `-`); members named in no group are each cut off alone;
- `partition:leader@T` cut the current leader off from everyone else;
- `heal@T`           join the network again.

A new partition replaces the previous one. Events at the same time run in the order given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

from ._parsing import Reader, clean, to_int
from .errors import ParamError

MAX_MEMBERS = 9
MAX_LEARNERS = 3
MAX_DURATION_MS = 120_000
MIN_DURATION_MS = 1_000
MAX_ELECTION_MS = 50_000
MAX_EVENTS = 30
MAX_EVENTS_CHARS = 1_000
# The engine spends about 1-2.5 microseconds per message or tick it simulates (bench/bench_engine_limits.py),
# so this cap keeps every accepted run under 50 ms (issue 19); it was 500,000 messages (568 ms and more).
MAX_ESTIMATED_WORK = 16_000

_EVENT_RE = re.compile(r"^(?P<action>[a-z]+)(?::(?P<target>[^@]*))?@(?P<at>.*)$")


@dataclass(frozen=True)
class Event:
    """One scheduled fault: `target` is a member id, 'leader', 'follower', 'all', or partition groups."""

    at_ms: int
    action: str  # stop | restart | partition | heal
    target: int | str | None = None
    groups: tuple[tuple[int, ...], ...] = ()

    def to_text(self) -> str:
        """The event in the mini-language, canonical form."""
        if self.action == "heal":
            return f"heal@{self.at_ms}"
        if self.action == "partition" and self.groups:
            spec = "|".join("-".join(str(member) for member in group) for group in self.groups)
            return f"partition:{spec}@{self.at_ms}"
        return f"{self.action}:{self.target}@{self.at_ms}"


@dataclass(frozen=True)
class Params:
    """A validated run of the etcd/Raft simulator; times are milliseconds."""

    members: int = 3
    down: int = 0
    learners: int = 0
    heartbeat_ms: int = 100
    election_ms: int = 1000
    fsync_ms: int = 1
    rtt_ms: int = 1
    prevote: bool = True
    check_quorum: bool = True
    write_rate: int = 10
    duration_ms: int = 10_000
    seed: int = 1
    events: tuple[Event, ...] = ()

    def to_query(self) -> dict[str, str]:
        """Every parameter as a canonical string, suitable for a URL and as a cache key."""
        query = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name == "events":
                query["events"] = events_text(value)
            elif isinstance(value, bool):
                query[field.name] = "true" if value else "false"
            else:
                query[field.name] = str(value)
        return query

    @property
    def total_members(self) -> int:
        """Voters plus learners."""
        return self.members + self.learners

    @property
    def election_ticks(self) -> int:
        """etcd's ElectionTicks: the election timeout in heartbeat ticks (integer division)."""
        return self.election_ms // self.heartbeat_ms

    @property
    def request_timeout_ms(self) -> int:
        """etcd's ReqTimeout(): 5 s plus two election timeouts (server/config/config.go)."""
        return 5000 + 2 * self.election_ticks * self.heartbeat_ms


def events_text(events) -> str:
    """The canonical comma-separated schedule."""
    return ",".join(event.to_text() for event in events)


KNOWN_KEYS = frozenset(f.name for f in fields(Params))


class _Reader(Reader):
    """Range errors name both bounds and the unit."""

    def range_error(self, number, *, minimum, maximum, unit):
        if minimum <= number <= maximum:
            return None
        return f"must be between {minimum} and {maximum}{' ' + unit if unit else ''}"


def parse_params(raw: Mapping[str, object]) -> Params:
    """Validate raw parameters (query strings or YAML scalars); raise ParamError naming every bad field."""
    if not isinstance(raw, Mapping):
        raise ParamError({"params": "must be a mapping of parameter names to values"})
    errors: dict[str, str] = {}
    for key in raw:
        if not isinstance(key, str) or key not in KNOWN_KEYS:
            errors[str(key)] = f"unknown parameter; expected one of {', '.join(sorted(KNOWN_KEYS))}"
    reader = _Reader({key: value for key, value in raw.items() if isinstance(key, str)})
    members = reader.integer("members", default=3, minimum=1, maximum=MAX_MEMBERS)
    down = reader.integer("down", default=0, minimum=0, maximum=MAX_MEMBERS)
    learners = reader.integer("learners", default=0, minimum=0, maximum=MAX_LEARNERS)
    heartbeat_ms = reader.integer("heartbeat_ms", default=100, minimum=10, maximum=10_000, unit="ms")
    election_ms = reader.integer("election_ms", default=1000, minimum=50, maximum=MAX_ELECTION_MS, unit="ms")
    fsync_ms = reader.integer("fsync_ms", default=1, minimum=0, maximum=1000, unit="ms")
    rtt_ms = reader.integer("rtt_ms", default=1, minimum=0, maximum=1000, unit="ms")
    prevote = reader.boolean("prevote", default=True)
    check_quorum = reader.boolean("check_quorum", default=True)
    write_rate = reader.integer("write_rate", default=10, minimum=0, maximum=200, unit="writes per second")
    duration_ms = reader.integer(
        "duration_ms", default=10_000, minimum=MIN_DURATION_MS, maximum=MAX_DURATION_MS, unit="ms"
    )
    seed = reader.integer("seed", default=1, minimum=0, maximum=2**31 - 1)
    errors.update(reader.errors)

    if "members" not in errors and "down" not in errors and down > members:
        errors["down"] = f"cannot stop {down} members of a {members}-member cluster"
    if "heartbeat_ms" not in errors and "election_ms" not in errors and election_ms < 5 * heartbeat_ms:
        errors["election_ms"] = (
            f"must be at least 5 times heartbeat_ms ({5 * heartbeat_ms} ms), as etcd requires"
        )
    if "rtt_ms" not in errors and "election_ms" not in errors and rtt_ms * 2 > election_ms:
        errors["rtt_ms"] = "must be at most half of election_ms, or no election could ever finish"

    if not errors:
        estimate = estimated_work(voters=members, learners=learners, heartbeat_ms=heartbeat_ms,
                                  election_ms=election_ms, write_rate=write_rate, duration_ms=duration_ms)
        if estimate > MAX_ESTIMATED_WORK:
            errors["duration_ms"] = (
                f"this run would need about {estimate:,} simulated messages and ticks (at most "
                f"{MAX_ESTIMATED_WORK:,}); shorten duration_ms, raise heartbeat_ms or election_ms, "
                "or lower write_rate or the number of members"
            )

    events: tuple[Event, ...] = ()
    raw_events = clean(raw.get("events"))
    if raw_events is not None:
        bounds_known = not ({"members", "learners", "duration_ms"} & errors.keys())
        try:
            events = parse_events(
                raw_events,
                total_members=members + learners if bounds_known else MAX_MEMBERS + MAX_LEARNERS,
                duration_ms=duration_ms if bounds_known else MAX_DURATION_MS,
            )
        except ValueError as exc:
            errors["events"] = str(exc)

    if errors:
        raise ParamError(errors)
    return Params(
        members=members,
        down=down,
        learners=learners,
        heartbeat_ms=heartbeat_ms,
        election_ms=election_ms,
        fsync_ms=fsync_ms,
        rtt_ms=rtt_ms,
        prevote=prevote,
        check_quorum=check_quorum,
        write_rate=write_rate,
        duration_ms=duration_ms,
        seed=seed,
        events=events,
    )


def estimated_work(*, voters, learners, heartbeat_ms, election_ms, write_rate, duration_ms) -> int:
    """An upper estimate of the events a run simulates, each costing the engine about the same.

    The leader's heartbeat ticks; a heartbeat and its reply to every other member per tick; about four
    messages per member per write (the proposal, the append, its fsync and its acknowledgement); and
    elections: with faults, every voter may campaign once per election timeout, sending a (pre-)vote
    request to every other voter and getting a reply. Measured over random accepted runs, the actual
    count of messages stays under this estimate (bench/bench_engine_limits.py).
    """
    members = voters + learners
    ticks = duration_ms // heartbeat_ms
    heartbeats = ticks * (members - 1) * 2
    writes = write_rate * duration_ms // 1000 * members * 4
    elections = duration_ms // election_ms * voters * (voters - 1) * 2
    return ticks + heartbeats + writes + elections


def parse_events(text: object, *, total_members: int, duration_ms: int) -> tuple[Event, ...]:
    """Parse the events mini-language; raise ValueError with a message naming the bad item."""
    if not isinstance(text, str):
        raise ValueError("must be text such as stop:leader@2000,restart:2@7000")
    if len(text) > MAX_EVENTS_CHARS:
        raise ValueError(f"is too long (at most {MAX_EVENTS_CHARS} characters)")
    items = [item.strip() for item in text.replace(" ", "").lower().split(",")]
    items = [item for item in items if item]
    if len(items) > MAX_EVENTS:
        raise ValueError(f"has {len(items)} items; at most {MAX_EVENTS} are allowed")
    last_member = total_members - 1
    parsed = []
    for position, item in enumerate(items, start=1):
        where = f"item {position} ({item!r})"
        match = _EVENT_RE.match(item)
        if not match:
            raise ValueError(
                f"{where} must look like ACTION@MS, e.g. stop:leader@2000, restart:2@7000, "
                "partition:0-1|2-3-4@3000 or heal@6000"
            )
        action, target, at_text = match["action"], match["target"], match["at"]
        at_ms = to_int(at_text) if re.fullmatch(r"\d+", at_text or "") else None
        if at_ms is None:
            raise ValueError(f"{where}: the time after @ must be whole milliseconds, e.g. @2000")
        if at_ms > duration_ms:
            raise ValueError(f"{where}: time {at_ms} ms is after the end of the run (duration_ms={duration_ms})")
        if action == "heal":
            if target:
                raise ValueError(f"{where}: heal takes no target; write heal@{at_ms}")
            parsed.append(Event(at_ms=at_ms, action="heal"))
        elif action == "stop":
            parsed.append(Event(at_ms=at_ms, action="stop", target=_member_target(
                target, where=where, last_member=last_member, words=("leader", "follower"))))
        elif action == "restart":
            parsed.append(Event(at_ms=at_ms, action="restart", target=_member_target(
                target, where=where, last_member=last_member, words=("all",))))
        elif action == "partition":
            if target == "leader":
                parsed.append(Event(at_ms=at_ms, action="partition", target="leader"))
            else:
                groups = _partition_groups(target, where=where, last_member=last_member)
                parsed.append(Event(at_ms=at_ms, action="partition", groups=groups))
        else:
            raise ValueError(f"{where}: unknown action {action!r}; expected stop, restart, partition or heal")
    return tuple(sorted(parsed, key=lambda event: event.at_ms))


def _member_target(target, *, where, last_member, words):
    if not target:
        choices = ", ".join([*words, f"a member 0..{last_member}"])
        raise ValueError(f"{where}: say which member ({choices}), e.g. stop:leader@2000")
    if target in words:
        return target
    if not re.fullmatch(r"\d{1,3}", target):
        raise ValueError(f"{where}: {target!r} is not a member; expected {', '.join(words)} or 0..{last_member}")
    member = int(target)
    if member > last_member:
        raise ValueError(f"{where}: there is no member {member}; members are numbered 0..{last_member}")
    return member


def _partition_groups(target, *, where, last_member):
    if not target:
        raise ValueError(f"{where}: name the groups, e.g. partition:0-1|2-3-4@3000 or partition:leader@3000")
    groups = []
    seen = set()
    for group_text in target.split("|"):
        if not group_text:
            raise ValueError(f"{where}: a partition group is empty")
        group = []
        for member_text in group_text.split("-"):
            if not re.fullmatch(r"\d{1,3}", member_text):
                raise ValueError(f"{where}: {member_text!r} is not a member number (groups look like 0-1|2-3-4)")
            member = int(member_text)
            if member > last_member:
                raise ValueError(f"{where}: there is no member {member}; members are numbered 0..{last_member}")
            if member in seen:
                raise ValueError(f"{where}: member {member} appears twice")
            seen.add(member)
            group.append(member)
        groups.append(tuple(sorted(group)))
    if len(groups) < 2 and len(seen) == last_member + 1:
        raise ValueError(f"{where}: a partition needs at least two groups, e.g. 0-1|2-3-4")
    return tuple(sorted(groups))
