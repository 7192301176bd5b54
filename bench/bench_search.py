"""Search at today's content and at 10x: the index against the LIKE scan in process, then gunicorn + wrk.

1. In process (median of REPEAT runs, CPU time, robust to a shared machine, and wall time, which on PostgreSQL
   includes the server's work): for each query, the ranked page as the view asks for it (kbase.search_index.ranked:
   20 ids and the total) and the whole page through Django's test client, and the search page with no query
   (the frame every result page pays). Both at 1x (the content as loaded) and at 10x (every question cloned 9
   times with new slugs and numbers).
2. Through gunicorn (production settings, 2 sync workers) at 10x, wrk -t2 -cCONNECTIONS -dSECONDS on each search
   page and /healthz (first and last; ratios are to their mean). Every request sends a `messages` cookie,
   which makes kbase.page_cache._cacheable_request false: the pages are rendered each time, with no page cache.

Throwaway SQLite database (as bench/_server.py makes it); with DATABASE_URL set, the database it names is
used and must be a throwaway one. Run: .venv/bin/python bench/bench_search.py [--in-process] (--in-process: part 1
only, no gunicorn or wrk, for a machine that is not quiet).
"""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, gunicorn, server_env
from bench_table import check, wrk

SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
QUERIES = [("en", "rolling"), ("en", "rolling update"), ("en", "crashloopbackoff"), ("en", "pod"),
           ("zh-hans", "探针"), ("zh-hans", "滚动更新"), ("en", "ip")]
NO_PAGE_CACHE = {"Cookie": "messages=bench"}

CLONE = """
from kbase.models import Question
originals = list(Question.objects.all())
clones = []
for copy in range(1, 10):
    for question in originals:
        values = {f.attname: getattr(question, f.attname) for f in Question._meta.concrete_fields if f.attname != "id"}
        slug = f"{question.slug}-copy-{copy}"
        # search_text starts with the slug (Question.render): the clone's text holds its own, as a real one would.
        values.update(slug=slug, number=copy * 100_000 + question.number,
                      search_text=question.search_text.replace(question.slug, slug, 1))
        clones.append(Question(**values))
Question.objects.bulk_create(clones, batch_size=200)
from django.db import connection
from kbase import search_index
search_index.optimize()  # as load_content does after an import
if connection.vendor == "postgresql":
    # What autovacuum does to a real database within a minute: fresh statistics, and the GIN indexes' pending
    # lists (where the 1,773 new rows' entries wait) merged, which every index scan would otherwise read through.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE kbase_question")
print("BENCH-COUNT", Question.objects.count())
"""

TIMINGS = """
import json, statistics, time
from django.test import Client
from django.utils import translation
from kbase.search_index import ranked

def medians(run, repeat):
    run()
    cpu, wall = [], []
    for _ in range(repeat):
        start, start_wall = time.process_time(), time.perf_counter()
        run()
        cpu.append((time.process_time() - start) * 1000)
        wall.append((time.perf_counter() - start_wall) * 1000)
    return statistics.median(cpu), statistics.median(wall)

from kbase.models import content_version
version = content_version()  # what the view reads once per request and passes on (its cost is in "page")
client = Client(HTTP_COOKIE="messages=bench")
rows = [{"language": "en", "query": "(none: the page frame)", "matches": 0, "search": (0, 0),
         "page": medians(lambda: client.get("/en/search/"), REPEAT)}]
for language, query in QUERIES:
    def search():
        return ranked(query, limit=20, version=version)
    def page():
        response = client.get(f"/{language}/search/", {"q": query})
        assert response.status_code == 200, response.status_code
    with translation.override(language):
        rows.append({"language": language, "query": query, "matches": search().total,
                     "search": medians(search, REPEAT), "page": medians(page, REPEAT)})
print("BENCH-TIMINGS " + json.dumps(rows))
"""


def manage_shell(env, code, marker):
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], env=env, capture_output=True,
                          text=True, cwd=ROOT)
    if done.returncode:
        sys.exit(f"bench_search: {marker} failed:\n{done.stderr[-3000:]}")
    return done.stdout.split(marker + " ", 1)[1].strip()


def in_process(env, label):
    code = f"QUERIES = {QUERIES!r}\nREPEAT = {REPEAT}\n" + TIMINGS
    rows = json.loads(manage_shell({**env, "DJANGO_ALLOWED_HOSTS": "testserver"}, code, "BENCH-TIMINGS"))
    print(f"\n{label}: ms per call, median of {REPEAT}: CPU of this process (on PostgreSQL the server's is not in it)"
          " / wall clock. search = kbase.search_index.ranked (a page of 20 and the total); page = the whole request,"
          " no page cache (rows cached per worker, as after the first request for them)")
    print(f"{'query':30} {'matches':>7} {'search':>15} {'page':>15}")
    for row in rows:
        name = f"{row['language']} {row['query']!r}"
        print(f"{name:30} {row['matches']:7d} " + " ".join(f"{row[key][0]:6.2f} / {row[key][1]:6.2f}" for key in ("search", "page")))


def setup(env):
    in_process(env, "1x content")
    setup.count = manage_shell(env, CLONE, "BENCH-COUNT")
    in_process(env, f"10x content ({setup.count} questions)")


@contextlib.contextmanager
def gunicorn_free_setup():
    """The environment bench._server.gunicorn prepares (migrated, content loaded), without starting gunicorn."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, **server_env(tmp)}
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        subprocess.run([*manage, "load_content", "-v0"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
        yield env


def main():
    if "--in-process" in sys.argv[1:]:
        with gunicorn_free_setup() as env:
            setup(env)
        return
    if not shutil.which("wrk"):
        sys.exit("bench_search needs wrk: apt-get install wrk")
    load = os.getloadavg()
    database = os.environ.get("DATABASE_URL", "").split(":")[0] or "sqlite"
    print(f"bench_search: {database}, load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs")
    with gunicorn(workers=2, setup=setup) as (base, _env):
        rows = [("/healthz (first)", "/healthz", {})]
        rows += [(f"search {language} {query!r}", f"/{language}/search/?q={quote(query)}", NO_PAGE_CACHE)
                 for language, query in QUERIES]
        rows.append(("/healthz (last)", "/healthz", {}))
        results = []
        with tempfile.TemporaryDirectory() as tmp:
            for label, path, headers in rows:
                check(base, path, "get", "", headers)
                results.append((label, *wrk(base, path, headers, "", tmp)))
        floor = (results[0][1] + results[-1][1]) / 2
        print(f"\ngunicorn 2 sync workers at 10x content ({setup.count} questions), wrk -t2 -c{CONNECTIONS} -d{SECONDS}s, "
              "search pages rendered each time (no page cache)")
        print(f"{'row':36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'non-2xx':>8}")
        for label, rate, p50, p99, bad, errors in results:
            print(f"{label:36} {rate:8.0f} {p50:8.2f} {p99:8.2f} {rate / floor:6.2f} {bad:8d}"
                  + (f"  socket errors: {errors}" if errors else ""))
        load = os.getloadavg()
        print(f"load average after {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; ratios are to the mean /healthz ({floor:.0f} req/s)")


if __name__ == "__main__":
    main()
