"""Editorial bookkeeping: per-language change times, translation status and revision diffs."""

import difflib
import json
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

LANGS = ("en", "zh")
TEXT_FIELDS = ("question", "answer", "prompt", "explanation")
REQUIRED_TEXTS = {"question", "answer"}
FIELD_LABELS = {
    "question": _("question"), "answer": _("answer"), "prompt": _("quiz prompt"), "explanation": _("explanation"),
    "name": _("name"),
}
LANGUAGE_LABELS = {"en": "English", "zh": "中文", "": ""}
MISSING, STALE = "missing", "stale"


def _getter(source):
    if isinstance(source, dict):
        return lambda name: source.get(name)
    return lambda name: getattr(source, name, None)


def field_label(name):
    """'answer' -> 'answer'; 'caption.2' -> 'caption of preset 2'."""
    if name.startswith("caption."):
        return _("caption of preset %(n)s") % {"n": name.split(".", 1)[1]}
    if name.startswith("choice."):
        return _("choice %(n)s") % {"n": name.split(".", 1)[1]}
    return FIELD_LABELS.get(name, name.replace("_", " "))


def language_texts(source):
    """{field: {"en": text, "zh": text}} for a question's bilingual texts, simulator captions included.

    ``source`` is a Question or a revision's field dict.
    """
    get = _getter(source)
    texts = {name: {lang: get(f"{name}_{lang}") or "" for lang in LANGS} for name in TEXT_FIELDS}
    for index, preset in enumerate(get("sims") or [], start=1):
        caption = (preset.get("caption") if isinstance(preset, dict) else None) or {}
        texts[f"caption.{index}"] = {lang: caption.get(lang) or "" for lang in LANGS}
    return texts


def stamp_language_changes(question, before, now=None):
    """Record in question.lang_changed when each language of each text last changed.

    ``before`` is language_texts() of the stored version, or None for a new question.
    Changing only the language that was behind catches it up (both get the new time);
    changing only the language that was current leaves the other one behind (stale).
    """
    now = (now or timezone.now()).isoformat()
    before = before or {}
    after = language_texts(question)
    stamps = {name: dict(value) for name, value in (question.lang_changed or {}).items() if name in after}
    for name, texts in after.items():
        changed = [lang for lang in LANGS if texts[lang] != before.get(name, {}).get(lang, "")]
        if not changed:
            continue
        field_stamps = stamps.setdefault(name, {})
        if len(changed) == 1:
            (lang,) = changed
            other = "zh" if lang == "en" else "en"
            mine, theirs = _parse(field_stamps.get(lang)), _parse(field_stamps.get(other))
            if mine and theirs and mine < theirs:
                changed = list(LANGS)
        for lang in changed:
            field_stamps[lang] = now
    question.lang_changed = stamps


@dataclass(frozen=True)
class TranslationIssue:
    field: str
    language: str
    problem: str
    changed: datetime | None = None

    @property
    def label(self):
        return field_label(self.field)

    @property
    def language_label(self):
        return LANGUAGE_LABELS[self.language]


def _parse(stamp):
    try:
        return datetime.fromisoformat(stamp) if stamp else None
    except (TypeError, ValueError):
        return None


def translation_issues(question):
    """Texts missing in one language, or changed in one language after the other was last changed."""
    issues = []
    stamps = question.lang_changed or {}
    for name, texts in language_texts(question).items():
        present = {lang: bool(texts[lang].strip()) for lang in LANGS}
        if not any(present.values()):
            if name in REQUIRED_TEXTS:
                issues.extend(TranslationIssue(name, lang, MISSING) for lang in LANGS)
            continue
        issues.extend(TranslationIssue(name, lang, MISSING) for lang in LANGS if not present[lang])
        if all(present.values()):
            en, zh = (_parse(stamps.get(name, {}).get(lang)) for lang in LANGS)
            if en and zh and en != zh:
                issues.append(TranslationIssue(name, "zh" if en > zh else "en", STALE, max(en, zh)))
    return issues


# ---------------------------------------------------------------- revision diffs

def _text(value):
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def flatten_question(fields, choices=()):
    """A question version as ordered {(field, language): text}, for diffs."""
    rows = {}
    for name, texts in language_texts(fields).items():
        for lang in LANGS:
            rows[(name, lang)] = texts[lang]
    for index, choice in enumerate(sorted(choices, key=lambda c: c.get("position", 0)), start=1):
        mark = " ✓" if choice.get("is_correct") else ""
        for lang in LANGS:
            rows[(f"choice.{index}", lang)] = (choice.get(f"text_{lang}") or "") + mark
    for name in ("slug", "number", "topic_id", "difficulty", "tags", "is_published", "see_also", "references",
                 "checked_kubernetes", "checked_date"):
        rows[(name, "")] = _text(fields.get(name))
    rows[("sims", "")] = _text([{"kind": p.get("kind"), "params": p.get("params")} for p in fields.get("sims") or []
                                if isinstance(p, dict)])
    return rows


def flatten_topic(fields, choices=()):
    rows = {("name", lang): fields.get(f"name_{lang}") or "" for lang in LANGS}
    rows[("slug", "")] = _text(fields.get("slug"))
    rows[("position", "")] = _text(fields.get("position"))
    return rows


@dataclass
class DiffRow:
    field: str
    language: str
    table: str

    @property
    def label(self):
        return field_label(self.field)

    @property
    def language_label(self):
        return LANGUAGE_LABELS[self.language]


def diff_rows(old, new, old_label, new_label):
    """Side-by-side HTML diffs (difflib) of every (field, language) whose text differs."""
    differ = difflib.HtmlDiff(wrapcolumn=60)
    rows = []
    for key in dict.fromkeys([*old, *new]):
        before, after = old.get(key, ""), new.get(key, "")
        if before == after:
            continue
        # HtmlDiff escapes the texts it shows; its table uses classes, never inline styles.
        table = differ.make_table(before.splitlines(), after.splitlines(), old_label, new_label, context=True, numlines=2)
        rows.append(DiffRow(key[0], key[1], mark_safe(table)))
    return rows


TEXT_COLUMNS = [f"{name}_{lang}" for name in TEXT_FIELDS for lang in LANGS]


@dataclass
class StatusRow:
    question: object
    issues: list


def translation_status(queryset):
    """Questions with at least one translation issue, in content order; one query."""
    rows = []
    for question in queryset.only("slug", "number", "topic__slug", "sims", "lang_changed", *TEXT_COLUMNS):
        issues = translation_issues(question)
        if issues:
            rows.append(StatusRow(question, issues))
    return rows


# ---------------------------------------------------------------- preview

def choices_from_post(data, prefix="choices"):
    """The choices typed into the admin's inline, in order, without those marked for deletion."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), 50)
    except ValueError:
        total = 0
    rows = []
    for index in range(total):
        key = f"{prefix}-{index}-"
        if data.get(key + "DELETE") or not (data.get(key + "text_en") or data.get(key + "text_zh")):
            continue
        try:
            position = int(data.get(key + "position") or index)
        except ValueError:
            position = index
        rows.append({"position": position, "text_en": data.get(key + "text_en", ""),
                     "text_zh": data.get(key + "text_zh", ""), "is_correct": bool(data.get(key + "is_correct"))})
    return sorted(rows, key=lambda row: row["position"])


def preview_context(question, choices, sim_formset=None, preset_forms=()):
    """What the preview shows: each language's question, answer, simulator runs, quiz item and see-also links.

    The question's Markdown must already be rendered (Question.render), exactly as on saving.
    """
    from kbase.models import Question

    slugs = [slug for slug in (question.see_also or []) if isinstance(slug, str)]
    targets = Question.objects.filter(slug__in=slugs).only("slug", "question_en", "question_zh").in_bulk(
        field_name="slug")
    columns = []
    for lang, code in (("en", "en"), ("zh", "zh-hans")):
        columns.append({
            "lang": lang, "code": code, "label": LANGUAGE_LABELS[lang],
            "question": getattr(question, f"question_{lang}"),
            "answer_html": mark_safe(getattr(question, f"answer_{lang}_html")),
            "prompt": getattr(question, f"prompt_{lang}") or getattr(question, f"question_{lang}"),
            "choices": [(choice[f"text_{lang}"], choice["is_correct"]) for choice in choices],
            "explanation_html": mark_safe(getattr(question, f"explanation_{lang}_html")),
            "see_also": [(slug, targets.get(slug)) for slug in slugs],
        })
    preset_errors = []
    if sim_formset is not None:
        counted = set(map(id, preset_forms))
        for index, form in enumerate(sim_formset.forms):
            errors = [*form.errors.get("params", []), *form.errors.get("kind", [])] if id(form) in counted else []
            preset_errors.append((f"{sim_formset.prefix}-{index}-live-errors", errors))
    return {"columns": columns, "sims": [p for p in question.sims or [] if p.get("kind")],
            "preset_errors": preset_errors}
