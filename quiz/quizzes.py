"""Choosing an attempt's questions: deterministic from its seeds, so any attempt can be rebuilt.

Three seeds, three jobs: `selection_seed` picks which content questions and which generators (a
shared set uses the set's seed, so everyone gets the same questions), `generation_seed` picks each
generator's own seed (the set's seed when its numbers are fixed for everyone, else the attempt's),
and `shuffle_seed` orders each multiple-choice item's options (always the attempt's seed).
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass

from kbase.models import Question, Topic
from quiz import generators
from quiz.grading import CHOICE, NUMBER, format_number
from quiz.models import ItemKind, Mix


@dataclass(frozen=True)
class QuizSpec:
    """What to draw: topics (empty means every topic), size, difficulty range and mix."""

    topics: tuple[Topic, ...]
    count: int
    difficulty_min: int
    difficulty_max: int
    mix: str

    @property
    def difficulties(self) -> range:
        return range(self.difficulty_min, self.difficulty_max + 1)


@dataclass(frozen=True)
class PlannedItem:
    """An attempt item's fields, before it is saved."""

    fields: dict


def _candidate_question_ids(spec: QuizSpec) -> list[int]:
    """Published multiple-choice questions in the topics and difficulties, in content order (one query)."""
    questions = Question.objects.filter(is_published=True, difficulty__in=spec.difficulties, choices__isnull=False)
    if spec.topics:
        questions = questions.filter(topic__in=spec.topics)
    return list(questions.order_by("number").values_list("pk", flat=True).distinct())


def _candidate_generators(spec: QuizSpec) -> list[generators.Generator]:
    topics = [topic.slug for topic in spec.topics] if spec.topics else None
    return generators.select(difficulties=spec.difficulties, topics=topics)


def split(spec: QuizSpec, *, questions: int, generator_count: int) -> tuple[int, int]:
    """How many multiple-choice and how many generated items; generated ones fill what content cannot."""
    if spec.mix == Mix.GENERATED:
        return 0, spec.count if generator_count else 0
    if spec.mix == Mix.CHOICES or not generator_count:
        return min(spec.count, questions), 0
    choice = min(spec.count - spec.count // 2, questions)
    return choice, spec.count - choice


def available(spec: QuizSpec) -> int:
    """How many items a quiz of this spec would have (two cheap queries' worth; no engine runs)."""
    choice, generated = split(spec, questions=len(_candidate_question_ids(spec)),
                              generator_count=len(_candidate_generators(spec)))
    return choice + generated


def plan(spec: QuizSpec, *, selection_seed: int, generation_seed: int, shuffle_seed: int) -> list[PlannedItem]:
    """The attempt's items in order; an empty list when nothing matches."""
    question_ids = _candidate_question_ids(spec)
    pool = _candidate_generators(spec)
    choice_count, generated_count = split(spec, questions=len(question_ids), generator_count=len(pool))
    select = random.Random(f"select:{selection_seed}")
    chosen_ids = select.sample(question_ids, choice_count)
    select.shuffle(pool)
    chosen_generators = [pool[index % len(pool)] for index in range(generated_count)]
    seeds = random.Random(f"generate:{generation_seed}")
    slots = [("question", question_id) for question_id in chosen_ids]
    slots += [("generator", (generator, seeds.randint(0, generators.MAX_SEED))) for generator in chosen_generators]
    select.shuffle(slots)

    questions = Question.objects.select_related("topic").prefetch_related("choices").in_bulk(chosen_ids)
    topics = {topic.slug: topic for topic in Topic.objects.filter(slug__in={g.topic for g in chosen_generators})}
    items = []
    for position, (source, value) in enumerate(slots, start=1):
        if source == "question":
            items.append(_question_item(questions[value], position=position, shuffle_seed=shuffle_seed))
        else:
            generator, seed = value
            items.append(_generated_item(generators.generate(generator.name, seed), position=position,
                                         topic=topics.get(generator.topic)))
    return items


def _question_item(question: Question, *, position: int, shuffle_seed: int) -> PlannedItem:
    choices = list(question.choices.all())
    random.Random(f"shuffle:{shuffle_seed}:{question.pk}").shuffle(choices)
    correct = next(choice for choice in choices if choice.is_correct)
    return PlannedItem({
        "position": position,
        "kind": ItemKind.CHOICE,
        "question": question,
        "topic": question.topic,
        "prompt_en": question.prompt("en"),
        "prompt_zh": question.prompt("zh-hans"),
        "options": [{"value": str(c.position), "en": c.text_en, "zh": c.text_zh} for c in choices],
        "correct_answer": str(correct.position),
        "explanation_en": question.explanation_en_html,
        "explanation_zh": question.explanation_zh_html,
    })


def _paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def _generated_item(item: generators.Item, *, position: int, topic: Topic | None) -> PlannedItem:
    draft = item.draft
    answer_type = item.answer_type
    return PlannedItem({
        "position": position,
        "kind": ItemKind.GENERATED,
        "topic": topic,
        "generator": item.generator.name,
        "generator_seed": item.seed,
        "params": item.query,
        "prompt_en": draft.prompt_en,
        "prompt_zh": draft.prompt_zh,
        "options": [option.to_dict() for option in draft.options],
        "correct_answer": format_number(draft.answer) if answer_type == NUMBER else str(draft.answer),
        "unit_en": draft.unit_en,
        "unit_zh": draft.unit_zh,
        "tolerance": draft.tolerance,
        "explanation_en": _paragraph(draft.explanation_en),
        "explanation_zh": _paragraph(draft.explanation_zh),
    })


def answer_type(item) -> str:
    """An attempt item's answer type: options mean single choice, none mean a number."""
    return CHOICE if item.options else NUMBER
