"""Writes for the knowledge base: importing content files, editing, restoring revisions."""

from contextlib import contextmanager
from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _

from kbase.editorial import language_texts, stamp_language_changes
from kbase.models import Choice, Question, Topic

IMPORT_COMMENT = "Imported by load_content"
FORCED_COMMENT = "Admin version kept before load_content --force overwrote it"

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
    overwritten: list = field(default_factory=list)

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


def _differs(question, values, choices):
    return any(getattr(question, key) != value for key, value in values.items()) or _choice_rows(question) != choices


def _conflicts(existing, records, topic_ids):
    """Questions edited in the admin since the last import or dump: (those whose file differs, those it matches)."""
    conflicts, in_sync = [], []
    for record in records:
        question = existing.get(record.slug)
        if question is None or not question.has_unexported_edits:
            continue
        choices = [(c["en"], c["zh"], c["correct"]) for c in record.choices]
        (conflicts if _differs(question, _question_values(record, topic_ids), choices) else in_sync).append(question)
    return conflicts, in_sync


@transaction.atomic
def content_import(*, topics, questions, force=False):
    """Write validated records; every question and topic it changes gets a revision of its own.

    Questions edited in the admin since the last import or dump whose files differ are
    conflicts: they keep their database version (reported in ``kept_edits``) unless
    ``force`` is set; then each admin version is first saved as a revision (reported in
    ``overwritten``) so it stays restorable.
    """
    report = ImportReport()
    existing_topics = {topic.slug: topic for topic in Topic.objects.all()}
    for record in topics:
        topic = existing_topics.get(record.slug)
        values = {"name_en": record.name_en, "name_zh": record.name_zh, "position": record.position}
        if topic is None:
            with _revision(IMPORT_COMMENT):
                existing_topics[record.slug] = Topic.objects.create(slug=record.slug, **values)
            report.topics_changed += 1
        elif any(getattr(topic, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(topic, key, value)
            topic.has_unexported_edits = False
            with _revision(IMPORT_COMMENT):
                topic.save()
            report.topics_changed += 1
    topic_ids = {slug: topic.pk for slug, topic in existing_topics.items()}

    existing = {q.slug: q for q in Question.objects.prefetch_related("choices")}
    incoming = {record.slug: record for record in questions}
    conflicts, in_sync = _conflicts(existing, questions, topic_ids)
    Question.objects.filter(pk__in=[q.pk for q in in_sync]).update(has_unexported_edits=False)
    if force:
        report.overwritten = [q.slug for q in conflicts]
        for question in conflicts:
            with _revision(FORCED_COMMENT):
                reversion.add_to_revision(question)
    else:
        report.kept_edits = [q.slug for q in conflicts]
        questions = [record for record in questions if record.slug not in report.kept_edits]
    # Numbers are unique: park renumbered and removed rows out of the way so swaps cannot collide.
    moving = [q for q in existing.values() if q.slug in incoming and q.number != incoming[q.slug].number
              and q.slug not in report.kept_edits]
    for question in moving:
        Question.objects.filter(pk=question.pk).update(number=1_000_000 + question.pk)
    for question in existing.values():
        if question.slug not in incoming and (question.is_published or question.number < 2_000_000):
            report.unpublished += question.is_published
            Question.objects.filter(pk=question.pk).update(is_published=False, number=2_000_000 + question.pk)
            if question.is_published:
                with _revision(IMPORT_COMMENT):
                    reversion.add_to_revision(Question.objects.get(pk=question.pk))

    for record in questions:
        values = _question_values(record, topic_ids)
        choices = [(c["en"], c["zh"], c["correct"]) for c in record.choices]
        question = existing.get(record.slug)
        if question is not None and question not in moving and not _differs(question, values, choices):
            report.unchanged += 1
            continue
        with _revision(IMPORT_COMMENT):
            if question is None:
                question = Question(slug=record.slug, **values)
                question.render()
                stamp_language_changes(question, None)
                question.save()
                report.created += 1
            else:
                before = language_texts(question)
                for key, value in values.items():
                    setattr(question, key, value)
                question.has_unexported_edits = False
                question.render()
                stamp_language_changes(question, before)
                question.save()
                question.choices.all().delete()
                report.updated += 1
            Choice.objects.bulk_create(
                Choice(question=question, position=i, text_en=en, text_zh=zh, is_correct=ok)
                for i, (en, zh, ok) in enumerate(choices)
            )
            reversion.add_to_revision(question)  # again, now with its new choices
    return report


@contextmanager
def _revision(comment, user=None):
    """A revision block of its own: one question's or topic's history stays small to read back."""
    with reversion.create_revision():
        reversion.set_comment(comment)
        reversion.set_user(user)
        yield


# ---------------------------------------------------------------- editing

def stored_texts(question):
    """language_texts() of the question as the database holds it (None for a new question)."""
    if question.pk is None:
        return None
    stored = Question.objects.filter(pk=question.pk).only("sims", *[
        f"{name}_{lang}" for name in ("question", "answer", "prompt", "explanation") for lang in ("en", "zh")
    ]).first()
    return language_texts(stored) if stored else None


def question_prepare_edit(*, question, before):
    """Ready an edited question for saving: render its Markdown, stamp changed languages, mark it for export."""
    question.render()
    stamp_language_changes(question, before)
    question.has_unexported_edits = True


# Identity (slug, number) stays; everything a writer wrote comes back.
RESTORED_QUESTION_FIELDS = [
    "topic_id", "difficulty", "tags", "question_en", "question_zh", "answer_en", "answer_zh", "prompt_en",
    "prompt_zh", "explanation_en", "explanation_zh", "sims", "see_also", "references", "checked_kubernetes",
    "checked_date", "is_published",
]


def revision_choices(version):
    """The choices stored with a question's version, as field dicts in order."""
    choice_type = ContentType.objects.get_for_model(Choice)
    rows = [v.field_dict for v in version.revision.version_set.filter(content_type=choice_type)]
    return sorted((row for row in rows if str(row.get("question_id")) == version.object_id),
                  key=lambda row: row["position"])


def _restore_comment(version):
    when = localize(timezone.localtime(version.revision.date_created))
    return _("Restored the revision of %(when)s") % {"when": when}


@transaction.atomic
def question_restore(*, question, version, user):
    """Bring back a question's texts, settings and choices from a revision; this is itself a new revision."""
    fields = version.field_dict
    before = language_texts(question)
    for name in RESTORED_QUESTION_FIELDS:
        setattr(question, name, fields[name])
    question_prepare_edit(question=question, before=before)
    with _revision(_restore_comment(version), user):
        question.save()
        question.choices.all().delete()
        Choice.objects.bulk_create(
            Choice(question=question, position=row["position"], text_en=row["text_en"], text_zh=row["text_zh"],
                   is_correct=row["is_correct"])
            for row in revision_choices(version)
        )
        reversion.add_to_revision(question)
    return question


@transaction.atomic
def topic_restore(*, topic, version, user):
    """Bring back a topic's names and position from a revision; this is itself a new revision."""
    fields = version.field_dict
    for name in ("name_en", "name_zh", "position"):
        setattr(topic, name, fields[name])
    topic.has_unexported_edits = True
    with _revision(_restore_comment(version), user):
        topic.save()
    return topic


@transaction.atomic
def questions_publish(*, questions, published, user):
    """Publish or unpublish questions, one revision for the lot; returns how many changed."""
    changed = [q for q in questions if q.is_published != published]
    with _revision("Published" if published else "Unpublished", user):
        for question in changed:
            question.is_published = published
            question.save(update_fields=["is_published", "updated_at"])
    return len(changed)
