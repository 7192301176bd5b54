import json
import random
from datetime import UTC, datetime, timedelta

import fsrs
import fsrs_rs_python
import pytest
from django.core.management import call_command

from quiz import fitting
from quiz.fitting import MIN_TRAINING_ITEMS, fsrs_fit, training_set
from quiz.models import Card, FsrsFit, Preferences, Rating, ReviewLog, State
from quiz.scheduling import DEFAULT_PARAMETERS, schedule
from tests.quiz.helpers import make_card, make_questions, make_topic, make_user

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
# A learner who remembers far better than FSRS's defaults assume: initial stabilities x4, faster growth.
TRUE_PARAMETERS = list(DEFAULT_PARAMETERS)
TRUE_PARAMETERS[0:4] = [1.0, 5.0, 9.0, 30.0]
TRUE_PARAMETERS[8] = 2.4


def synthetic_logs(user, *, cards, reviews_per_card, seed=3):
    """Review logs of a simulated learner: recall drawn from TRUE_PARAMETERS, intervals from the default scheduler."""
    rng = random.Random(seed)
    truth = fsrs.Scheduler(parameters=TRUE_PARAMETERS, enable_fuzzing=False)
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    topic = make_topic("synthetic")
    logs = []
    for question in make_questions(cards, topic=topic, prefix="syn"):
        card = make_card(user, question)
        true_card, our_card = fsrs.Card(card_id=card.pk, due=START), fsrs.Card(card_id=card.pk, due=START)
        moment = START + timedelta(days=rng.randint(0, 20))
        for index in range(reviews_per_card):
            if index == 0:
                rating = rng.choice([1, 3, 3, 3, 4])
            elif rng.random() < truth.get_card_retrievability(true_card, moment):
                rating = 3 if rng.random() < 0.85 else rng.choice([2, 4])
            else:
                rating = 1
            logs.append(ReviewLog(user=user, card=card, rating=rating, reviewed_at=moment, day=moment.date(),
                                  scheduled_interval=timedelta(days=1), state_before=State.REVIEW))
            true_card, _ = truth.review_card(true_card, fsrs.Rating(rating), review_datetime=moment)
            our_card, _ = scheduler.review_card(our_card, fsrs.Rating(rating), review_datetime=moment)
            moment = max(our_card.due, moment + timedelta(days=1)) + timedelta(hours=rng.randint(0, 8))
    ReviewLog.objects.bulk_create(logs)
    return logs


def test_training_items_are_each_review_on_a_later_day_with_its_history():
    user = make_user()
    card = make_card(user)
    for day, rating in [(0, 3), (0, 3), (2, 1), (2, 3), (9, 3)]:
        moment = START + timedelta(days=day, minutes=len(ReviewLog.objects.all()))
        ReviewLog.objects.create(user=user, card=card, rating=rating, reviewed_at=moment, day=moment.date(),
                                 scheduled_interval=timedelta(0), state_before=State.LEARNING)

    data = training_set(user=user)

    assert data.review_count == 5
    # the second-day and ninth-day reviews make items; same-day repeats only join the history
    assert [repr(item) for item in data.items] == [
        "FSRSItem { reviews: [" + ", ".join(f"FSRSReview {{ rating: {r}, delta_t: {d} }}" for r, d in history) + "] }"
        for history in ([(3, 0), (3, 0), (1, 2)], [(3, 0), (3, 0), (1, 2), (3, 0), (3, 7)])
    ]


def test_the_library_keeps_its_defaults_below_eight_training_items():
    # fsrs-rs compute_parameters: `if train_set.len() < 8 { return DEFAULT_PARAMETERS }`
    items = [fsrs_rs_python.FSRSItem([fsrs_rs_python.FSRSReview(3, 0), fsrs_rs_python.FSRSReview(3, 3 + n)])
             for n in range(MIN_TRAINING_ITEMS - 1)]
    fitted = fsrs_rs_python.FSRS(fsrs_rs_python.DEFAULT_PARAMETERS).compute_parameters(items)

    assert fitted == pytest.approx(list(fsrs_rs_python.DEFAULT_PARAMETERS))
    assert fsrs_rs_python.DEFAULT_PARAMETERS == pytest.approx(list(DEFAULT_PARAMETERS), abs=1e-6)


def test_fitted_parameters_are_clamped_into_the_bounds_py_fsrs_accepts():
    from fsrs.scheduler import UPPER_BOUNDS_PARAMETERS

    nudged = list(DEFAULT_PARAMETERS)
    nudged[20] = UPPER_BOUNDS_PARAMETERS[20] + 1e-8  # a float32 round-off past the bound
    with pytest.raises(ValueError):
        fsrs.Scheduler(parameters=nudged)

    clamped = fitting.within_py_fsrs_bounds(nudged)

    assert clamped[20] == UPPER_BOUNDS_PARAMETERS[20] and clamped[:20] == nudged[:20]
    fsrs.Scheduler(parameters=clamped)


def test_below_the_minimum_nothing_is_fitted_and_the_defaults_stay():
    user = make_user()
    synthetic_logs(user, cards=3, reviews_per_card=3)  # 6 training items
    assert len(training_set(user=user).items) < MIN_TRAINING_ITEMS

    assert fsrs_fit(user=user) is None
    assert not FsrsFit.objects.exists()
    assert Preferences.objects.get(user=user).fsrs_parameters is None


def test_a_fit_on_a_synthetic_learner_beats_the_defaults_and_is_then_used():
    user = make_user()
    synthetic_logs(user, cards=120, reviews_per_card=6)

    fit = fsrs_fit(user=user)

    assert fit.used
    assert fit.log_loss < fit.default_log_loss
    assert fit.review_count == 720 and fit.item_count >= 64
    assert len(fit.parameters) == 21
    # the initial stabilities move towards the simulated learner's (far above the defaults)
    assert fit.parameters[2] > DEFAULT_PARAMETERS[2]
    preferences = Preferences.objects.get(user=user)
    assert preferences.fsrs_parameters == fit.parameters
    # and reviews are scheduled with them
    card = Card(pk=1, state=State.REVIEW, stability=10.0, difficulty=5.0, due=START, last_review=START - timedelta(days=10), reps=3)
    mine = schedule(card=card, rating=Rating.AGAIN, at=START, desired_retention=0.9, parameters=preferences.fsrs_parameters)
    default = schedule(card=card, rating=Rating.AGAIN, at=START, desired_retention=0.9)
    assert mine.stability != default.stability


def test_a_fit_that_does_not_beat_the_defaults_is_stored_but_not_used(monkeypatch):
    user = make_user()
    Preferences.objects.filter(user=user).update(fsrs_parameters=[0.5] * 21)
    synthetic_logs(user, cards=20, reviews_per_card=3)
    monkeypatch.setattr(fitting, "fit_parameters", lambda items: ([0.4] * 21, 0.40, 0.09, 0.35, 0.06))

    fit = fsrs_fit(user=user)

    assert not fit.used
    assert (fit.log_loss, fit.default_log_loss) == (0.40, 0.35)
    assert Preferences.objects.get(user=user).fsrs_parameters is None


def test_the_command_refits_only_after_200_new_reviews(monkeypatch):
    user = make_user()
    synthetic_logs(user, cards=20, reviews_per_card=3)
    calls = []
    monkeypatch.setattr(fitting, "fit_parameters", lambda items: calls.append(len(items)) or (list(DEFAULT_PARAMETERS), 0.3, 0.05, 0.3, 0.05))

    call_command("fit_fsrs", "--skip-optimal", stdout=open("/dev/null", "w"))
    call_command("fit_fsrs", "--skip-optimal", stdout=open("/dev/null", "w"))
    assert len(calls) == 1
    call_command("fit_fsrs", "--skip-optimal", "--force", stdout=open("/dev/null", "w"))
    assert len(calls) == 2


def test_the_parameters_export_is_json_with_the_weights_in_use(client):
    user = make_user()
    client.force_login(user)
    data = json.loads(client.get("/en/export/fsrs-parameters.json").content)
    assert data["parameters"] == pytest.approx(list(DEFAULT_PARAMETERS))
    assert data["personal"] is False and data["latest_fit"] is None
