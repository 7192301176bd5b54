import fsrs_rs_python
import pytest

from quiz import charts
from quiz.models import Preferences
from quiz.scheduling import DEFAULT_PARAMETERS
from quiz.workload import RETENTIONS, WORKLOAD_DAYS, WorkloadPoint, simulator_config, workload_curve
from tests.quiz.helpers import make_card, make_questions, make_topic, make_user


def test_the_curve_covers_070_to_097_with_the_learners_setting_marked():
    points = workload_curve(parameters=None, deck_size=400, new_per_day=20, reviews_per_day=200, current=0.9)

    assert [p.retention for p in points] == sorted({*RETENTIONS, 0.9})
    assert points[0].retention == 0.7 and points[-1].retention == 0.97
    assert [p.retention for p in points if p.current] == [0.9]
    # higher retention costs more reviews: the simulator's whole point
    assert points[-1].reviews_per_day > points[0].reviews_per_day


def test_each_point_is_the_simulators_mean_cards_per_day():
    points = workload_curve(parameters=None, deck_size=300, new_per_day=10, reviews_per_day=9999, current=0.85)
    config = simulator_config(deck_size=300, new_per_day=10, reviews_per_day=9999, days=WORKLOAD_DAYS)
    result = fsrs_rs_python.simulate(list(DEFAULT_PARAMETERS), 0.85, config, seed=2027)

    point = next(p for p in points if p.retention == 0.85)
    assert point.reviews_per_day == pytest.approx((sum(result.review_cnt_per_day) + sum(result.learn_cnt_per_day)) / 30)
    assert sum(result.learn_cnt_per_day) == 10 * 30  # the learner's new-card limit reaches the simulator


def test_the_chart_scales_columns_and_marks_the_current_and_optimal_retention():
    points = [WorkloadPoint(0.7, 10.0, False), WorkloadPoint(0.85, 25.0, True), WorkloadPoint(0.97, 48.0, False)]

    chart = charts.workload_chart(points, optimal=0.7)

    assert chart.peak == 50
    assert [c.height for c in chart.columns] == [round(146 * v / 50, 2) for v in (10, 25, 48)]
    assert [c.current for c in chart.columns] == [False, True, False]
    assert [c.optimal for c in chart.columns] == [True, False, False]
    assert chart.current.retention == 0.85


@pytest.mark.django_db
def test_the_workload_page_draws_the_chart_and_suggests_the_optimum(client):
    user = make_user(desired_retention=0.88)
    Preferences.objects.filter(user=user).update(optimal_retention=0.82)
    for question in make_questions(30, topic=make_topic()):
        make_card(user, question)
    client.force_login(user)

    for prefix in ("en", "zh-hans"):
        response = client.get(f"/{prefix}/workload/")
        html = response.content.decode()
        assert response.status_code == 200 and html.count("<h1") == 1
        assert html.count('<rect class="bar') == 10  # 0.88 is on the 0.03 grid
        assert 'class="bar current"' in html
        assert "0.82" in html
        assert " style=" not in html
