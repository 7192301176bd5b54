from hypothesis import given
from hypothesis import strategies as st

from quiz.grading import CHOICE, NUMBER, TopicScore, by_topic, format_number, is_correct, parse_number, percent


def test_numbers_are_read_the_way_people_type_them():
    assert parse_number(" 12 ") == 12 and parse_number("12,5") == 12.5 and parse_number("1e3") == 1000
    for text in ("", "soon", "nan", "inf", "1" * 40):
        assert parse_number(text) is None


@given(st.integers(min_value=-10**9, max_value=10**9))
def test_an_integer_answer_round_trips_through_its_key(number):
    assert format_number(number) == str(number)
    assert is_correct(answer_type=NUMBER, correct=format_number(number), value=f" {number} ")


# Answers are kept to six decimals, so tolerances are whole thousandths or more (or none).
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.one_of(st.just(0.0), st.floats(min_value=0.001, max_value=100)))
def test_a_number_within_the_tolerance_is_right_and_one_beyond_it_is_wrong(answer, tolerance):
    key = format_number(answer)
    expected = parse_number(key)
    assert is_correct(answer_type=NUMBER, correct=key, value=format_number(expected + tolerance * 0.999),
                      tolerance=tolerance)
    assert not is_correct(answer_type=NUMBER, correct=key, value=format_number(expected + tolerance + 0.01),
                          tolerance=tolerance)


def test_a_choice_is_right_only_when_it_is_the_correct_option():
    assert is_correct(answer_type=CHOICE, correct="2", value="2")
    assert not is_correct(answer_type=CHOICE, correct="2", value="3")
    assert not is_correct(answer_type=NUMBER, correct="2", value="two")


def test_scores_are_summed_per_topic_in_order_of_appearance():
    rows = [("pods", "Pods", True), ("etcd", "etcd", False), ("pods", "Pods", False), ("pods", "Pods", True)]
    assert by_topic(rows) == [TopicScore("pods", "Pods", 2, 3), TopicScore("etcd", "etcd", 0, 1)]
    assert [score.percent for score in by_topic(rows)] == [67, 0]
    assert percent(1, 6) == 17 and percent(0, 0) == 0
