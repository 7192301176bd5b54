"""Discrete-event simulation of an etcd cluster's Raft, following etcd-io/raft.

What follows the source (etcd-io/raft raft.go, quorum/, tracker/progress.go; etcd
server/etcdserver/bootstrap.go raftConfig, server/config/config.go ReqTimeout):

- Ticks of `heartbeat_ms`; ElectionTick = election_ms // heartbeat_ms, HeartbeatTick = 1.
  Followers and candidates campaign when electionElapsed reaches a randomized timeout in
  [ElectionTick, 2*ElectionTick) ticks (resetRandomizedElectionTimeout), redrawn on every
  reset() (term or role change). Leaders send heartbeats every tick and, with CheckQuorum,
  step down when fewer than a quorum of voters were RecentActive during the last election
  timeout. Followers that heard from a leader within ElectionTick ticks ignore (pre-)votes
  of higher terms (the leader lease in Step).
- Pre-vote campaigns for term+1 without changing the term; a real campaign bumps the term
  and votes for itself. Votes require the election restriction (isUpToDate) and at most
  one vote per term; learners never vote or campaign and do not count in any quorum.
- MsgApp carries the entries after pr.Next with prev index/term; followers check log
  matching, truncate conflicting suffixes, persist (fsync) and only then ack; rejections
  carry a hint (findConflictByTerm). Progress follows tracker/progress.go (Probe and
  Replicate, MaybeUpdate, MaybeDecrTo). The leader sends first and writes its own log in
  parallel, self-acking after its fsync, and commits the quorum-th match index only when
  that entry is from its own term; a new commit is broadcast at once (bcastAppend).
- Terms, votes and log entries survive a stop; a restarted member is a follower with no
  known leader. Messages on the wire take rtt_ms/2; they are lost when the receiver is
  stopped or cut off when they arrive, or when the sender stopped before sending them.

Simplifications (honest): no snapshots, log compaction, flow-control limits,
ReadIndex traffic or configuration changes; a sync's duration is fsync_ms scaled by a
seeded random factor in [0.5, 1.5); client-to-member latency is zero. A write goes to a
running voter chosen from the seed; while that member knows no leader it holds the write
and forwards it as soon as it learns one (a client retrying until its deadline). A write
counts as failed when it is not committed within etcd's request timeout (even if it
commits later, as a real client would see), or when its member is stopped.
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass, field

from ._raft_params import Params, events_text

FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER = range(4)
ROLE_NAMES = ("follower", "pre-candidate", "candidate", "leader")
PROBE, REPLICATE = 0, 1
APP, APP_RESP, HEARTBEAT, HEARTBEAT_RESP, VOTE, VOTE_RESP, PRE_VOTE, PRE_VOTE_RESP, PROP = range(9)
MESSAGE_NAMES = ("append", "append_resp", "heartbeat", "heartbeat_resp", "vote", "vote_resp",
                 "pre_vote", "pre_vote_resp", "proposal")
_DELIVER, _LOCAL, _TICK, _TIMER, _WRITE, _FAULT = range(6)
NO_WRITE = -1
# A run never needs this many steps (9 voters, 3 learners, 10 ms ticks, 200 writes/s for 120 s stay
# under 2 million); the cap turns a livelock bug into a reported violation instead of a hung request.
MAX_STEPS = 4_000_000


def quorum_of(voters: int) -> int:
    """A majority of voters (etcd-io/raft quorum/majority.go)."""
    return voters // 2 + 1


def tolerance_of(voters: int) -> int:
    """How many voters may fail while a majority remains."""
    return (voters - 1) // 2


def tolerance_table(max_members: int = 9) -> list[dict]:
    """Quorum and failure tolerance for 1..max_members voting members."""
    return [{"members": n, "quorum": quorum_of(n), "tolerance": tolerance_of(n)} for n in range(1, max_members + 1)]


class _Progress:
    __slots__ = ("match", "next", "state", "paused", "active", "sent_commit")

    def __init__(self, next_index):
        self.match = 0
        self.next = next_index
        self.state = PROBE
        self.paused = False
        self.active = False
        self.sent_commit = 0


class _Node:
    __slots__ = (
        "id", "voter", "up", "epoch", "term", "vote", "lead", "role", "log_terms", "log_writes",
        "commit", "applied", "reset_at", "random_timeout", "phase", "timer_token", "leader_elapsed",
        "progress", "votes", "sync_end", "queued_sync_end", "unsynced", "pending", "waiting",
        "campaign_from", "term_start_index", "self_match", "timer_at", "epoch_ended_at",
    )

    def __init__(self, node_id, voter):
        self.id = node_id
        self.voter = voter
        self.up = True
        self.epoch = 0
        self.term = 1
        self.vote = 0
        self.lead = None
        self.role = FOLLOWER
        self.log_terms = [0, 1]
        self.log_writes = [NO_WRITE, NO_WRITE]
        self.commit = 1
        self.applied = 1
        self.reset_at = 0.0
        self.random_timeout = 0
        self.phase = 0
        self.timer_token = 0
        self.leader_elapsed = 0
        self.progress = {}
        self.votes = {}
        self.sync_end = 0.0
        self.queued_sync_end = None
        self.unsynced = False
        self.pending = {}
        self.waiting = []
        self.campaign_from = None
        self.term_start_index = 0
        self.self_match = 0
        self.timer_at = None
        self.epoch_ended_at = {}

    @property
    def last_index(self):
        return len(self.log_terms) - 1


@dataclass
class Result:
    """JSON-ready outcome of one run (see to_dict for the API contract)."""

    summary: dict
    leaders: list
    elections: list
    writes: dict
    unavailable: list
    lanes: list
    partitions: list
    faults: list
    write_timeline: list
    final: list
    messages: dict
    safety: dict
    events: str = ""
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Summary figures at the top level, then the timelines."""
        return {
            **self.summary,
            "leaders": self.leaders,
            "elections": self.elections,
            "writes": self.writes,
            "unavailable": self.unavailable,
            "lanes": self.lanes,
            "partitions": self.partitions,
            "faults": self.faults,
            "write_timeline": self.write_timeline,
            "final": self.final,
            "messages": self.messages,
            "safety": self.safety,
        }


class _Cluster:
    """One run: the event loop, the Raft state machines and the recorders."""

    def __init__(self, params: Params):
        self.p = params
        self.rng = random.Random(params.seed)
        self.hb = params.heartbeat_ms
        self.election_ticks = params.election_ticks
        self.one_way = params.rtt_ms / 2
        self.voter_ids = list(range(params.members))
        self.quorum = quorum_of(params.members)
        self.nodes = [_Node(i, i < params.members) for i in range(params.total_members)]
        self.group_of = None
        self.now = 0.0
        self.times: list[float] = []
        self.buckets: dict[float, list] = {}
        self.message_counts = [0] * len(MESSAGE_NAMES)
        # recorders
        self.lanes = [[] for _ in self.nodes]
        self.leader_timeline: list[dict] = []
        self.elections: dict[int, dict] = {}
        self.available_since: float | None = None
        self.unavailable: list[dict] = []
        self.unavailable_from: float | None = None
        self.partitions: list[dict] = []
        self.faults: list[dict] = []
        self.writes_submit: list[float] = []
        self.writes_member: list[int | None] = []
        self.writes_done: list[float | None] = []
        self.writes_failed_at: list[float | None] = []
        self.writes_reason: list[str | None] = []
        self.leaders_by_term: dict[int, int] = {}
        self.committed: list[tuple[int, int]] = [(0, NO_WRITE), (1, NO_WRITE)]
        self.violations: list[str] = []

    # ------------------------------------------------------------------ event loop
    def at(self, time, item):
        bucket = self.buckets.get(time)
        if bucket is None:
            self.buckets[time] = [item]
            heapq.heappush(self.times, time)
        else:
            bucket.append(item)

    def run(self):
        self._start()
        end = float(self.p.duration_ms)
        for event in self.p.events:
            self.at(float(event.at_ms), (_FAULT, event))
        if self.p.write_rate:
            self.at(500.0 / self.p.write_rate, (_WRITE, 0))
        times, buckets = self.times, self.buckets
        nodes, step = self.nodes, self._step
        steps = 0
        while times:
            time = heapq.heappop(times)
            if time > end:
                break
            self.now = time
            items = buckets.pop(time)
            steps += len(items)
            if steps > MAX_STEPS:
                self.violations.append(f"gave up after {MAX_STEPS} steps at {_ms(time)} ms")
                break
            for item in items:
                kind = item[0]
                if kind == _DELIVER:
                    # A message is most of the work, so delivery is inlined. Messages already on the
                    # wire arrive even if their sender stopped since; ones it had yet to send do not.
                    message = item[1]
                    receiver = nodes[message[2]]
                    group_of = self.group_of
                    sender = nodes[message[1]]
                    if (receiver.up and (sender.epoch == item[2] or item[3] <= sender.epoch_ended_at[item[2]])
                            and (group_of is None or group_of[message[1]] == group_of[message[2]])):
                        step(receiver, message)
                elif kind == _LOCAL:
                    node = self.nodes[item[1]]
                    if node.up and node.epoch == item[2]:
                        self._step(node, item[3])
                elif kind == _TICK:
                    node = self.nodes[item[1]]
                    if node.up and node.epoch == item[2] and node.role == LEADER:
                        self._tick_heartbeat(node)
                elif kind == _TIMER:
                    node = self.nodes[item[1]]
                    if node.up and node.timer_token == item[2]:
                        self._election_timer(node)
                elif kind == _WRITE:
                    self._client_write(item[1])
                else:
                    self._fault(item[1])
        self.now = end

    def _start(self):
        p = self.p
        up_voters = p.members - p.down
        warm = up_voters >= self.quorum
        for node in self.nodes:
            node.phase = self.rng.randrange(self.hb)
            node.up = not (node.voter and node.id >= up_voters)
        for node in self.nodes:
            if not node.up:
                self._record_lane(node)
                continue
            if warm and node.id == 0:
                node.role = LEADER
                node.lead = 0
                node.term_start_index = 1
                self.leaders_by_term[1] = 0
                for peer in self.nodes:
                    if peer.id != 0:
                        progress = _Progress(2)
                        progress.match = 1
                        progress.state = REPLICATE
                        progress.active = peer.up
                        progress.sent_commit = 1
                        node.progress[peer.id] = progress
                self._schedule_tick(node)
            else:
                node.lead = 0 if warm else None
                self._reset_election_clock(node, redraw=True)
            self._record_lane(node)
        self._note_cluster()

    # ------------------------------------------------------------------ network
    def _connected(self, a, b):
        group_of = self.group_of
        return group_of is None or group_of[a] == group_of[b]

    def _send(self, node, message, *, after_sync=False):
        """Send now, or once the node's pending writes are durable (msgsAfterAppend)."""
        self.message_counts[message[0]] += 1
        send_at = self._durable_at(node) if after_sync else self.now
        self.at(send_at + self.one_way, (_DELIVER, message, node.epoch, send_at))

    def _durable_at(self, node):
        if node.unsynced:
            node.unsynced = False
            self._sync(node)
        latest = node.queued_sync_end if node.queued_sync_end is not None else node.sync_end
        return max(self.now, latest)

    def _sync(self, node):
        """Queue an fsync; requests arriving during one sync share the next (etcd's Ready batching)."""
        now = self.now
        if node.queued_sync_end is not None and now >= node.sync_end:
            node.sync_end, node.queued_sync_end = node.queued_sync_end, None
        duration = self.p.fsync_ms * (0.5 + self.rng.random()) if self.p.fsync_ms else 0.0
        if now >= node.sync_end:
            node.sync_end = now + duration
        elif node.queued_sync_end is None:
            node.queued_sync_end = node.sync_end + duration

    # ------------------------------------------------------------------ clocks
    def _ticks_since(self, node, since):
        hb, phase = self.hb, node.phase
        return math.floor((self.now - phase) / hb) - math.floor((since - phase) / hb)

    def _election_elapsed(self, node):
        if node.role == LEADER:
            return node.leader_elapsed
        return self._ticks_since(node, node.reset_at)

    def _election_due(self, node):
        hb, phase = self.hb, node.phase
        first_tick = math.floor((node.reset_at - phase) / hb) + 1
        return phase + (first_tick + node.random_timeout - 1) * hb

    def _reset_election_clock(self, node, *, redraw):
        node.reset_at = self.now
        if redraw:
            node.random_timeout = self.election_ticks + self.rng.randrange(self.election_ticks)
        elif node.timer_at is not None:
            return  # the deadline only moved later; the armed timer re-arms itself
        if node.voter and node.up:
            due = self._election_due(node)
            # A later deadline needs no new event: the armed one re-arms itself when it fires early.
            if node.timer_at is None or due < node.timer_at:
                self._arm_timer(node, due)

    def _arm_timer(self, node, due):
        node.timer_token += 1
        node.timer_at = due
        self.at(due, (_TIMER, node.id, node.timer_token))

    def _disarm_timer(self, node):
        node.timer_token += 1
        node.timer_at = None

    def _election_timer(self, node):
        node.timer_at = None
        if node.role == LEADER:
            return
        due = self._election_due(node)
        if due > self.now:
            self._arm_timer(node, due)
            return
        node.reset_at = self.now
        self._arm_timer(node, self._election_due(node))
        self._hup(node)

    def _schedule_tick(self, node):
        hb, phase = self.hb, node.phase
        next_tick = phase + (math.floor((self.now - phase) / hb) + 1) * hb
        self.at(next_tick, (_TICK, node.id, node.epoch))

    def _tick_heartbeat(self, node):
        node.leader_elapsed += 1
        if node.leader_elapsed >= self.election_ticks:
            node.leader_elapsed = 0
            if self.p.check_quorum:
                self._check_quorum(node)
                if node.role != LEADER:
                    return
        for peer_id in node.progress:
            progress = node.progress[peer_id]
            commit = min(progress.match, node.commit)
            progress.sent_commit = max(progress.sent_commit, commit)
            self._send(node, (HEARTBEAT, node.id, peer_id, node.term, 0, 0, None, commit))
        self._schedule_tick(node)

    def _check_quorum(self, node):
        active = 1 + sum(1 for peer_id, pr in node.progress.items() if pr.active and self.nodes[peer_id].voter)
        if active < self.quorum:
            self._become_follower(node, node.term, None)
            return
        for progress in node.progress.values():
            progress.active = False

    # ------------------------------------------------------------------ role changes
    def _reset(self, node, term):
        if node.term != term:
            node.term = term
            node.vote = None
            node.unsynced = True
        node.lead = None
        node.leader_elapsed = 0
        node.votes = {}
        node.progress = {}
        self._reset_election_clock(node, redraw=True)

    def _become_follower(self, node, term, lead):
        node.role = FOLLOWER
        self._reset(node, term)
        node.campaign_from = None
        self._set_lead(node, lead)
        self._record_lane(node)
        self._note_cluster()

    def _become_pre_candidate(self, node):
        node.role = PRE_CANDIDATE
        node.votes = {}
        node.lead = None
        node.campaign_from = self.now
        self._record_lane(node)
        self._note_cluster()

    def _become_candidate(self, node):
        started = node.campaign_from if node.campaign_from is not None else self.now
        node.role = CANDIDATE
        self._reset(node, node.term + 1)
        node.vote = node.id
        node.unsynced = True
        election = self.elections.get(node.term)
        if election is None:
            election = self.elections[node.term] = {
                "term": node.term, "start_ms": _ms(self.now), "campaign_start_ms": _ms(started),
                "end_ms": None, "candidates": [], "votes": {}, "winner": None, "campaigns": [],
            }
        election["candidates"].append(node.id)
        election["votes"][str(node.id)] = []
        # One entry per candidacy: two members may campaign for the same term at different times
        # (each raft.go campaign(campaignElection) bumps its own term), and each is its own attempt.
        election["campaigns"].append({
            "candidate": node.id,
            "pre_vote_start_ms": _ms(started) if self.p.prevote else None,
            "start_ms": _ms(self.now),
            "votes": [node.id],
            "won_ms": None,
        })
        self._record_lane(node)
        self._note_cluster()

    def _become_leader(self, node):
        node.role = LEADER
        self._reset(node, node.term)
        node.lead = node.id
        node.campaign_from = None
        self._disarm_timer(node)
        node.self_match = node.last_index
        next_index = node.last_index + 1
        for peer in self.nodes:
            if peer.id != node.id:
                node.progress[peer.id] = _Progress(next_index)
        previous = self.leaders_by_term.get(node.term)
        if previous is not None and previous != node.id:
            self.violations.append(f"two leaders in term {node.term}: {previous} and {node.id}")
        self.leaders_by_term[node.term] = node.id
        for index in range(1, len(self.committed)):
            if index > node.last_index or node.log_terms[index] != self.committed[index][0]:
                self.violations.append(f"leader {node.id} of term {node.term} lacks committed entry {index}")
                break
        election = self.elections.get(node.term)
        if election is not None:
            election["winner"] = node.id
            election["end_ms"] = _ms(self.now)
            campaign = next((c for c in reversed(election["campaigns"]) if c["candidate"] == node.id), None)
            if campaign is not None:
                campaign["won_ms"] = _ms(self.now)
        node.term_start_index = next_index
        self._append(node, NO_WRITE)
        self._schedule_tick(node)
        self._record_lane(node)
        self._note_cluster()
        self._flush_waiting(node)

    def _set_lead(self, node, lead):
        if node.lead == lead:
            return
        node.lead = lead
        self._note_cluster()
        if lead is not None:
            self._flush_waiting(node)

    # ------------------------------------------------------------------ elections
    def _hup(self, node):
        if node.role == LEADER or not node.voter:
            return
        self._campaign(node, pre=self.p.prevote)

    def _campaign(self, node, *, pre):
        if pre:
            self._become_pre_candidate(node)
            request, response, term = PRE_VOTE, PRE_VOTE_RESP, node.term + 1
        else:
            self._become_candidate(node)
            request, response, term = VOTE, VOTE_RESP, node.term
        last_index = node.last_index
        last_term = node.log_terms[last_index]
        for voter_id in self.voter_ids:
            if voter_id == node.id:
                self.at(self._durable_at(node), (_LOCAL, node.id, node.epoch,
                                                 (response, node.id, node.id, term, 0, False, None, 0)))
            else:
                self._send(node, (request, node.id, voter_id, term, last_index, last_term, None, 0))

    def _handle_vote_request(self, node, message):
        kind, sender, _, term, last_index, last_term = message[:6]
        can_vote = (
            node.vote == sender
            or (node.vote is None and node.lead is None)
            or (kind == PRE_VOTE and term > node.term)
        )
        my_last = node.last_index
        my_last_term = node.log_terms[my_last]
        up_to_date = last_term > my_last_term or (last_term == my_last_term and last_index >= my_last)
        response = VOTE_RESP if kind == VOTE else PRE_VOTE_RESP
        if can_vote and up_to_date:
            if kind == VOTE:
                node.vote = sender
                node.unsynced = True
                self._reset_election_clock(node, redraw=False)
            self._send(node, (response, node.id, sender, term, 0, False, None, 0), after_sync=True)
        else:
            self._send(node, (response, node.id, sender, node.term, 0, True, None, 0), after_sync=True)

    def _poll(self, node, message):
        sender, reject = message[1], message[5]
        node.votes[sender] = not reject
        if node.role == CANDIDATE and not reject:
            election = self.elections.get(node.term)
            if election is not None:
                election["votes"].setdefault(str(node.id), []).append(sender)
                campaign = next((c for c in reversed(election["campaigns"]) if c["candidate"] == node.id), None)
                if campaign is not None and sender not in campaign["votes"]:
                    campaign["votes"].append(sender)
        granted = sum(1 for vote in node.votes.values() if vote)
        rejected = len(node.votes) - granted
        if granted >= self.quorum:
            if node.role == PRE_CANDIDATE:
                self._campaign(node, pre=False)
            else:
                self._become_leader(node)
                self._broadcast_append(node)
        elif rejected > len(self.voter_ids) - self.quorum:
            self._become_follower(node, node.term, None)

    # ------------------------------------------------------------------ Step
    def _step(self, node, message):
        kind, sender, term = message[0], message[1], message[3]
        if kind == PROP:
            self._step_proposal(node, message)
            return
        if term != node.term and not self._step_other_term(node, message):
            return
        if kind in (VOTE, PRE_VOTE):
            self._handle_vote_request(node, message)
        elif node.role == LEADER:
            self._step_leader(node, message)
        elif node.role == FOLLOWER:
            if kind in (APP, HEARTBEAT):
                self._reset_election_clock(node, redraw=False)
                self._set_lead(node, sender)
                if kind == APP:
                    self._handle_append(node, message)
                else:
                    self._commit_to(node, message[7])
                    self._send(node, (HEARTBEAT_RESP, node.id, sender, node.term, 0, False, None, 0))
        else:
            mine = PRE_VOTE_RESP if node.role == PRE_CANDIDATE else VOTE_RESP
            if kind in (APP, HEARTBEAT):
                self._become_follower(node, term, sender)
                if kind == APP:
                    self._handle_append(node, message)
                else:
                    self._commit_to(node, message[7])
                    self._send(node, (HEARTBEAT_RESP, node.id, sender, node.term, 0, False, None, 0))
            elif kind == mine:
                self._poll(node, message)

    def _step_other_term(self, node, message):
        """Step's term handling (raft.go Step); False when the message is dropped here."""
        kind, sender, term = message[0], message[1], message[3]
        if term > node.term:
            if kind in (VOTE, PRE_VOTE):
                in_lease = (self.p.check_quorum and node.lead is not None
                            and self._election_elapsed(node) < self.election_ticks)
                if in_lease:
                    return False
            if kind == PRE_VOTE or (kind == PRE_VOTE_RESP and not message[5]):
                pass
            elif kind in (APP, HEARTBEAT):
                self._become_follower(node, term, sender)
            else:
                self._become_follower(node, term, None)
            return True
        if (self.p.check_quorum or self.p.prevote) and kind in (HEARTBEAT, APP):
            self._send(node, (APP_RESP, node.id, sender, node.term, 0, False, 0, 0), after_sync=True)
        elif kind == PRE_VOTE:
            self._send(node, (PRE_VOTE_RESP, node.id, sender, node.term, 0, True, None, 0), after_sync=True)
        return False

    def _step_proposal(self, node, message):
        if node.role == LEADER:
            self._append(node, message[4])
            self._broadcast_append(node)
        elif node.role == FOLLOWER and node.lead is not None:
            self._send(node, (PROP, node.id, node.lead, 0, message[4], False, None, 0))
        # candidates and leaderless followers drop proposals (ErrProposalDropped)

    # ------------------------------------------------------------------ replication
    def _append(self, node, write):
        node.log_terms.append(node.term)
        node.log_writes.append(write)
        node.unsynced = True
        index = node.last_index
        self.at(self._durable_at(node), (_LOCAL, node.id, node.epoch,
                                         (APP_RESP, node.id, node.id, node.term, index, False, 0, 0)))

    def _broadcast_append(self, node):
        for peer_id in node.progress:
            self._send_append(node, peer_id, True)

    def _send_append(self, node, peer_id, send_if_empty):
        progress = node.progress[peer_id]
        if progress.state == PROBE and progress.paused:
            return False
        prev_index = progress.next - 1
        last = node.last_index
        count = last - prev_index
        if count <= 0 and not send_if_empty:
            return False
        entries = None
        if count > 0:
            entries = (node.log_terms[prev_index + 1:], node.log_writes[prev_index + 1:])
        self._send(node, (APP, node.id, peer_id, node.term, prev_index, node.log_terms[prev_index],
                          entries, node.commit))
        if progress.state == REPLICATE:
            if count > 0:
                progress.next = last + 1
        elif count > 0:
            progress.paused = True
        progress.sent_commit = max(progress.sent_commit, node.commit)
        return True

    def _handle_append(self, node, message):
        sender, prev_index, prev_term, entries, commit = message[1], message[4], message[5], message[6], message[7]
        if prev_index < node.commit:
            self._send(node, (APP_RESP, node.id, sender, node.term, node.commit, False, 0, 0), after_sync=True)
            return
        if prev_index <= node.last_index and node.log_terms[prev_index] == prev_term:
            last_new = prev_index
            if entries is not None:
                terms, writes = entries
                last_new = prev_index + len(terms)
                log_terms = node.log_terms
                for offset, entry_term in enumerate(terms):
                    index = prev_index + 1 + offset
                    if index > node.last_index or log_terms[index] != entry_term:
                        if index <= node.commit:
                            self.violations.append(f"member {node.id} would truncate committed entry {index}")
                        del log_terms[index:]
                        del node.log_writes[index:]
                        log_terms.extend(terms[offset:])
                        node.log_writes.extend(writes[offset:])
                        node.unsynced = True
                        break
            self._commit_to(node, min(commit, last_new))
            self._send(node, (APP_RESP, node.id, sender, node.term, last_new, False, 0, 0), after_sync=True)
            return
        hint_index = min(prev_index, node.last_index)
        hint_index, hint_term = self._find_conflict_by_term(node, hint_index, prev_term)
        self._send(node, (APP_RESP, node.id, sender, node.term, prev_index, True, hint_index, hint_term),
                   after_sync=True)

    @staticmethod
    def _find_conflict_by_term(node, index, term):
        log_terms = node.log_terms
        while index > 0 and log_terms[index] > term:
            index -= 1
        return index, log_terms[index]

    def _step_leader(self, node, message):
        kind, sender = message[0], message[1]
        if kind == HEARTBEAT_RESP:
            progress = node.progress.get(sender)
            if progress is None:
                return
            progress.active = True
            progress.paused = False
            if progress.match < node.last_index or progress.state == PROBE:
                self._send_append(node, sender, True)
        elif kind == APP_RESP:
            if sender == node.id:
                self._self_ack(node, message[4])
                return
            progress = node.progress.get(sender)
            if progress is None:
                return
            progress.active = True
            index, reject = message[4], message[5]
            if reject:
                hint_index, hint_term = message[6], message[7]
                next_probe = hint_index
                if hint_term > 0:
                    next_probe, _ = self._find_conflict_by_term(node, hint_index, hint_term)
                if self._maybe_decrease(progress, index, next_probe):
                    if progress.state == REPLICATE:
                        progress.state = PROBE
                        progress.paused = False
                        progress.next = progress.match + 1
                    self._send_append(node, sender, True)
                return
            updated = False
            if progress.match < index:
                progress.match = index
                progress.paused = False
                updated = True
            progress.next = max(progress.next, index + 1)
            if updated or (progress.match == index and progress.state == PROBE):
                if progress.state == PROBE:
                    progress.state = REPLICATE
                    progress.paused = False
                    progress.next = progress.match + 1
                if self._maybe_commit(node):
                    self._broadcast_append(node)
                elif progress.sent_commit < node.commit and progress.next - 1 > progress.sent_commit:
                    self._send_append(node, sender, True)
                self._send_append(node, sender, False)

    @staticmethod
    def _maybe_decrease(progress, rejected, match_hint):
        if progress.state == REPLICATE:
            if rejected <= progress.match:
                return False
            progress.next = progress.match + 1
            return True
        if progress.next - 1 != rejected:
            return False
        progress.next = max(min(rejected, match_hint + 1), progress.match + 1)
        progress.paused = False
        return True

    def _self_ack(self, node, index):
        if index > node.self_match:
            node.self_match = index
            if self._maybe_commit(node):
                self._broadcast_append(node)

    def _maybe_commit(self, node):
        matches = [node.self_match]
        progress = node.progress
        for voter_id in self.voter_ids:
            if voter_id != node.id:
                matches.append(progress[voter_id].match)
        matches.sort(reverse=True)
        candidate = matches[self.quorum - 1]
        if candidate <= node.commit or node.log_terms[candidate] != node.term:
            return False
        before = node.commit
        self._commit_to(node, candidate)
        if before < node.term_start_index <= node.commit:
            self._note_cluster()
        return True

    def _commit_to(self, node, index):
        if index <= node.commit:
            return
        committed = self.committed
        log_terms, log_writes = node.log_terms, node.log_writes
        for position in range(node.commit + 1, index + 1):
            entry = (log_terms[position], log_writes[position])
            if position < len(committed):
                if committed[position] != entry:
                    self.violations.append(
                        f"member {node.id} committed {entry} at index {position}, but {committed[position]} "
                        "was committed there before")
            else:
                committed.append(entry)
        node.commit = index
        pending = node.pending
        if pending:
            for position in range(node.applied + 1, index + 1):
                write = log_writes[position]
                if write != NO_WRITE and write in pending:
                    del pending[write]
                    self.writes_done[write] = self.now
        node.applied = index

    # ------------------------------------------------------------------ clients
    def _client_write(self, write):
        interval = 1000.0 / self.p.write_rate
        next_at = (write + 1.5) * interval
        if next_at < self.p.duration_ms:
            self.at(next_at, (_WRITE, write + 1))
        self.writes_submit.append(self.now)
        self.writes_done.append(None)
        self.writes_failed_at.append(None)
        self.writes_reason.append(None)
        running = [node for node in self.nodes if node.voter and node.up]
        if not running:
            self.writes_member.append(None)
            self.writes_failed_at[write] = self.now
            self.writes_reason[write] = "no member is running"
            return
        node = self.rng.choice(running)
        self.writes_member.append(node.id)
        node.pending[write] = self.now
        self._propose(node, [write])

    def _propose(self, node, writes):
        if node.role == LEADER:
            for write in writes:
                self._append(node, write)
            self._broadcast_append(node)
        elif node.role == FOLLOWER and node.lead is not None:
            for write in writes:
                self._send(node, (PROP, node.id, node.lead, 0, write, False, None, 0))
        else:
            node.waiting.extend(writes)

    def _flush_waiting(self, node):
        if not node.waiting or not node.up:
            return
        waiting = [write for write in node.waiting if write in node.pending]
        node.waiting = []
        if waiting:
            self._propose(node, waiting)

    # ------------------------------------------------------------------ faults
    def current_leader(self):
        """The running leader with the highest term, or None."""
        best = None
        for node in self.nodes:
            if node.up and node.role == LEADER and (best is None or node.term > best.term):
                best = node
        return best

    def _fault(self, event):
        effect, members = self._apply_fault(event)
        self.faults.append({"t_ms": event.at_ms, "event": event.to_text(), "effect": effect, "members": members})

    def _apply_fault(self, event):
        action, target = event.action, event.target
        if action == "stop":
            if target == "leader":
                node = self.current_leader()
                if node is None:
                    return "no leader to stop", []
            elif target == "follower":
                leader = self.current_leader()
                candidates = [n for n in self.nodes if n.voter and n.up and n is not leader]
                if not candidates:
                    return "no running follower to stop", []
                node = candidates[0]
            else:
                node = self.nodes[target]
                if not node.up:
                    return f"member {node.id} is already stopped", [node.id]
            was_leader = node.role == LEADER
            self._stop(node)
            suffix = f" (the leader of term {node.term})" if was_leader else ""
            return f"stopped member {node.id}{suffix}", [node.id]
        if action == "restart":
            nodes = [n for n in self.nodes if not n.up] if target == "all" else [self.nodes[target]]
            nodes = [n for n in nodes if not n.up]
            if not nodes:
                return "nothing to restart", []
            for node in nodes:
                self._restart(node)
            return "restarted member" + ("s " if len(nodes) > 1 else " ") + ", ".join(str(n.id) for n in nodes), [
                n.id for n in nodes]
        if action == "partition":
            if target == "leader":
                leader = self.current_leader()
                if leader is None:
                    return "no leader to cut off", []
                others = tuple(n.id for n in self.nodes if n.id != leader.id)
                groups = [(leader.id,), others] if others else [(leader.id,)]
            else:
                named = {member for group in event.groups for member in group}
                groups = [tuple(g) for g in event.groups] + [(n.id,) for n in self.nodes if n.id not in named]
            self._partition(groups)
            return "partitioned " + " | ".join("-".join(str(m) for m in g) for g in groups), []
        if self.group_of is None:
            return "the network is already whole", []
        self._partition(None)
        return "healed the network", []

    def _partition(self, groups):
        if self.partitions and self.partitions[-1]["to_ms"] is None:
            self.partitions[-1]["to_ms"] = _ms(self.now)
        if groups is None:
            self.group_of = None
        else:
            groups = sorted(groups)
            self.group_of = {member: index for index, group in enumerate(groups) for member in group}
            self.partitions.append({"from_ms": _ms(self.now), "to_ms": None, "groups": [list(g) for g in groups]})
        self._note_cluster()

    def _stop(self, node):
        node.up = False
        node.epoch_ended_at[node.epoch] = self.now
        node.epoch += 1
        self._disarm_timer(node)
        for write in node.pending:
            self.writes_failed_at[write] = self.now
            self.writes_reason[write] = "member stopped"
        node.pending = {}
        node.waiting = []
        # Unsynced state counts as written: the same as crashing just after the fsync.
        node.unsynced = False
        node.sync_end = 0.0
        node.queued_sync_end = None
        node.role = FOLLOWER
        node.lead = None
        node.progress = {}
        node.votes = {}
        self._record_lane(node)
        self._note_cluster()

    def _restart(self, node):
        node.up = True
        node.epoch_ended_at[node.epoch] = self.now
        node.epoch += 1
        node.phase = self.rng.randrange(self.hb)
        node.applied = node.commit
        self._become_follower(node, node.term, None)

    # ------------------------------------------------------------------ recorders
    def _record_lane(self, node):
        if not node.up:
            role = "stopped"
        elif not node.voter and node.role == FOLLOWER:
            role = "learner"
        else:
            role = ROLE_NAMES[node.role]
        lane = self.lanes[node.id]
        now = _ms(self.now)
        if lane:
            last = lane[-1]
            if last["role"] == role and last["term"] == node.term:
                return
            if last["from_ms"] == now:
                lane.pop()
                if lane and lane[-1]["role"] == role and lane[-1]["term"] == node.term:
                    lane[-1]["to_ms"] = None
                    return
            else:
                last["to_ms"] = now
        lane.append({"from_ms": now, "to_ms": None, "role": role, "term": node.term})

    def _note_cluster(self):
        leader = self.current_leader()
        if leader is not None:
            entry = (leader.id, leader.term)
        else:
            entry = (None, max(n.term for n in self.nodes))
        timeline = self.leader_timeline
        if not timeline or (timeline[-1]["leader"], timeline[-1]["term"]) != entry:
            now = _ms(self.now)
            if timeline and timeline[-1]["t_ms"] == now:
                timeline.pop()
            if not timeline or (timeline[-1]["leader"], timeline[-1]["term"]) != entry:
                timeline.append({"t_ms": now, "leader": entry[0], "term": entry[1]})
        available = leader is not None and leader.commit >= leader.term_start_index and self._backers(leader) >= self.quorum
        if available and self.unavailable_from is not None:
            if self.now > self.unavailable_from:
                self.unavailable.append({"from_ms": _ms(self.unavailable_from), "to_ms": _ms(self.now)})
            self.unavailable_from = None
        elif not available and self.unavailable_from is None:
            self.unavailable_from = self.now

    def _backers(self, leader):
        count = 1
        for node in self.nodes:
            if (node.voter and node.up and node is not leader and node.role == FOLLOWER
                    and node.term == leader.term and node.lead == leader.id and self._connected(node.id, leader.id)):
                count += 1
        return count

    # ------------------------------------------------------------------ result
    def result(self) -> Result:
        p = self.p
        end = float(p.duration_ms)
        for node in self.nodes:
            if self.lanes[node.id]:
                self.lanes[node.id][-1]["to_ms"] = _ms(end)
        if self.partitions and self.partitions[-1]["to_ms"] is None:
            self.partitions[-1]["to_ms"] = _ms(end)
        if self.unavailable_from is not None and end > self.unavailable_from:
            self.unavailable.append({"from_ms": _ms(self.unavailable_from), "to_ms": _ms(end)})
        for node in self.nodes:
            for index in range(1, node.commit + 1):
                if node.log_terms[index] != self.committed[index][0]:
                    self.violations.append(f"member {node.id} holds a different entry at committed index {index}")
                    break
        up_at_start = p.members - p.down
        writable = up_at_start >= self.quorum
        summary = {
            "members": p.members,
            "learners": p.learners,
            "quorum": self.quorum,
            "tolerance": tolerance_of(p.members),
            "up_at_start": up_at_start,
            "writable": writable,
            "linearizable_reads": writable,
            "serializable_reads": up_at_start + p.learners > 0,
            "election_ticks": self.election_ticks,
            "election_timeout_range_ms": [self.election_ticks * self.hb, (2 * self.election_ticks - 1) * self.hb],
            "request_timeout_ms": p.request_timeout_ms,
            "duration_ms": p.duration_ms,
        }
        writes, timeline = self._write_summary()
        elections = [self.elections[term] for term in sorted(self.elections)]
        final = []
        for node in self.nodes:
            final.append({
                "id": node.id,
                "voter": node.voter,
                "up": node.up,
                "role": self.lanes[node.id][-1]["role"] if self.lanes[node.id] else "follower",
                "term": node.term,
                "lead": node.lead if node.up else None,
                "last_index": node.last_index,
                "commit": node.commit,
                "group": None if self.group_of is None else self.group_of[node.id],
            })
        messages = {name: count for name, count in zip(MESSAGE_NAMES, self.message_counts)}
        committed_writes = writes["committed"]
        messages["append_per_committed_write"] = (
            round(self.message_counts[APP] / committed_writes, 2) if committed_writes else None)
        safety = {
            "ok": not self.violations,
            "violations": self.violations[:20],
            "leaders_per_term": {str(term): leader for term, leader in sorted(self.leaders_by_term.items())},
            "committed_index": len(self.committed) - 1,
        }
        return Result(
            summary=summary, leaders=self.leader_timeline, elections=elections, writes=writes,
            unavailable=self.unavailable, lanes=[{"member": i, "voter": n.voter, "segments": self.lanes[i]}
                                                 for i, n in enumerate(self.nodes)],
            partitions=self.partitions, faults=self.faults, write_timeline=timeline, final=final,
            messages=messages, safety=safety, events=events_text(p.events),
            extra={"writes": [
                {"submit_ms": self.writes_submit[w], "member": self.writes_member[w],
                 "done_ms": self.writes_done[w], "reason": self.writes_reason[w]}
                for w in range(len(self.writes_submit))
            ]},
        )

    def _write_summary(self):
        p = self.p
        timeout = p.request_timeout_ms
        end = p.duration_ms
        width = next((w for w in (100, 200, 250, 500, 1000, 2000, 2500, 5000) if w * 60 >= end), 5000)
        buckets = [{"from_ms": start, "to_ms": min(start + width, end), "committed": 0, "failed": 0, "pending": 0,
                    "max_latency_ms": None} for start in range(0, end, width)]
        latencies = []
        counts = {"committed": 0, "failed": 0, "pending": 0, "committed_after_timeout": 0, "member_stopped": 0,
                  "no_member": 0, "timed_out": 0}
        for write, submit in enumerate(self.writes_submit):
            done = self.writes_done[write]
            bucket = buckets[min(int(submit // width), len(buckets) - 1)]
            if done is not None and done - submit <= timeout and self.writes_reason[write] is None:
                latency = done - submit
                latencies.append(latency)
                counts["committed"] += 1
                bucket["committed"] += 1
                if bucket["max_latency_ms"] is None or latency > bucket["max_latency_ms"]:
                    bucket["max_latency_ms"] = round(latency, 2)
                continue
            reason = self.writes_reason[write]
            if reason == "member stopped":
                counts["member_stopped"] += 1
            elif reason == "no member is running":
                counts["no_member"] += 1
            elif done is not None:
                counts["committed_after_timeout"] += 1
            elif submit + timeout <= end:
                counts["timed_out"] += 1
            else:
                counts["pending"] += 1
                bucket["pending"] += 1
                continue
            counts["failed"] += 1
            bucket["failed"] += 1
        latencies.sort()
        writes = {
            "total": len(self.writes_submit),
            **counts,
            "latency_ms": {
                "p50": _percentile(latencies, 50),
                "p90": _percentile(latencies, 90),
                "p99": _percentile(latencies, 99),
                "max": round(latencies[-1], 2) if latencies else None,
            },
        }
        return writes, buckets


def _ms(time: float):
    """Times in the output: whole milliseconds when exact, else two decimals."""
    rounded = round(time, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def _percentile(sorted_values, percent):
    """Nearest-rank percentile of an ascending list, or None when it is empty."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return round(sorted_values[rank - 1], 2)


def simulate(params: Params) -> Result:
    """Run the scenario and return what happened."""
    cluster = _Cluster(params)
    cluster.run()
    return cluster.result()
