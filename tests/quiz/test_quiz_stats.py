from quiz.quiz_stats import trend_chart


def test_the_trend_spreads_attempts_across_the_width_on_a_0_to_100_axis():
    chart = trend_chart([("a", 0), ("b", 50), ("c", 100)], height=140)
    assert [point.x for point in chart.points] == [34, 192, 350]
    assert [point.y for point in chart.points] == [chart.baseline, 65, chart.top]
    assert chart.polyline == "34,120 192,65 350,10"
    assert chart.latest == 100


def test_one_or_no_attempts_still_draw():
    assert trend_chart([("a", 40)]).points[0].x == 34
    empty = trend_chart([])
    assert empty.points == [] and empty.latest is None and empty.polyline == ""
