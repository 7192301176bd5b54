"""Small builders for quiz tests."""

from datetime import UTC, datetime

from django.contrib.auth import get_user_model

from kbase.models import Question, Topic
from quiz.models import Card, Preferences

PASSWORD = "correct horse battery staple"


def at(*args) -> datetime:
    """A UTC instant: at(2026, 3, 8, 12, 0)."""
    return datetime(*args, tzinfo=UTC)


def make_topic(slug="pods", *, position=0, **kwargs):
    defaults = {"name_en": slug.replace("-", " ").title(), "name_zh": f"{slug} 中文", "position": position}
    defaults.update(kwargs)
    return Topic.objects.get_or_create(slug=slug, defaults=defaults)[0]


def make_question(slug, *, topic=None, number=None, **kwargs):
    topic = topic or make_topic()
    if number is None:
        number = (Question.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    defaults = {
        "question_en": f"What is {slug}?",
        "question_zh": f"什么是 {slug}？",
        "answer_en": f"The answer about {slug}.",
        "answer_zh": f"关于 {slug} 的回答。",
        "answer_en_html": f"<p>The answer about {slug}.</p>",
        "answer_zh_html": f"<p>关于 {slug} 的回答。</p>",
    }
    defaults.update(kwargs)
    return Question.objects.create(slug=slug, number=number, topic=topic, **defaults)


def make_questions(count, *, topic=None, prefix="q", start=None):
    topic = topic or make_topic()
    first = start or (Question.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return [make_question(f"{prefix}-{i}", topic=topic, number=first + i) for i in range(count)]


def make_user(username="learner", **preferences):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    Preferences.objects.create(user=user, **preferences)
    return user


def make_card(user, question=None, **fields):
    question = question or make_question(f"card-q-{Question.objects.count() + 1}")
    return Card.objects.create(user=user, question=question, **fields)


def make_choice_question(slug, *, topic=None, difficulty=1, options=("right", "wrong one", "wrong two"), **kwargs):
    """A published question with multiple-choice options; the first option is the correct one."""
    from kbase.models import Choice

    question = make_question(
        slug, topic=topic, difficulty=difficulty,
        explanation_en_html=f"<p>Because of {slug}.</p>", explanation_zh_html=f"<p>因为 {slug}。</p>", **kwargs
    )
    for position, text in enumerate(options, start=1):
        Choice.objects.create(question=question, position=position, text_en=f"{text} ({slug})",
                              text_zh=f"{text}（{slug}）", is_correct=position == 1)
    return question
