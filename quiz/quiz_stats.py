"""The dashboard's quiz score trend: the learner's last finished attempts as an SVG line."""

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser

from quiz.charts import WIDTH
from quiz.grading import percent
from quiz.models import Attempt
from quiz.services import attempts_expire_due

TREND_LENGTH = 20


@dataclass(frozen=True)
class TrendPoint:
    x: float
    y: float
    percent: int
    label: str


@dataclass(frozen=True)
class ScoreTrend:
    width: int
    height: int
    baseline: float
    top: float
    points: list[TrendPoint]

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.x:g},{point.y:g}" for point in self.points)

    @property
    def latest(self) -> int | None:
        return self.points[-1].percent if self.points else None


def trend_chart(scores: list[tuple[str, int]], *, height: int = 140) -> ScoreTrend:
    """(label, percent) oldest first -> points on a 0-100% axis, evenly spaced across the width."""
    left, right, top, bottom = 34, 10, 10, 20
    plot_width = WIDTH - left - right
    plot_height = height - top - bottom
    step = plot_width / max(1, len(scores) - 1)
    points = [
        TrendPoint(x=round(left + index * step, 2), y=round(top + plot_height * (100 - value) / 100, 2),
                   percent=value, label=label)
        for index, (label, value) in enumerate(scores)
    ]
    return ScoreTrend(width=WIDTH, height=height, baseline=top + plot_height, top=top, points=points)


def score_trend(*, user: AbstractBaseUser) -> ScoreTrend:
    """The last TREND_LENGTH finished attempts, oldest first; attempts whose time ran out are finished first."""
    attempts_expire_due(user=user)
    rows = list(
        Attempt.objects.for_user(user).finished().order_by("-finished_at")
        .values_list("finished_at", "score", "total")[:TREND_LENGTH]
    )
    rows.reverse()
    return trend_chart([(finished.strftime("%Y-%m-%d"), percent(score, total)) for finished, score, total in rows])
