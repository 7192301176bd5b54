"""The page frame: CPU per request through the WSGI app, as gunicorn calls it, with no page cache.

Every page that extends base.html pays the frame (context processors, the cached parts of base.html and their
per-request holes: CSRF token, CSP nonce and htmx script, language links, messages, the menu's logout form);
the search page pays it plus the results partial, the result rows and the ranking. In process, on a throwaway
SQLite database with the content loaded and cloned to 10x (as bench_search.py does), production settings: each
row is the median CPU time (time.process_time) of REPEAT calls of the WSGI application, after 20 warm-up calls.
Anonymous rows send a `messages` cookie, which keeps kbase/page_cache.py out (every page rendered); signed-in
rows a session of a learner with an empty deck. The search rows also split the median request into the ranking
(kbase.search_index.ranked), the result rows (kbase.search.result_rows) and the template render.

Run: .venv/bin/python bench/bench_frame.py  (CPU time, so a shared machine inflates it less than wall time;
BENCH_REPEAT sets the calls per row, 300 by default).
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_search import CLONE, gunicorn_free_setup, manage_shell

REPEAT = int(os.environ.get("BENCH_REPEAT", "300"))
PAGES = [
    ("/healthz", False), ("/en/search/", False), ("/en/search/?q=rolling", False),
    ("/zh-hans/search/?q=%E6%8E%A2%E9%92%88", False), ("/en/search/?q=pod+probe&page=2", False),
    ("/en/", False), ("/en/topics/workloads/", False), ("/en/questions/docker-vs-vm/", False),
    ("/en/sim/", False), ("/en/sim/rolling-update/", False),
    ("/en/search/?q=rolling", True), ("/en/review/", True), ("/en/dashboard/", True),
]

TIMINGS = """
import io, json, statistics, sys, time
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.handlers.wsgi import WSGIHandler
import kbase.views as views

application = WSGIHandler()
user = get_user_model().objects.create_user("frame-bench", password="x" * 20)
session = SessionStore()
session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "config.auth.Backend",
                HASH_SESSION_KEY: user.get_session_auth_hash()})
session.save()
COOKIES = {False: "messages=bench", True: f"sessionid={session.session_key}; messages=bench"}

parts = {}
def timed(name):
    real = getattr(views, name)
    def run(*args, **kwargs):
        start = time.process_time()
        try:
            return real(*args, **kwargs)
        finally:
            parts[name] = parts.get(name, 0) + time.process_time() - start
    setattr(views, name, run)
for name in ("ranked", "result_rows", "render"):
    timed(name)

def call(path, signed_in):
    path_info, _, query = path.partition("?")
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path_info, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
               "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
               "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_COOKIE": COOKIES[signed_in],
               "REMOTE_ADDR": "127.0.0.1"}
    status = []
    body = b"".join(application(environ, lambda line, headers, exc_info=None: status.append(line)))
    assert status[0].startswith("200"), (path, status)
    return body

rows = []
for path, signed_in in PAGES:
    for _ in range(20):
        call(path, signed_in)
    totals, split = [], []
    for _ in range(REPEAT):
        parts.clear()
        start = time.process_time()
        call(path, signed_in)
        totals.append((time.process_time() - start) * 1000)
        split.append({name: seconds * 1000 for name, seconds in parts.items()})
    middle = sorted(range(REPEAT), key=totals.__getitem__)[REPEAT // 2]  # the median request, and its split
    rows.append({"path": path, "signed_in": signed_in, "ms": statistics.median(totals), "split": split[middle]})
print("BENCH-FRAME " + json.dumps(rows))
"""


def main():
    load = os.getloadavg()
    print(f"bench_frame: load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs")
    with gunicorn_free_setup() as env:
        count = manage_shell(env, CLONE, "BENCH-COUNT")
        code = f"PAGES = {PAGES!r}\nREPEAT = {REPEAT}\n" + TIMINGS
        rows = json.loads(manage_shell(env, code, "BENCH-FRAME"))
    print(f"CPU ms per request through the WSGI app, median of {REPEAT}, {count} questions (10x), no page cache")
    print(f"{'page':48} {'ms':>6}   split of the median request (search pages)")
    for row in rows:
        name = ("signed in " if row["signed_in"] else "") + row["path"]
        split = row["split"]
        detail = "  ".join(f"{key} {split[key]:.3f}" for key in ("ranked", "result_rows", "render") if key in split)
        if "ranked" in split:
            detail += f"  beyond ranking {row['ms'] - split['ranked']:.3f}"
        print(f"{name:48} {row['ms']:6.3f}   {detail if 'search' in row['path'] else ''}")
    load = os.getloadavg()
    print(f"load average after {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
