"""The etcd page's explanations agree with its numbers."""

import re

import pytest

from sim.engine import etcd
from sim.services import simulate_cached
from sim.views.etcd import describe_run, election_rows, fault_actions

pytestmark = pytest.mark.django_db


def run(**raw):
    params = etcd.parse_params(raw)
    return params, simulate_cached("etcd", params)


@pytest.mark.parametrize(("members", "expected"), [
    (1, "tolerates 0 failed members"), (3, "tolerates 1 failed member."), (5, "tolerates 2 failed members"),
])
def test_the_tolerance_sentence_agrees_in_number(members, expected):
    params, result = run(members=members)
    assert expected in describe_run(params, result)[0]


def test_the_write_summary_accounts_for_every_write():
    params, result = run(members=3, down=2)
    writes = result["writes"]
    assert writes["pending"] > 0
    summary = next(sentence for sentence in describe_run(params, result) if "writes committed" in sentence)
    committed, total = map(int, re.search(r"(\d+) of (\d+) writes committed", summary).groups())
    failed = int(re.search(r"(\d+) failed", summary).group(1))
    pending = int(re.search(r"(\d+) were still waiting", summary).group(1))
    assert committed + failed + pending == total


def test_stop_the_leader_is_not_offered_when_there_is_no_leader():
    params, result = run(members=3, down=2)
    actions = [button["action"] for button in fault_actions(params, result)["buttons"]]
    assert "stop-leader" not in actions and "partition-leader" not in actions
    params, result = run(members=3)
    assert "stop-leader" in [button["action"] for button in fault_actions(params, result)["buttons"]]


def test_separate_campaigns_for_one_term_are_separate_rows_without_pre_vote_times_when_pre_vote_is_off():
    params, result = run(members=4, prevote="false", seed=1, duration_ms=8000, events="partition:0-1|2-3@2000,heal@5000")
    rows = [row for row in election_rows(result) if row["term"] == 2]
    assert len(rows) >= 2
    assert len({row["candidates"] for row in rows}) == len(rows)
    assert len({row["start_s"] for row in rows}) == len(rows)
    assert all(row["campaign_s"] == "" for row in election_rows(result))


def test_the_elections_table_hides_the_pre_vote_column_when_pre_vote_is_off(client):
    query = "members=4&prevote=false&seed=1&duration_ms=8000&events=partition:0-1|2-3@2000,heal@5000"
    html = client.get(f"/en/sim/etcd/?{query}").content.decode()
    assert "pre-vote from (s)" not in html
    assert html.count("not elected") >= 2
    assert "pre-vote from (s)" in client.get("/en/sim/etcd/?events=stop:leader@2000").content.decode()
