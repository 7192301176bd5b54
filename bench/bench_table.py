"""One table for the whole site: req/s, p50/p99 and the ratio to /healthz in the same run (`make bench`).

gunicorn with production settings (2 sync workers, DJANGO_SECURE_SSL_REDIRECT=0 on loopback, a throwaway
SQLite database with the content loaded) driven by wrk (`apt-get install wrk`), 2 threads and CONNECTIONS
connections for SECONDS per row. /healthz is measured first and last; ratios are to the mean of the two, so
a change in machine load during the run shows as a gap between them. Every row is checked for status 200
(wrk counts redirects and errors as answers) before it is timed, and wrk's non-2xx count is printed.

Signed-in rows use a session made for a learner with every question in the deck; POSTs send a CSRF
cookie and the same secret in X-CSRFToken, as htmx does. Set BENCH_SECONDS / BENCH_CONNECTIONS to change
the run; set DATABASE_URL to run it on PostgreSQL.

Run: .venv/bin/python bench/bench_table.py
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _server import gunicorn

from sim.engine import etcd, pod, rolling, scheduler, service, worst_cases

SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
ONLY = os.environ.get("BENCH_ROWS", "")  # a regular expression: only rows whose label matches (and /healthz)
CSRF_SECRET = "b" * 32

SETUP = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from kbase.models import Question, Topic
from quiz.models import Mix
from quiz.quizzes import QuizSpec
from quiz.services import attempt_start, deck_add_all

def learner_with_session(name):  # a learner with the whole catalogue in the deck, and a signed-in session
    learner = get_user_model().objects.create_user(name, password="bench-password-1")
    deck_add_all(user=learner)
    store = SessionStore()
    store[SESSION_KEY] = str(learner.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = learner.get_session_auth_hash()
    store.create()
    return learner, store


user, session = learner_with_session("bench")
spec = QuizSpec(topics=tuple(Topic.objects.all()), count=10, difficulty_min=1, difficulty_max=3, mix=Mix.CHOICES)
attempt = attempt_start(user=user, spec=spec, time_limit_minutes=120)
item = attempt.items.order_by("position").first()
# One learner per wrk thread for the question-page rating row.
raters = [learner_with_session(name)[1].session_key for name in ("rater-1", "rater-2")]
slugs = list(Question.objects.published().order_by("number").values_list("slug", flat=True))
from django.db import connection
if connection.vendor == "postgresql":
    # What autovacuum does within a minute of these learners' ~600 new cards (its threshold is 50 changed rows):
    # fresh statistics. Without them the planner believes a learner has ~4 cards and drives the topic page's
    # deck count from the cards (0.8 ms) instead of the topic's questions (0.13 ms).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
print("BENCH-SETUP " + json.dumps({"session": session.session_key, "attempt": attempt.pk,
                                  "position": item.position, "value": item.options[0]["value"],
                                  "raters": raters, "slugs": slugs}))
"""


def sim_query(engine, raw):
    return urlencode(engine.parse_params(raw).to_query())


def sim_rows():
    # The slowest accepted runs (sim/engine/worst_cases.py; bench_engine_limits.py times them).
    etcd_worst = dict(worst_cases.ETCD[3][1])
    pod_worst = dict(worst_cases.POD[1][1])
    endpoints = ",".join(f"node-{'abcdefghij'[i % 10]}:ready" for i in range(50))
    cases = [
        ("rolling-update", rolling, {}, {"replicas": 10_000, "max_surge": "1", "max_unavailable": "0"}),
        ("etcd", etcd, {}, etcd_worst),
        ("pod-lifecycle", pod, {}, pod_worst),
        ("service", service, {}, {"endpoints": endpoints, "requests": 100_000, "mode": "ipvs", "clients": 50}),
        ("scheduler", scheduler, {}, None),
    ]
    rows = []
    for kind, engine, small, large in cases:
        rows.append((f"sim page {kind}", f"/en/sim/{kind}/", "get"))
        rows.append((f"sim API {kind} (defaults)", f"/api/sim/{kind}?{sim_query(engine, small)}", "get"))
        if large is not None:
            rows.append((f"sim API {kind} (largest)", f"/api/sim/{kind}?{sim_query(engine, large)}", "get"))
    return rows


def setup(env):
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", SETUP], env=env, capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parent.parent)
    if done.returncode:
        sys.exit(f"bench setup failed:\n{done.stderr}")
    out = done.stdout
    setup.data = json.loads(out.split("BENCH-SETUP ", 1)[1])


LUA_POST = """wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
"""


# Ratings from question pages that are really recorded: each wrk thread is its own learner and rates the
# questions in turn, sending the card version the previous answer for that question reported (the form's
# hidden field; a rating sent with a stale version is answered "already saved" and not recorded).
LUA_RATE = """
local sessions = {sessions}
local slugs = {slugs}
local csrf = "{csrf}"
local threads = {{}}
local started = 0

function setup(thread)
  started = started + 1
  thread:set("learner", started)
  table.insert(threads, thread)
end

function init(args)
  session = sessions[learner]
  versions = {{}}
  for _, slug in ipairs(slugs) do versions[slug] = "0" end
  position, recorded, already = 0, 0, 0
end

function request()
  position = position % #slugs + 1
  local slug = slugs[position]
  return wrk.format("POST", "/en/questions/" .. slug .. "/rate/", {{
    ["Cookie"] = "sessionid=" .. session .. "; csrftoken=" .. csrf, ["X-CSRFToken"] = csrf,
    ["HX-Request"] = "true", ["Content-Type"] = "application/x-www-form-urlencoded",
  }}, "rating=3&version=" .. versions[slug])
end

function response(status, headers, body)
  local slug, version = body:match('data%-question="([^"]+)" data%-version="(%d+)"')
  if slug then versions[slug] = version end
  if body:find('class="rated"', 1, true) then recorded = recorded + 1
  elseif body:find('class="rated already"', 1, true) then already = already + 1 end
end

function done(summary, latency, requests)
  local r, a = 0, 0
  for _, thread in ipairs(threads) do r = r + thread:get("recorded"); a = a + thread:get("already") end
  io.write(string.format("RATINGS recorded=%d already=%d\\n", r, a))
end
"""


def lua_list(values):
    return "{" + ", ".join(json.dumps(value) for value in values) + "}"


def headers_for(mode, data):
    if mode == "get":
        return {}
    cookie = f"sessionid={data['session']}; csrftoken={CSRF_SECRET}"
    headers = {"Cookie": cookie}
    if mode.startswith("post"):
        headers.update({"X-CSRFToken": CSRF_SECRET, "HX-Request": "true"})
    return headers


def check(base, path, mode, body, headers):
    request = urllib.request.Request(base + path, data=body.encode() if body else None, headers=headers,
                                     method="POST" if body else "GET")
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200 or response.url != base + path:
            raise RuntimeError(f"{path}: status {response.status} at {response.url}")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(base, path, headers, body, tmp, lua=None):
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    if body or lua:
        script = Path(tmp) / "post.lua"
        script.write_text(lua or LUA_POST.format(body=json.dumps(body)))
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, base + path], capture_output=True, text=True, check=True).stdout
    ratings = re.search(r"RATINGS recorded=(\d+) already=(\d+)", out)
    if ratings:
        wrk.ratings = tuple(map(int, ratings.groups()))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def percentile(p):
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * UNITS[unit]

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return rate, percentile(50), percentile(99), int(bad.group(1)) if bad else 0, errors.group(1) if errors else ""


def main():
    if not shutil.which("wrk"):
        sys.exit("bench_table needs wrk: apt-get install wrk")
    zh = quote("探针")
    anonymous = [
        ("home", "/en/", "get"),
        ("topic", "/en/topics/workloads/", "get"),
        ("question with 4 runs (pod)", "/en/questions/pod-restart-policy/", "get"),
        ("question with runs (zh)", "/zh-hans/questions/pod-restart-policy/", "get"),
        ("question side by side", "/en/questions/pod-restart-policy/?both=1", "get"),
        ("search en 'rolling'", "/en/search/?q=rolling", "get"),
        ("search zh '探针'", f"/zh-hans/search/?q={zh}", "get"),
    ]
    signed_in = [
        ("signed in: home", "/en/", "auth"),
        ("signed in: topic", "/en/topics/workloads/", "auth"),
        ("signed in: question with runs", "/en/questions/pod-restart-policy/", "auth"),
        ("signed in: search en", "/en/search/?q=rolling", "auth"),
        ("signed in: review page", "/en/review/", "auth"),
        ("signed in: dashboard", "/en/dashboard/", "auth"),
    ]
    with tempfile.TemporaryDirectory() as tmp, gunicorn(workers=2, setup=setup) as (base, _env):
        data = setup.data
        rate_lua = LUA_RATE.format(sessions=lua_list(data["raters"]), slugs=lua_list(data["slugs"]), csrf=CSRF_SECRET)
        posts = [
            ("rating from a question page (htmx)", "/en/questions/pod-restart-policy/rate/", "rate", rate_lua),
            ("timed quiz answer (htmx)", f"/en/quiz/attempts/{data['attempt']}/answer/", "post",
             urlencode({"position": data["position"], "value": data["value"]})),
        ]
        rows = [("/healthz (first)", "/healthz", "get", "")]
        rows += [(*row, "") for row in anonymous + signed_in + sim_rows()] + posts
        rows.append(("/healthz (last)", "/healthz", "get", ""))
        if ONLY:
            rows = [row for row in rows if row[0].startswith("/healthz") or re.search(ONLY, row[0])]
        load = os.getloadavg()
        print(f"gunicorn 2 sync workers, wrk -t2 -c{CONNECTIONS} -d{SECONDS}s, "
              f"{os.environ.get('DATABASE_URL', '').split(':')[0] or 'sqlite'}, "
              f"load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs")
        results, notes = [], {}
        for label, path, mode, body in rows:
            if mode == "rate":  # the script sends its own requests (see LUA_RATE)
                results.append((label, path, *wrk(base, path, {}, "", tmp, lua=body)))
                notes[label] = "  {} recorded, {} answered as already saved".format(*wrk.ratings)
                continue
            headers = headers_for(mode, data)
            check(base, path, mode, body, headers)
            results.append((label, path, *wrk(base, path, headers, body, tmp)))
        floor = (results[0][2] + results[-1][2]) / 2
        print(f"{'row':42} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'non-2xx':>8}")
        for label, _path, rate, p50, p99, bad, errors in results:
            print(f"{label:42} {rate:8.0f} {p50:8.2f} {p99:8.2f} {rate / floor:6.2f} {bad:8d}"
                  + (f"  socket errors: {errors}" if errors else "") + notes.get(label, ""))
        load = os.getloadavg()
        print(f"load average after {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; ratios are to the mean /healthz "
              f"({floor:.0f} req/s)")


if __name__ == "__main__":
    main()
