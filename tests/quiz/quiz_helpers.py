"""Builders for timed-quiz tests."""

from quiz.models import Mix
from quiz.quizzes import QuizSpec
from quiz.services import attempt_start
from tests.quiz.helpers import make_choice_question, make_topic


def make_bank(count=6, *, slug="probes", difficulty=1):
    topic = make_topic(slug, name_en=slug.title(), name_zh=f"{slug}中文")
    return [make_choice_question(f"{slug}-{n}", topic=topic, difficulty=difficulty) for n in range(count)]


def spec(*, topics=(), count=5, mix=Mix.CHOICES, low=1, high=3):
    return QuizSpec(topics=tuple(topics), count=count, difficulty_min=low, difficulty_max=high, mix=mix)


def start(user, *, minutes=5, now=None, seed=None, **spec_kwargs):
    return attempt_start(user=user, spec=spec(**spec_kwargs), time_limit_minutes=minutes, now=now, seed=seed)


def right_value(item):
    return item.correct_answer


def wrong_value(item):
    if item.options:
        return next(option["value"] for option in item.options if option["value"] != item.correct_answer)
    return str(float(item.correct_answer) + 1000)
