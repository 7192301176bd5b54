"""Workload against desired retention, from fsrs-rs-python's simulator (`simulate`, `optimal_retention`).

`simulate(w, desired_retention, config, seed)` runs the library's day-by-day review simulation of a
deck (src/simulation.rs in fsrs-rs) and returns reviews per day; `optimal_retention(config, w)` searches
for the retention with the least review time per unit of memorised knowledge. We configure both from
the learner's deck: its size, their daily new-card and review limits, and their parameters. The
binding's `simulate` takes no existing cards, so the deck is simulated from unseen.

The curve is cheap (about 13 ms per retention for a 5,000-card deck over 30 days) and cached per
learner and day; the optimal retention simulates a year and takes seconds, so `manage.py fit_fsrs`
computes it and stores it on the learner's preferences.
"""

from dataclasses import dataclass

import fsrs_rs_python

from quiz.scheduling import DEFAULT_PARAMETERS

WORKLOAD_DAYS = 30
RETENTIONS = tuple(round(0.70 + 0.03 * step, 2) for step in range(10))  # 0.70, 0.73, ... 0.97
SEED = 2027


@dataclass(frozen=True)
class WorkloadPoint:
    retention: float
    reviews_per_day: float
    current: bool


def simulator_config(*, deck_size: int, new_per_day: int, reviews_per_day: int, days: int):
    config = fsrs_rs_python.default_simulator_config()
    config.deck_size = max(1, deck_size)
    config.learn_span = days
    config.learn_limit = new_per_day
    config.review_limit = reviews_per_day
    return config


def workload_curve(
    *, parameters, deck_size: int, new_per_day: int, reviews_per_day: int, current: float
) -> list[WorkloadPoint]:
    """Mean reviews per day over the next WORKLOAD_DAYS for each retention in RETENTIONS and the learner's own."""
    weights = list(parameters or DEFAULT_PARAMETERS)
    config = simulator_config(deck_size=deck_size, new_per_day=new_per_day, reviews_per_day=reviews_per_day,
                              days=WORKLOAD_DAYS)
    retentions = sorted(set(RETENTIONS) | {round(current, 2)})
    points = []
    for retention in retentions:
        result = fsrs_rs_python.simulate(weights, retention, config, seed=SEED)
        reviews = sum(result.review_cnt_per_day) + sum(result.learn_cnt_per_day)
        points.append(WorkloadPoint(retention=retention, reviews_per_day=reviews / WORKLOAD_DAYS,
                                    current=retention == round(current, 2)))
    return points


def optimal_retention(*, parameters, deck_size: int, new_per_day: int, reviews_per_day: int) -> float:
    """The library's optimal retention over a year for this deck (slow: run it from the command)."""
    config = simulator_config(deck_size=deck_size, new_per_day=new_per_day, reviews_per_day=reviews_per_day, days=365)
    return round(fsrs_rs_python.optimal_retention(config, list(parameters or DEFAULT_PARAMETERS)), 2)
