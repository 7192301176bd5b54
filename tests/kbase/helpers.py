"""Small builders for knowledge-base tests."""

import json
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


def admin_form_data(question, *, presets=None, choices=(), **overrides):
    """POST data for the question admin's change form, as a browser sends it.

    Presets default to the question's own; like the admin page, the first ones posted are
    the forms for the stored presets (INITIAL_FORMS) and the rest are new.
    """
    stored = len(question.sims or []) if question.pk else 0
    presets = list(question.sims or []) if presets is None else presets
    data = {
        "slug": question.slug, "number": question.number, "topic": question.topic_id, "difficulty": question.difficulty,
        "tags": json.dumps(question.tags), "is_published": "on" if question.is_published else "",
        "question_en": question.question_en, "question_zh": question.question_zh,
        "answer_en": question.answer_en, "answer_zh": question.answer_zh,
        "prompt_en": question.prompt_en, "prompt_zh": question.prompt_zh,
        "explanation_en": question.explanation_en, "explanation_zh": question.explanation_zh,
        "see_also": json.dumps(question.see_also), "references": json.dumps(question.references),
        "checked_kubernetes": question.checked_kubernetes, "checked_date": question.checked_date or "",
        "revision_comment": "",
        "choices-TOTAL_FORMS": len(choices), "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 0, "choices-MAX_NUM_FORMS": 1000,
        "sims-TOTAL_FORMS": len(presets), "sims-INITIAL_FORMS": min(stored, len(presets)), "sims-MIN_NUM_FORMS": 0, "sims-MAX_NUM_FORMS": 1000,
    }
    for index, preset in enumerate(presets):
        data[f"sims-{index}-kind"] = preset["kind"]
        data[f"sims-{index}-params"] = json.dumps(preset.get("params", {}))
        data[f"sims-{index}-caption_en"] = preset["caption"]["en"]
        data[f"sims-{index}-caption_zh"] = preset["caption"]["zh"]
    for index, (en, zh, correct) in enumerate(choices):
        data.update({f"choices-{index}-position": index, f"choices-{index}-text_en": en,
                     f"choices-{index}-text_zh": zh, f"choices-{index}-is_correct": "on" if correct else ""})
    data = {key: value for key, value in data.items() if value != "" or key.endswith(("_en", "_zh", "comment"))}
    data.update(overrides)
    return data


def make_user(django_user_model, name, *, staff=False, superuser=False, editor=False):
    from django.contrib.auth.models import Group

    if superuser:
        return django_user_model.objects.create_superuser(name, f"{name}@example.com", "pw-123456-long")
    user = django_user_model.objects.create_user(name, f"{name}@example.com", "pw-123456-long", is_staff=staff)
    if editor:
        if not Group.objects.filter(name="Content editor").exists():
            # Transactional (browser) tests flush the tables, and with them the group the migration made.
            import importlib

            from django.apps import apps

            importlib.import_module("kbase.migrations.0004_content_editor_group").create_group(apps, None)
        user.groups.add(Group.objects.get(name="Content editor"))
    return user
