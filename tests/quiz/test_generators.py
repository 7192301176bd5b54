"""Every registered generator: reproducible from its seed, its answer equal to the engine's, bilingual."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz import generators
from sim.engine import etcd, pod, rolling, scheduler, service

NAMES = sorted(generators.REGISTRY)
SEEDS = (0, 1, 7, 42, 2024, generators.MAX_SEED)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _prompt_number(item, pattern):
    return int(re.search(pattern, item.draft.prompt_en).group(1))


def _rerun(item):
    """The engine's result for the item's parameters, read back from its canonical query as the simulator page does."""
    engine = item.generator.engine
    params = engine.parse_params(item.query)
    assert params == item.draft.params
    return engine.simulate(params)


def _crashloop(item, result):
    nth = _prompt_number(item, r"for the (\d+)(?:st|nd|rd|th) time")
    return result.to_dict()["restart_log"][nth - 1]["t"]


# What the engine says the answer is, read independently of the generator's own code.
ENGINE_ANSWERS = {
    "rolling-max-pods": lambda item, result: max(step.total for step in result.steps),
    "rolling-min-available": lambda item, result: min(step.available for step in result.steps),
    "rolling-first-sync": lambda item, result: next(
        step["to"] for step in result.to_dict()["steps"] if step["replica_set"] == rolling.NEW_RS_NAME
    ),
    "rolling-complete-at": lambda item, result: result.to_dict()["final"]["complete_at"],
    "rolling-broken-image-available": lambda item, result: [
        c["status"] for c in result.to_dict()["initial_conditions"] + result.to_dict()["conditions"]
        if c["type"] == "Available"
    ][-1],
    "etcd-fault-tolerance": lambda item, result: result.to_dict()["tolerance"],
    "etcd-quorum-size": lambda item, result: result.to_dict()["quorum"],
    "etcd-writable-with-members-down": lambda item, result: "yes" if result.to_dict()["writable"] else "no",
    "etcd-leader-stop-recovery": lambda item, result: "yes" if any(
        row["leader"] is not None and row["t_ms"] > item.draft.params.events[0].at_ms
        for row in result.to_dict()["leaders"]
    ) else "no",
    "pod-crashloop-restart": _crashloop,
    "pod-liveness-kill": lambda item, result: next(
        row["killing_at"] for row in result.to_dict()["terminations"] if row["cause"] == "liveness"
    ),
    "pod-ready-at": lambda item, result: next(
        row["t"] for row in result.to_dict()["conditions"] if row["type"] == "Ready" and row["status"] == "True"
    ),
    "pod-final-status": lambda item, result: result.to_dict()["final"]["status"],
    "service-ready-share": lambda item, result: round(100 / sum(ep.ready for ep in result.endpoints), 2),
    "service-iptables-probability": lambda item, result: round(
        float(result.probabilities[_prompt_number(item, r"on rule (\d+)") - 1]), 4
    ),
    "service-external-verdict": lambda item, result: result.verdict,
    "service-source-ip": lambda item, result: "yes" if result.source_ip_seen in result.client.ips else "no",
    "scheduler-which-node": lambda item, result: result.to_dict()["chosen"],
    "scheduler-insufficient-cpu": lambda item, result: sum(
        "Insufficient cpu" in node["filter"]["reasons"] for node in result.to_dict()["nodes"] if node["filter"]
    ),
    "scheduler-preemption-victim": lambda item, result: result.to_dict()["victim_events"][0]["object"],
}


def test_every_generator_has_an_independent_engine_check():
    assert set(ENGINE_ANSWERS) == set(NAMES)


def test_there_are_at_least_three_generators_per_simulator():
    for kind in (rolling.KIND, etcd.KIND, pod.KIND, service.KIND, scheduler.KIND):
        assert len([g for g in generators.REGISTRY.values() if g.kind == kind]) >= 3, kind


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", SEEDS)
def test_the_answer_is_what_the_engine_returns_for_the_params(name, seed):
    item = generators.generate(name, seed)
    assert item.draft.answer == ENGINE_ANSWERS[name](item, _rerun(item))


@pytest.mark.parametrize("name", NAMES)
def test_the_same_seed_rebuilds_the_same_question(name):
    for seed in SEEDS:
        assert generators.generate(name, seed).to_dict() == generators.generate(name, seed).to_dict()


@pytest.mark.parametrize("name", NAMES)
def test_different_seeds_give_different_parameters(name):
    queries = {tuple(sorted(generators.generate(name, seed).query.items())) for seed in range(20)}
    assert len(queries) >= 5


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(min_value=0, max_value=generators.MAX_SEED))
def test_every_question_is_valid_and_bilingual(name, seed):
    item = generators.generate(name, seed)
    draft = item.draft
    assert draft.prompt_en and draft.prompt_zh and CJK.search(draft.prompt_zh)
    assert draft.explanation_en and CJK.search(draft.explanation_zh)
    if item.answer_type == generators.CHOICE:
        values = [option.value for option in draft.options]
        assert draft.answer in values and len(set(values)) == len(values) >= 2
        assert all(option.en and option.zh for option in draft.options)
    else:
        assert isinstance(draft.answer, int | float) and draft.unit_en and draft.unit_zh
        assert draft.tolerance >= 0
        # Zero is only ever the answer when it is the lesson: a two-member etcd cluster tolerates no failure.
        if draft.answer == 0:
            assert name == "etcd-fault-tolerance" and draft.params.members == 2


@pytest.mark.parametrize("name", NAMES)
def test_generators_do_not_always_give_the_same_answer(name):
    answers = {generators.generate(name, seed).draft.answer for seed in range(40)}
    assert len(answers) >= 2


def test_unknown_names_and_bad_seeds_are_refused():
    with pytest.raises(KeyError):
        generators.generate("no-such-generator", 1)
    for seed in (-1, generators.MAX_SEED + 1, "3", True):
        with pytest.raises(ValueError, match="seed"):
            generators.generate(NAMES[0], seed)


def test_select_filters_by_difficulty_and_topic():
    assert {g.difficulty for g in generators.select(difficulties=[1])} == {1}
    assert {g.topic for g in generators.select(topics=["probes"])} == {"probes"}
    assert generators.select(topics=["docker"]) == []


def test_the_generators_package_imports_no_django():
    import subprocess
    import sys

    code = "import sys, quiz.generators; assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_first_sync_question_is_only_asked_when_the_new_replicaset_starts_scaled():
    for seed in range(60):
        item = generators.generate("rolling-first-sync", seed)
        first_new = next(step for step in rolling.simulate(item.draft.params).steps
                         if step.replica_set == rolling.NEW_RS_NAME)
        assert (first_new.t, first_new.scaled_from) == (0, 0) and first_new.scaled_to > 0


def test_the_which_node_question_has_one_winner_among_several_feasible_nodes():
    for seed in range(40):
        result = scheduler.simulate(generators.generate("scheduler-which-node", seed).draft.params)
        assert len(result.to_dict()["selected"]) == 1 and len(result.to_dict()["feasible"]) >= 2


def test_the_preemption_question_has_exactly_one_victim():
    for seed in range(40):
        result = scheduler.simulate(generators.generate("scheduler-preemption-victim", seed).draft.params).to_dict()
        assert result["nominated_node_name"] and len(result["victim_events"]) == 1


def test_the_nodeport_question_meets_every_verdict_across_seeds():
    verdicts = {generators.generate("service-external-verdict", seed).draft.answer for seed in range(60)}
    assert verdicts == {"forwarded", "dropped", "rejected"}


def test_the_source_address_question_is_about_a_forwarded_connection():
    for seed in range(40):
        item = generators.generate("service-source-ip", seed)
        assert service.simulate(item.draft.params).verdict == "forwarded"
