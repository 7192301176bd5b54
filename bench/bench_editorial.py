"""Editorial benchmarks on a throwaway SQLite database holding the shipped content/ (DEBUG off).

1. Server time of one live-preview request (the htmx POST an editor's typing sends every 500 ms)
   for the question with the most simulator presets and the longest answers, cold (empty
   simulator cache) and warm. Target: warm median under 100 ms, so a preview lands well within
   the debounce interval.
2. Server time of the question change form (which renders the first preview, simulator runs included)
   and of a revision diff page. Target: median under 300 ms.
3. load_content of the whole tree into an empty database, an unchanged re-import, and a dump after
   one admin edit (which writes one file). Targets: re-import under 5 s, dump under 2 s.

Measured in-process through Django's full request handler. Run: .venv/bin/python bench/bench_editorial.py
"""

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 30


def configure(tmp: Path):
    # Production settings, except plain static storage: no collectstatic run for an in-process benchmark.
    (tmp / "bench_settings.py").write_text(
        "from config.settings import *  # noqa: F403\n"
        "STORAGES = {**STORAGES, 'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}\n"
        f"STATIC_ROOT = {str(tmp)!r}\n"
    )
    sys.path.insert(0, str(tmp))
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "DJANGO_DEBUG": "0",
        "KUBEPREP_TESTING": "0",
        "DJANGO_SECRET_KEY": "bench-editorial-" + "s" * 50,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "KUBEPREP_SQLITE_PATH": str(tmp / "bench.sqlite3"),
    })
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def timed(label, func, runs=1):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    spread = f" (p90 {sorted(times)[int(len(times) * 0.9) - 1]:.1f} ms, {runs} runs)" if runs > 1 else ""
    print(f"{label}: median {median:.1f} ms{spread}")
    return median


def main():
    with tempfile.TemporaryDirectory() as tmp:
        configure(Path(tmp))
        from django.core.cache import cache
        from django.core.management import call_command
        from django.test import Client
        from reversion.models import Version

        from kbase.models import Question
        from tests.kbase.helpers import admin_form_data, make_user

        call_command("migrate", verbosity=0)
        load_ms = timed("load_content, whole tree into an empty database", lambda: call_command("load_content", verbosity=0))
        reload_ms = timed("load_content, unchanged re-import", lambda: call_command("load_content", verbosity=0))

        from django.contrib.auth import get_user_model

        client = Client()
        client.force_login(make_user(get_user_model(), "bench-editor", staff=True, editor=True))
        question = max(Question.objects.published(),
                       key=lambda q: (len(q.sims), len(q.answer_en) + len(q.answer_zh)))
        choices = [(c.text_en, c.text_zh, c.is_correct) for c in question.choices.all()]
        data = admin_form_data(question, presets=question.sims, choices=choices)
        url = f"/en/admin/kbase/question/{question.pk}/preview/"
        print(f"question: {question.slug} ({len(question.sims)} presets, "
              f"{len(question.answer_en) + len(question.answer_zh)} answer characters)")

        def preview(clear):
            if clear:
                cache.clear()
            assert client.post(url, data, headers={"HX-Request": "true"}).status_code == 200

        timed("preview, cold simulator cache", lambda: preview(True), RUNS)
        warm = timed("preview, warm", lambda: preview(False), RUNS)

        change_url = f"/en/admin/kbase/question/{question.pk}/change/"
        form = timed("change form", lambda: client.get(change_url), RUNS)
        edited = dict(data, answer_zh=question.answer_zh + "\n补充一句。\n")
        question.choices.all().delete()  # the posted choices come back as new rows
        response = client.post(change_url, edited)
        assert response.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", response.content.decode())
        version = Version.objects.get_for_object(question).first()
        diff = timed("revision diff", lambda: client.get(f"/en/admin/kbase/question/{question.pk}/revisions/{version.pk}/"),
                     RUNS)
        out = Path(tmp) / "content"
        call_command("dump_content", "--dir", str(out), "--all", stdout=open(os.devnull, "w"))
        question.choices.all().delete()
        assert client.post(change_url, dict(edited, answer_en=question.answer_en + "\nOne more line.\n")).status_code == 302
        dump = timed("dump_content after one admin edit", lambda: call_command("dump_content", "--dir", str(out),
                                                                                 stdout=open(os.devnull, "w")))
        print(f"targets: preview warm < 100 ms {'OK' if warm < 100 else 'MISSED'}; "
              f"pages < 300 ms {'OK' if max(form, diff) < 300 else 'MISSED'}; "
              f"re-import < 5 s {'OK' if reload_ms < 5000 else 'MISSED'}; dump < 2 s {'OK' if dump < 2000 else 'MISSED'}"
              f" (first import {load_ms / 1000:.1f} s)")


if __name__ == "__main__":
    main()
