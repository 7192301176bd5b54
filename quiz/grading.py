"""Pure grading and scoring maths for timed quizzes: no database, no clock."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

NUMBER = "number"
CHOICE = "choice"


def format_number(value: float) -> str:
    """A number as an answer key: integers without a decimal point, others trimmed ("2.5")."""
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return f"{number:.6f}".rstrip("0").rstrip(".")


def parse_number(text: str) -> float | None:
    """A finite number from what a learner typed ("12", " 12.5 ", "12,5"); None when it is not one."""
    cleaned = text.strip().replace(",", ".")
    if not cleaned or len(cleaned) > 30:
        return None
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def is_correct(*, answer_type: str, correct: str, value: str, tolerance: float = 0.0) -> bool:
    """Whether `value` answers an item whose correct answer is `correct` (a number within `tolerance`, or an option)."""
    if answer_type == NUMBER:
        given = parse_number(value)
        expected = parse_number(correct)
        return given is not None and expected is not None and abs(given - expected) <= tolerance + 1e-9
    return value == correct


@dataclass(frozen=True)
class TopicScore:
    key: str
    name: str
    correct: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0


def by_topic(rows: Iterable[tuple[str, str, bool]]) -> list[TopicScore]:
    """Per-topic (key, name, correct) rows summed, in order of first appearance; unanswered counts as wrong."""
    sums: dict[str, list] = {}
    for key, name, correct in rows:
        entry = sums.setdefault(key, [name, 0, 0])
        entry[1] += 1 if correct else 0
        entry[2] += 1
    return [TopicScore(key, name, right, total) for key, (name, right, total) in sums.items()]


def percent(correct: int, total: int) -> int:
    return round(100 * correct / total) if total else 0
