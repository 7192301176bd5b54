"""Quiz questions computed by the simulator engines: a small registry of seeded generators.

A generator draws random but valid parameters for one simulator from a seeded RNG, runs the
engine (`sim.engine.<module>.parse_params` then `simulate`) and reads the correct answer off the
engine's result; nobody writes an answer by hand. The same (generator, seed) always gives the
same parameters, prompt and answer, so an attempt only stores the seed and can be rebuilt.

This package imports no Django: it is plain Python over `sim.engine`.

Adding generators for another simulator (`service.py` and `scheduler.py` are the latest examples):

1. create ``quiz/generators/<module>.py``, named after the engine module;
2. import only the engine's public module (``from sim.engine import service``) and decorate one
   builder per question with ``@register(name=..., engine=service, title_en=..., title_zh=...,
   difficulty=1..3, topic=<kbase topic slug, e.g. "service-networking" or "scheduling">)``.
   A builder takes a ``random.Random`` and returns a ``Draft``: the parsed engine params, prompts
   in English and Chinese, the answer read from ``simulate(params)``'s result, and either a unit
   (and tolerance) or the options;
3. add the module name to ``MODULES`` below;
4. add an independent read of the engine's answer to ``ENGINE_ANSWERS`` in
   ``tests/quiz/test_generators.py``. That file loops over ``REGISTRY``, so every new generator is
   checked at once: reproducible from its seed, answer equal to the engine's, both languages, and
   (``tests/quiz/test_quiz_api.py``) a simulator page, URL name ``sim:<engine.KIND>``, that
   opens on exactly its parameters.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType

MODULES = ("rolling", "etcd", "pod", "service", "scheduler")
MAX_SEED = 2**31 - 1
NUMBER = "number"
CHOICE = "choice"


@dataclass(frozen=True)
class Option:
    """One option of a single-choice item; `value` is what a form posts and what is graded."""

    value: str
    en: str
    zh: str

    def to_dict(self) -> dict:
        return {"value": self.value, "en": self.en, "zh": self.zh}


@dataclass(frozen=True)
class Draft:
    """What a builder returns: the engine run it used and the question it asks about it."""

    params: object
    prompt_en: str
    prompt_zh: str
    answer: int | float | str
    explanation_en: str
    explanation_zh: str
    unit_en: str = ""
    unit_zh: str = ""
    tolerance: float = 0.0
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class Generator:
    """A registered question builder for one simulator kind."""

    name: str
    engine: ModuleType = field(repr=False)
    title_en: str
    title_zh: str
    difficulty: int
    topic: str
    build: Callable[[random.Random], Draft] = field(repr=False)

    @property
    def kind(self) -> str:
        """The simulator kind, as its engine names it (and as the simulator's URL name is spelled)."""
        return self.engine.KIND

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "title": {"en": self.title_en, "zh": self.title_zh},
            "difficulty": self.difficulty,
            "topic": self.topic,
        }


@dataclass(frozen=True)
class Item:
    """A generated question: the generator, its seed and the draft built from them."""

    generator: Generator
    seed: int
    draft: Draft

    @property
    def answer_type(self) -> str:
        return CHOICE if self.draft.options else NUMBER

    @property
    def query(self) -> dict[str, str]:
        """The simulator's canonical parameters, to open its page on exactly this run."""
        return self.draft.params.to_query()

    def to_dict(self) -> dict:
        draft = self.draft
        return {
            "generator": self.generator.name,
            "kind": self.generator.kind,
            "seed": self.seed,
            "params": self.query,
            "prompt": {"en": draft.prompt_en, "zh": draft.prompt_zh},
            "answer_type": self.answer_type,
            "answer": draft.answer,
            "unit": {"en": draft.unit_en, "zh": draft.unit_zh},
            "tolerance": draft.tolerance,
            "options": [option.to_dict() for option in draft.options],
            "explanation": {"en": draft.explanation_en, "zh": draft.explanation_zh},
        }


REGISTRY: dict[str, Generator] = {}


def register(*, name: str, engine: ModuleType, title_en: str, title_zh: str, difficulty: int, topic: str):
    """Register a builder under `name` for the `engine` module it runs (e.g. `sim.engine.rolling`).

    `topic` is the knowledge-base topic slug its results count toward.
    """

    def decorator(build: Callable[[random.Random], Draft]):
        if name in REGISTRY:
            raise ValueError(f"generator {name!r} is registered twice")
        if difficulty not in (1, 2, 3):
            raise ValueError(f"generator {name!r}: difficulty must be 1, 2 or 3")
        REGISTRY[name] = Generator(name, engine, title_en, title_zh, difficulty, topic, build)
        return build

    return decorator


def rng_for(name: str, seed: int) -> random.Random:
    """The RNG of one (generator, seed): string seeds hash with SHA-512, stable across processes."""
    return random.Random(f"{name}:{seed}")


def generate(name: str, seed: int) -> Item:
    """Build generator `name`'s question for `seed`; KeyError for an unknown name, ValueError for a bad seed."""
    generator = REGISTRY[name]
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be a whole number from 0 to {MAX_SEED}")
    return Item(generator=generator, seed=seed, draft=generator.build(rng_for(name, seed)))


def select(*, difficulties: Iterable[int] | None = None, topics: Iterable[str] | None = None) -> list[Generator]:
    """Registered generators within the difficulties and topics (None: any), in name order."""
    wanted_difficulties = set(difficulties) if difficulties is not None else None
    wanted_topics = set(topics) if topics is not None else None
    return [
        generator for name, generator in sorted(REGISTRY.items())
        if (wanted_difficulties is None or generator.difficulty in wanted_difficulties)
        and (wanted_topics is None or generator.topic in wanted_topics)
    ]


def pick(rng: random.Random, low: int, high: int, *, exclude: Iterable[int] = ()) -> int:
    """A whole number from low to high inclusive, avoiding `exclude`."""
    excluded = set(exclude)
    return rng.choice([number for number in range(low, high + 1) if number not in excluded])


def yes_no(answer: bool) -> tuple[str, tuple[Option, ...]]:
    """A yes/no answer and its two options."""
    return ("yes" if answer else "no"), (Option("yes", "Yes", "是"), Option("no", "No", "否"))


for _module in MODULES:
    importlib.import_module(f"{__name__}.{_module}")
