"""Read, validate and write the YAML content under content/.

Validation collects every problem as ``file:line: reason`` before anything is written.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kbase.manifest_lint import lint_markdown
from sim import registry as sim_registry
from sim.engine import ParamError

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https?://[^\s]+$")
LANGS = ("en", "zh")

QUESTION_KEYS = {
    "number": True, "slug": True, "topic": True, "difficulty": True, "tags": False, "question": True,
    "answer": True, "prompt": False, "choices": False, "explanation": False, "sims": False,
    "see_also": False, "references": False, "checked": False,
}
KUBERNETES_MINOR_RE = re.compile(r"^1\.\d{1,2}$")
KEY_ORDER = list(QUESTION_KEYS)


class LinedDict(dict):
    """A mapping that remembers the line (1-based) of itself and of each key."""

    line = 0
    key_lines = None

    def line_of(self, key):
        return (self.key_lines or {}).get(key, self.line)


class LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        mapping = LinedDict(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {key_node.value: key_node.start_mark.line + 1 for key_node, _ in node.value}
        return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, LineLoader.construct_mapping)


class ContentError(Exception):
    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class TopicRecord:
    slug: str
    name_en: str
    name_zh: str
    position: int


@dataclass
class QuestionRecord:
    path: str
    slug: str
    number: int
    topic: str
    difficulty: int
    tags: list
    question: dict
    answer: dict
    prompt: dict = field(default_factory=dict)
    choices: list = field(default_factory=list)
    explanation: dict = field(default_factory=dict)
    sims: list = field(default_factory=list)
    see_also: list = field(default_factory=list)
    references: list = field(default_factory=list)
    checked: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)


class _Problems(list):
    def add(self, path, line, reason):
        self.append(f"{path}:{line}: {reason}")


# Size limits of the importer: the largest question file today is about 11 KB.
MAX_FILE_BYTES = 256 * 1024
MAX_TEXT_CHARS = 64 * 1024


def _load_yaml(path, display, problems):
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.add(display, 1, f"file is {size:,} bytes (at most {MAX_FILE_BYTES:,})")
        return None
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)
    except UnicodeDecodeError as exc:
        problems.add(display, 1, f"not UTF-8 text ({exc.reason})")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and exc.problem_mark and exc.context_mark.line < exc.problem_mark.line:
            # An unclosed quote or bracket: the problem is found at the end of the file, but the
            # context mark is where it opens, which is the line to fix.
            mark = exc.context_mark
        line = mark.line + 1 if mark else 1
        problems.add(display, line, f"invalid YAML: {exc.problem or exc.context}")
    except yaml.YAMLError as exc:
        problems.add(display, 1, f"invalid YAML: {exc}")
    return None


def _bilingual(data, key, display, problems, *, required=True):
    value = data.get(key)
    line = data.line_of(key) if isinstance(data, LinedDict) else 1
    if value is None:
        if required:
            problems.add(display, line, f"'{key}' is required with 'en' and 'zh'")
        return {}
    if not isinstance(value, dict):
        problems.add(display, line, f"'{key}' must be a mapping with 'en' and 'zh'")
        return {}
    result = {}
    for extra in set(value) - set(LANGS):
        problems.add(display, line, f"'{key}' has unknown language {extra!r} (expected en, zh)")
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            problems.add(display, value.line_of(lang) if isinstance(value, LinedDict) else line,
                         f"'{key}.{lang}' must be non-empty text")
        elif len(text) > MAX_TEXT_CHARS:
            problems.add(display, value.line_of(lang) if isinstance(value, LinedDict) else line,
                         f"'{key}.{lang}' is {len(text):,} characters (at most {MAX_TEXT_CHARS:,})")
        else:
            result[lang] = text
    return result


def _string_list(data, key, display, problems, pattern, what):
    value = data.get(key, [])
    line = data.line_of(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.add(display, line, f"'{key}' must be a list of {what}")
        return []
    for item in value:
        if not pattern.match(item):
            problems.add(display, line, f"'{key}' entry {item!r} is not a valid {what[:-1]}")
    if len(set(value)) != len(value):
        problems.add(display, line, f"'{key}' lists the same entry twice")
    return value


def load_topics(content_dir, problems):
    path = content_dir / "topics.yaml"
    display = "topics.yaml"
    if not path.exists():
        problems.add(display, 1, "file is missing")
        return []
    data = _load_yaml(path, display, problems)
    if data is None:
        return []
    if not isinstance(data, list):
        problems.add(display, 1, "must be a list of topics")
        return []
    topics, seen = [], set()
    for position, item in enumerate(data):
        if not isinstance(item, LinedDict):
            problems.add(display, 1, f"topic #{position + 1} must be a mapping")
            continue
        for extra in set(item) - {"slug", "name"}:
            problems.add(display, item.line_of(extra), f"unknown key {extra!r}")
        slug = item.get("slug")
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            problems.add(display, item.line_of("slug"), f"topic slug {slug!r} must match {SLUG_RE.pattern}")
            continue
        if slug in seen:
            problems.add(display, item.line_of("slug"), f"duplicate topic slug {slug!r}")
        seen.add(slug)
        name = _bilingual(item, "name", display, problems)
        topics.append(TopicRecord(slug, name.get("en", ""), name.get("zh", ""), position))
    return topics


def _validate_question(data, path, display, topic_slugs, problems):
    if not isinstance(data, LinedDict):
        problems.add(display, 1, "must be a mapping of question fields")
        return None
    for key in data:
        if key not in QUESTION_KEYS:
            problems.add(display, data.line_of(key), f"unknown key {key!r}")
    for key, required in QUESTION_KEYS.items():
        if required and key not in data:
            problems.add(display, data.line, f"missing required key {key!r}")

    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        problems.add(display, data.line_of("slug"), f"slug {slug!r} must match {SLUG_RE.pattern}")
        slug = None
    elif slug != path.stem:
        problems.add(display, data.line_of("slug"), f"slug {slug!r} does not match the file name {path.name!r}")
    number = data.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        problems.add(display, data.line_of("number"), "'number' must be a positive integer")
        number = None
    topic = data.get("topic")
    if topic not in topic_slugs:
        problems.add(display, data.line_of("topic"), f"unknown topic {topic!r}")
    elif topic != path.parent.name:
        problems.add(display, data.line_of("topic"), f"topic {topic!r} does not match the folder {path.parent.name!r}")
    difficulty = data.get("difficulty")
    if difficulty not in (1, 2, 3) or isinstance(difficulty, bool):
        problems.add(display, data.line_of("difficulty"), "'difficulty' must be 1, 2 or 3")
    tags = _string_list(data, "tags", display, problems, SLUG_RE, "tags")
    question = _bilingual(data, "question", display, problems)
    answer = _bilingual(data, "answer", display, problems)
    prompt = _bilingual(data, "prompt", display, problems, required=False)
    choices = _validate_choices(data, display, problems)
    explanation = _bilingual(data, "explanation", display, problems, required=bool(choices))
    sims = _validate_sims(data, display, problems)
    see_also = _string_list(data, "see_also", display, problems, SLUG_RE, "slugs")
    references = _string_list(data, "references", display, problems, URL_RE, "URLs")
    checked = _validate_checked(data, display, problems)
    _lint_answer(data, answer, display, problems)
    if slug is None or number is None:
        return None
    return QuestionRecord(
        path=display, slug=slug, number=number, topic=topic, difficulty=difficulty, tags=tags,
        question=question, answer=answer, prompt=prompt, choices=choices, explanation=explanation,
        sims=sims, see_also=see_also, references=references, checked=checked, lines=dict(data.key_lines or {}),
    )


def _validate_checked(data, display, problems):
    """``checked: {kubernetes: "1.37", date: 2026-12-05}``: the release an answer was last checked against."""
    value = data.get("checked")
    if value is None:
        return {}
    line = data.line_of("checked")
    if not isinstance(value, dict) or set(value) != {"kubernetes", "date"}:
        problems.add(display, line, "'checked' must be a mapping with exactly 'kubernetes' and 'date'")
        return {}
    version, date = value["kubernetes"], value["date"]
    if not isinstance(version, str) or not KUBERNETES_MINOR_RE.match(version):
        problems.add(display, value.line_of("kubernetes"), "'checked.kubernetes' must be a quoted minor version such as \"1.37\"")
        return {}
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        problems.add(display, value.line_of("date"), "'checked.date' must be a date such as 2026-12-05")
        return {}
    return {"kubernetes": version, "date": date}


def _lint_answer(data, answer, display, problems):
    """Fenced yaml and shell blocks must show what the current Kubernetes serves (kbase.manifest_lint)."""
    value = data.get("answer")
    for lang, text in answer.items():
        key_line = value.line_of(lang) if isinstance(value, LinedDict) else data.line_of("answer")
        for offset, reason in lint_markdown(text):
            # A block scalar's text starts on the line after its key.
            problems.add(display, key_line + 1 + offset, f"answer.{lang}: {reason}")


def _validate_choices(data, display, problems):
    value = data.get("choices")
    if value is None:
        return []
    line = data.line_of("choices")
    if not isinstance(value, list) or not 2 <= len(value) <= 6:
        problems.add(display, line, "'choices' must be a list of 2 to 6 options")
        return []
    choices = []
    for index, item in enumerate(value):
        if not isinstance(item, LinedDict):
            problems.add(display, line, f"choice #{index + 1} must be a mapping with en, zh and correct")
            continue
        for extra in set(item) - {"en", "zh", "correct"}:
            problems.add(display, item.line_of(extra), f"choice #{index + 1} has unknown key {extra!r}")
        for lang in LANGS:
            if not isinstance(item.get(lang), str) or not item[lang].strip():
                problems.add(display, item.line_of(lang), f"choice #{index + 1} needs non-empty '{lang}' text")
        correct = item.get("correct", False)
        if not isinstance(correct, bool):
            problems.add(display, item.line_of("correct"), f"choice #{index + 1}: 'correct' must be true or false")
        choices.append({"en": item.get("en", ""), "zh": item.get("zh", ""), "correct": correct is True})
    if choices and sum(choice["correct"] for choice in choices) != 1:
        problems.add(display, line, "'choices' must have exactly one correct option")
    return choices


def _validate_sims(data, display, problems):
    value = data.get("sims")
    if value is None:
        return []
    line = data.line_of("sims")
    if not isinstance(value, list):
        problems.add(display, line, "'sims' must be a list of presets")
        return []
    sims = []
    for index, item in enumerate(value):
        where = f"sims #{index + 1}"
        if not isinstance(item, LinedDict):
            problems.add(display, line, f"{where} must be a mapping with kind, params and caption")
            continue
        item_line = item.line
        for extra in set(item) - {"kind", "params", "caption"}:
            problems.add(display, item.line_of(extra), f"{where} has unknown key {extra!r}")
        kind = item.get("kind")
        params = item.get("params") or {}
        if sim_registry.lookup(kind) is None:
            problems.add(display, item.line_of("kind"), f"{where}: unknown simulator {kind!r} (expected one of {', '.join(sim_registry.kinds())})")
        elif not isinstance(params, dict):
            problems.add(display, item.line_of("params"), f"{where}: 'params' must be a mapping")
        else:
            try:
                sim_registry.parse_params(kind, params)
            except ParamError as exc:
                for name, message in exc.errors.items():
                    line_no = params.line_of(name) if isinstance(params, LinedDict) else item_line
                    problems.add(display, line_no, f"{where} ({kind}): {name}: {message}")
        caption = _bilingual(item, "caption", display, problems)
        sims.append({"kind": kind, "params": dict(params) if isinstance(params, dict) else {}, "caption": caption})
    return sims


def read_plan(content_dir):
    """The content plan as {slug: (number, topic)}; empty when there is no plan.tsv."""
    path = Path(content_dir) / "plan.tsv"
    if not path.exists():
        return {}
    plan = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            number, slug, topic = line.split("\t")
            plan[slug] = (int(number), topic)
    return plan


def read_content(content_dir):
    """Parse and validate every content file; return (topics, questions) or raise ContentError."""
    content_dir = Path(content_dir)
    problems = _Problems()
    topics = load_topics(content_dir, problems)
    topic_slugs = {topic.slug for topic in topics}
    questions = []
    for path in sorted((content_dir / "questions").glob("**/*")):
        if path.is_dir():
            continue
        display = str(path.relative_to(content_dir))
        if path.suffix != ".yaml":
            problems.add(display, 1, "unexpected file: question files end in .yaml")
            continue
        data = _load_yaml(path, display, problems)
        if data is None and not problems:
            problems.add(display, 1, "file is empty")
        record = _validate_question(data, path, display, topic_slugs, problems) if data is not None else None
        if record:
            questions.append(record)

    by_slug, by_number = {}, {}
    for record in questions:
        if record.slug in by_slug:
            problems.add(record.path, record.lines.get("slug", 1), f"duplicate slug {record.slug!r} (also in {by_slug[record.slug].path})")
        by_slug.setdefault(record.slug, record)
        if record.number in by_number:
            problems.add(record.path, record.lines.get("number", 1), f"duplicate number {record.number} (also in {by_number[record.number].path})")
        by_number.setdefault(record.number, record)
    plan = read_plan(content_dir)
    for record in questions:
        expected = plan.get(record.slug)
        if plan and expected is None:
            problems.add(record.path, record.lines.get("slug", 1), f"slug {record.slug!r} is not in plan.tsv")
        elif expected and expected != (record.number, record.topic):
            problems.add(record.path, record.lines.get("number", 1), f"plan.tsv gives {record.slug!r} number {expected[0]} in topic {expected[1]!r}")
    for record in questions:
        line = record.lines.get("see_also", 1)
        for target in record.see_also:
            if target == record.slug:
                problems.add(record.path, line, "'see_also' must not list the question itself")
            elif target not in by_slug:
                problems.add(record.path, line, f"'see_also' target {target!r} does not exist")
    if problems:
        raise ContentError(list(problems))
    return topics, questions


# ---------------------------------------------------------------- export

class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # Indent list items under their key, as people write them by hand.
        return super().increase_indent(flow, False)


class FlowList(list):
    """A short list of slugs, written on one line: tags: [a, b]."""


def _flow_list_representer(dumper, value):
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


def _str_representer(dumper, value):
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_representer)
_Dumper.add_representer(FlowList, _flow_list_representer)


def dump_yaml(data):
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096, default_flow_style=False)


def canonical_preset(preset):
    """A preset with its params in the engine's own parameter order.

    PostgreSQL's jsonb does not keep key order, so the export fixes one.
    """
    kind, params = preset.get("kind"), preset.get("params") or {}
    try:
        order = list(sim_registry.get(kind).engine.parse_params({}).to_query())
    except (KeyError, ParamError):
        order = []
    rank = {name: index for index, name in enumerate(order)}
    caption = preset.get("caption") or {}
    return {
        "kind": kind,
        "params": dict(sorted(params.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))),
        "caption": {"en": caption.get("en", ""), "zh": caption.get("zh", "")},
    }


def question_to_data(question):
    """The canonical YAML structure for a Question model instance."""
    data = {
        "number": question.number,
        "slug": question.slug,
        "topic": question.topic.slug,
        "difficulty": question.difficulty,
        "tags": FlowList(question.tags),
        "question": {"en": question.question_en, "zh": question.question_zh},
        "answer": {"en": question.answer_en, "zh": question.answer_zh},
    }
    if question.prompt_en or question.prompt_zh:
        data["prompt"] = {"en": question.prompt_en, "zh": question.prompt_zh}
    choices = list(question.choices.all())
    if choices:
        data["choices"] = [{"en": c.text_en, "zh": c.text_zh, "correct": c.is_correct} for c in choices]
    if question.explanation_en or question.explanation_zh:
        data["explanation"] = {"en": question.explanation_en, "zh": question.explanation_zh}
    if question.sims:
        data["sims"] = [canonical_preset(preset) for preset in question.sims]
    if question.see_also:
        data["see_also"] = FlowList(question.see_also)
    if question.references:
        data["references"] = list(question.references)
    if question.checked_kubernetes and question.checked_date:
        data["checked"] = {"kubernetes": question.checked_kubernetes, "date": question.checked_date}
    return data


def topics_to_data(topics):
    return [{"slug": t.slug, "name": {"en": t.name_en, "zh": t.name_zh}} for t in topics]
