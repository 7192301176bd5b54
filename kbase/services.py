"""Writes for the knowledge base: importing content files into the database."""

from dataclasses import dataclass, field

from django.db import transaction

from kbase.models import Choice, Question, Topic

QUESTION_FIELDS = [
    "number", "topic_id", "difficulty", "tags", "question_en", "question_zh", "answer_en", "answer_zh",
    "prompt_en", "prompt_zh", "explanation_en", "explanation_zh", "sims", "see_also", "references",
    "checked_kubernetes", "checked_date", "is_published",
]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unpublished: int = 0
    topics_changed: int = 0
    kept_edits: list = field(default_factory=list)

    @property
    def changed(self):
        return bool(self.created or self.updated or self.unpublished or self.topics_changed)


def _question_values(record, topic_ids):
    return {
        "number": record.number,
        "topic_id": topic_ids[record.topic],
        "difficulty": record.difficulty,
        "tags": record.tags,
        "question_en": record.question["en"],
        "question_zh": record.question["zh"],
        "answer_en": record.answer["en"],
        "answer_zh": record.answer["zh"],
        "prompt_en": record.prompt.get("en", ""),
        "prompt_zh": record.prompt.get("zh", ""),
        "explanation_en": record.explanation.get("en", ""),
        "explanation_zh": record.explanation.get("zh", ""),
        "sims": record.sims,
        "see_also": record.see_also,
        "references": record.references,
        "checked_kubernetes": record.checked.get("kubernetes", ""),
        "checked_date": record.checked.get("date"),
        "is_published": True,
    }


def _choice_rows(question):
    return [(c.text_en, c.text_zh, c.is_correct) for c in question.choices.all()]


@transaction.atomic
def content_import(*, topics, questions, force=False):
    """Write validated topic and question records; unchanged rows are left untouched.

    Questions edited in the admin since the last export keep their database version
    (reported in ``kept_edits``) unless ``force`` is set, so a re-import never loses edits.
    """
    report = ImportReport()
    existing_topics = {topic.slug: topic for topic in Topic.objects.all()}
    for record in topics:
        topic = existing_topics.get(record.slug)
        values = {"name_en": record.name_en, "name_zh": record.name_zh, "position": record.position}
        if topic is None:
            existing_topics[record.slug] = Topic.objects.create(slug=record.slug, **values)
            report.topics_changed += 1
        elif any(getattr(topic, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(topic, key, value)
            topic.save()
            report.topics_changed += 1
    topic_ids = {slug: topic.pk for slug, topic in existing_topics.items()}

    existing = {q.slug: q for q in Question.objects.prefetch_related("choices")}
    incoming = {record.slug: record for record in questions}
    if not force:
        kept = [q.slug for q in existing.values() if q.has_unexported_edits and q.slug in incoming]
        report.kept_edits = kept
        questions = [record for record in questions if record.slug not in kept]
    # Numbers are unique: park renumbered and removed rows out of the way so swaps cannot collide.
    moving = [q for q in existing.values() if q.slug in incoming and q.number != incoming[q.slug].number
              and q.slug not in report.kept_edits]
    for question in moving:
        Question.objects.filter(pk=question.pk).update(number=1_000_000 + question.pk)
    for question in existing.values():
        if question.slug not in incoming and (question.is_published or question.number < 2_000_000):
            report.unpublished += question.is_published
            Question.objects.filter(pk=question.pk).update(is_published=False, number=2_000_000 + question.pk)

    for record in questions:
        values = _question_values(record, topic_ids)
        choices = [(c["en"], c["zh"], c["correct"]) for c in record.choices]
        question = existing.get(record.slug)
        if question is None:
            question = Question(slug=record.slug, **values)
            question.render()
            question.save()
            report.created += 1
        elif question in moving or any(getattr(question, k) != v for k, v in values.items()) \
                or _choice_rows(question) != choices:
            for key, value in values.items():
                setattr(question, key, value)
            question.has_unexported_edits = False
            question.render()
            question.save()
            question.choices.all().delete()
            report.updated += 1
        else:
            report.unchanged += 1
            continue
        Choice.objects.bulk_create(
            Choice(question=question, position=i, text_en=en, text_zh=zh, is_correct=ok)
            for i, (en, zh, ok) in enumerate(choices)
        )
    return report
