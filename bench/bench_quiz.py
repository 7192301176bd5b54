"""Timed-quiz benchmark: generating a 50-question quiz on a throwaway SQLite database (DEBUG off).

1. Each generator on its own: median and worst time of one question over 200 seeds.
2. Planning a 50-question quiz of simulator questions only (`quiz.quizzes.plan`): every item runs
   an engine. Target: median under 200 ms.
3. Starting a 50-question attempt end to end (`attempt_start`: half multiple choice from the real
   content, half generated, items written in one transaction). Target: median under 200 ms.
4. For information: finishing a 50-question multiple-choice attempt, which rates each question's
   review card through `review_record`.

Run: .venv/bin/python bench/bench_quiz.py
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 40
TARGET_MS = 200.0


def configure(tmp: Path):
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "KUBEPREP_TESTING": "0",
        "DJANGO_SECRET_KEY": "bench-quiz-" + "q" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "KUBEPREP_SQLITE_PATH": str(tmp / "bench.sqlite3"),
    })
    sys.path.insert(0, str(ROOT))


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[int(len(ordered) * 0.9) - 1]
    return f"median {statistics.median(ordered):7.2f} ms   p90 {p90:7.2f} ms   max {ordered[-1]:7.2f} ms"


def main():
    with tempfile.TemporaryDirectory() as tmp:
        configure(Path(tmp))
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        from kbase.models import Question
        from quiz import generators
        from quiz.models import Mix
        from quiz.quizzes import QuizSpec, plan
        from quiz.services import attempt_start, preferences_ensure

        call_command("migrate", verbosity=0)
        call_command("load_content", verbosity=0)
        choice_questions = Question.objects.filter(choices__isnull=False).distinct().count()
        print(f"content: {choice_questions} multiple-choice questions; {len(generators.REGISTRY)} generators")

        print("\n1. one question per generator (200 seeds each)")
        for name in sorted(generators.REGISTRY):
            samples = [timed(lambda seed=seed, name=name: generators.generate(name, seed)) for seed in range(200)]
            print(f"   {name:34} {summary(samples)}")

        generated = QuizSpec(topics=(), count=50, difficulty_min=1, difficulty_max=3, mix=Mix.GENERATED)
        samples = [timed(lambda seed=seed: plan(generated, selection_seed=seed, generation_seed=seed, shuffle_seed=seed))
                   for seed in range(RUNS)]
        print(f"\n2. plan a 50-question simulator quiz ({RUNS} seeds):  {summary(samples)}")
        planned_median = statistics.median(samples)

        user = get_user_model().objects.create_user("bench", password="bench-password-123")
        preferences_ensure(user=user)
        both = QuizSpec(topics=(), count=50, difficulty_min=1, difficulty_max=3, mix=Mix.BOTH)
        samples = [timed(lambda seed=seed: attempt_start(user=user, spec=both, time_limit_minutes=60, seed=seed))
                   for seed in range(RUNS)]
        print(f"3. start a 50-question mixed attempt ({RUNS} runs): {summary(samples)}")
        start_median = statistics.median(samples)

        from django.utils import timezone

        from quiz.services import attempt_finish

        choices_only = QuizSpec(topics=(), count=50, difficulty_min=1, difficulty_max=3, mix=Mix.CHOICES)
        attempts = [attempt_start(user=user, spec=choices_only, time_limit_minutes=60, seed=1000 + n) for n in range(10)]
        samples = [timed(lambda attempt=attempt: attempt_finish(attempt=attempt, now=timezone.now())) for attempt in attempts]
        print(f"4. finish a 50-question multiple-choice attempt, rating every card (10 runs): {summary(samples)}")

        print(f"\ntarget: median under {TARGET_MS:.0f} ms -> plan {'OK' if planned_median < TARGET_MS else 'MISSED'}, "
              f"start {'OK' if start_median < TARGET_MS else 'MISSED'}")


if __name__ == "__main__":
    main()
