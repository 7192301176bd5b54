"""Small builders for knowledge-base tests."""

import textwrap
from pathlib import Path

from kbase.models import Question, Topic

TOPICS_YAML = """\
- slug: docker
  name:
    en: Docker and containers
    zh: Docker 与容器
- slug: probes
  name:
    en: Health probes
    zh: 健康探针
"""


def question_yaml(slug, *, number, topic="docker", extra="", answer_en="An answer.", answer_zh="一个回答。"):
    return textwrap.dedent(f"""\
        number: {number}
        slug: {slug}
        topic: {topic}
        difficulty: 2
        tags: [basics]
        question:
          en: What is {slug}?
          zh: 什么是 {slug}？
        answer:
          en: |
            {answer_en}
          zh: |
            {answer_zh}
        """) + textwrap.dedent(extra)


def write_content(root, questions, topics=TOPICS_YAML):
    """Write topics.yaml and {relative path: text} question files under root; returns root."""
    root = Path(root)
    (root / "questions").mkdir(parents=True, exist_ok=True)
    (root / "topics.yaml").write_text(topics, encoding="utf-8")
    for relative, text in questions.items():
        path = root / "questions" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def make_topic(slug="docker", **kwargs):
    defaults = {"name_en": slug.title(), "name_zh": slug, "position": 0}
    defaults.update(kwargs)
    return Topic.objects.get_or_create(slug=slug, defaults=defaults)[0]


def make_question(slug, *, topic=None, number=None, **kwargs):
    topic = topic or make_topic()
    number = number or (Question.objects.count() + 1)
    question = Question(
        slug=slug, number=number, topic=topic, difficulty=kwargs.pop("difficulty", 1),
        question_en=kwargs.pop("question_en", f"What is {slug}?"),
        question_zh=kwargs.pop("question_zh", f"什么是{slug}？"),
        answer_en=kwargs.pop("answer_en", f"About {slug}."),
        answer_zh=kwargs.pop("answer_zh", f"关于{slug}。"),
        **kwargs,
    )
    question.render()
    question.save()
    return question
