"""`make loadtest`: the production setup (gunicorn --preload behind nginx) on 127.0.0.1 under load and faults.

Phases (durations from LOADTEST_SECONDS, default 30; clients from LOADTEST_CLIENTS, default 64):
  1. mixed load (pages, search, simulator API, ratings, quiz answers) with locust, headless;
  2. the same with one gunicorn worker SIGKILLed half-way (LOADTEST_KILLS: more, spread over the middle half);
  3. LOADTEST_SLOW_CLIENTS (50) sockets sending their headers a byte at a time, plus normal traffic,
     while a probe times /healthz.
Then it counts what the database stored, checks its integrity and prints one closing line:

  loadtest: N requests, E 5xx, W writes acknowledged, S stored, K workers killed, integrity ok|FAILED, slow-client healthz p99 X ms

and exits 1 on any 5xx, a lost write (S < W), a failed integrity check, a stalled site, or more requests
cut off mid-answer than workers killed (logged before that line). A SIGKILLed worker cuts off the one
request it was answering if its headers had gone out (nginx resends a request, POSTs included, only
before that); the client sends it again once, as a browser or a learner would, and the app records a
repeated rating or answer once. A second failure is a 5xx.
SQLite by default (a fresh file); with DATABASE_URL, a fresh database `kubeprep_loadtest` on that server.
Every loop here is bounded in count and in time. Only loopback addresses are used.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "30"))
CLIENTS = int(os.environ.get("LOADTEST_CLIENTS", "64"))
SLOW_CLIENTS = int(os.environ.get("LOADTEST_SLOW_CLIENTS", "50"))
WORKERS = int(os.environ.get("LOADTEST_WORKERS", "2"))
# Workers SIGKILLed in phase 2: one half-way by default; more are spread over its middle half.
KILLS = max(int(os.environ.get("LOADTEST_KILLS", "1")), 1)
# A stalled site: /healthz p99 over this while slow clients are connected (without a buffering proxy
# two slow clients held both workers and /healthz took 31 s).
HEALTHZ_P99_MS = int(os.environ.get("LOADTEST_HEALTHZ_P99_MS", "5000"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(message):
    print(f"[loadtest] {message}", flush=True)


def fresh_database(tmp):
    """The DATABASE_URL for this run: a new SQLite file, or a recreated PostgreSQL database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return ""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    admin = dict(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"], password=config["PASSWORD"] or None,
                 dbname="postgres", autocommit=True)
    with psycopg.connect(**admin) as conn:
        conn.execute("DROP DATABASE IF EXISTS kubeprep_loadtest WITH (FORCE)")
        conn.execute("CREATE DATABASE kubeprep_loadtest")
    return url.rsplit("/", 1)[0] + "/kubeprep_loadtest"


def prepare(env):
    """Migrate, load content, collect static files, make the learners and their quiz attempts; the plan."""
    for command in (["migrate", "--noinput", "-v0"], ["load_content"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, timeout=600)
    script = f"""
import json, django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from kbase.models import Question, Topic
from quiz.models import Mix
from quiz.quizzes import QuizSpec, answer_type
from quiz.services import attempt_start, preferences_ensure
from sim import registry
users = []
for n in range({CLIENTS}):
    user = get_user_model().objects.create_user(f"load{{n}}")  # signed in by session: no password hashing
    preferences_ensure(user=user)
    session = SessionStore()
    session.update({{SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "config.auth.Backend",
                    HASH_SESSION_KEY: user.get_session_auth_hash()}})
    session.create()
    attempts = []
    for phase in range(3):
        attempt = attempt_start(user=user, spec=QuizSpec(topics=(), count=20, difficulty_min=1, difficulty_max=3,
                                mix=Mix.CHOICES), time_limit_minutes=120, seed=n * 10 + phase)
        answers = [(item.position, item.options[0]["value"] if answer_type(item) == "choice" else "1")
                   for item in attempt.items.order_by("position")]
        attempts.append({{"id": attempt.pk, "answers": answers}})
    users.append({{"username": user.username, "session": session.session_key, "attempts": attempts}})
sim_calls = []
for kind in registry.kinds():
    simulator = registry.get(kind)
    for _slug, _label, raw in simulator.presets:
        sim_calls.append((kind, simulator.engine.parse_params(raw).to_query()))
print(json.dumps({{"users": users, "sim_calls": sim_calls,
    "questions": list(Question.objects.published().values_list("slug", flat=True)),
    "topics": list(Topic.objects.values_list("slug", flat=True))}}))
"""
    done = subprocess.run([PY, "-c", script], cwd=ROOT, env=env, check=False, capture_output=True, text=True, timeout=600)
    if done.returncode:
        sys.exit(f"loadtest: setting up the learners failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1]


def wait_ok(url, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    return False


def worker_pids(master_pid):
    import psutil

    try:
        return [child.pid for child in psutil.Process(master_pid).children()]
    except psutil.Error:
        return []


def locust(env, host, tmp, phase, clients, seconds):
    out = Path(tmp) / f"phase{phase}.json"
    env = {**env, "LOADTEST_PHASE": str(phase), "LOADTEST_OUT": str(out)}
    subprocess.run(
        [PY, "-m", "locust", "-f", str(ROOT / "loadtest/locustfile.py"), "--headless", "-u", str(clients),
         "-r", str(clients), "-t", f"{seconds}s", "--host", host, "--only-summary", "--stop-timeout", "5",
         "--loglevel", "WARNING", "--exit-code-on-error", "0"],
        cwd=ROOT, env=env, timeout=seconds + 120, check=False, stdout=subprocess.DEVNULL,
    )
    return json.loads(out.read_text()) if out.exists() else {"requests": 0, "5xx": 0, "writes": 0, "resets": 0, "statuses": {}, "failures": []}


def slow_client(port, stop, sent):
    """A client that sends a request's headers one byte every half second and never finishes.

    When nginx gives up on it (client_header_timeout), it connects again: at most 100 times.
    """
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"x" * 200 + b"\r\n\r\n"
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                for byte in request[:-1]:
                    if stop.wait(0.5):
                        return
                    sock.sendall(bytes([byte]))
                    sent[0] += 1
        except OSError:
            if stop.wait(0.2):
                return


def probe_healthz(url, stop, latencies, failures):
    for _ in range(100_000):
        if stop.is_set():
            return
        started = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                ok = response.status == 200
        except (OSError, urllib.error.URLError):
            ok = False
        latencies.append((time.monotonic() - started) * 1000)
        if not ok:
            failures.append(latencies[-1])
        stop.wait(0.05)


def stored(env):
    script = """
import json, django
django.setup()
from django.db import connection
from quiz.models import Answer, Card, ReviewLog
logs = ReviewLog.objects.filter(user__username__startswith="load").count()
answers = Answer.objects.filter(item__attempt__user__username__startswith="load").count()
problems = []
if connection.vendor == "sqlite":
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        result = cursor.fetchone()[0]
        if result != "ok":
            problems.append(result)
        cursor.execute("PRAGMA foreign_key_check")
        problems += [str(row) for row in cursor.fetchall()]
from django.db.models import F
if ReviewLog.objects.exclude(card__user_id=F("user_id")).exists():
    problems.append("a review log belongs to another user's card")
if Card.objects.filter(user__username__startswith="load", last_review__isnull=False, logs__isnull=True).exists():
    problems.append("a reviewed card has no log")
print(json.dumps({"stored": logs + answers, "problems": problems}))
"""
    done = subprocess.run([PY, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=300)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    if subprocess.run(["which", "nginx"], capture_output=True).returncode != 0:
        sys.exit("make loadtest needs Debian's nginx: apt-get install -y nginx")
    tmp = tempfile.mkdtemp(prefix="kubeprep-load.")
    os.chmod(tmp, 0o755)
    app_port, proxy_port = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "KUBEPREP_CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
        # Every locust client shares one address here: the per-address simulator budget is for a crowd.
        "KUBEPREP_SIM_RUNS_PER_MINUTE": "100000",
        "KUBEPREP_SQLITE_PATH": str(Path(tmp) / "db.sqlite3"),
        "KUBEPREP_SHARED_CACHE_DIR": str(Path(tmp) / "shared-cache"),
        "KUBEPREP_TESTING": "0",
        "DJANGO_DEBUG": "0",
        "LOADTEST_PLAN": str(Path(tmp) / "plan.json"),
    }
    env.pop("DATABASE_URL", None)
    database_url = fresh_database(tmp)
    if database_url:
        env["DATABASE_URL"] = database_url
    log(f"preparing ({'PostgreSQL' if database_url else 'SQLite'}) in {tmp}")
    Path(env["LOADTEST_PLAN"]).write_text(prepare(env))

    conf = (ROOT / "deploy/nginx.conf").read_text()
    conf = conf.replace("127.0.0.1:8001", f"127.0.0.1:{app_port}").replace("127.0.0.1:8080", f"127.0.0.1:{proxy_port}")
    conf = conf.replace("worker_processes auto;", "worker_processes 1;")
    nginx_dir = Path(tmp) / "nginx"
    nginx_dir.mkdir()
    os.chmod(nginx_dir, 0o777)
    (nginx_dir / "nginx.conf").write_text(conf)
    procs = []
    gunicorn = subprocess.Popen(
        [PY, "-m", "gunicorn", "config.wsgi:application", "--preload", "--workers", str(WORKERS),
         "--bind", f"127.0.0.1:{app_port}", "--graceful-timeout", "5", "--timeout", "30"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(Path(tmp) / "gunicorn.log", "w"),
    )
    procs.append(gunicorn)
    nginx = subprocess.Popen(["nginx", "-p", f"{nginx_dir}/", "-c", str(nginx_dir / "nginx.conf"),
                              "-e", str(nginx_dir / "error.log"), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(nginx)
    host = f"http://127.0.0.1:{proxy_port}"
    totals = {"requests": 0, "5xx": 0, "resets": 0, "writes": 0}
    killed, stalled, p99 = 0, False, float("nan")
    try:
        if not wait_ok(f"{host}/healthz", 60):
            log("the site did not come up: see gunicorn.log and nginx/error.log in " + tmp)
            stalled = True
            raise SystemExit(1)

        def add(counts, phase):
            log(f"phase {phase}: {counts['requests']} requests, {counts['5xx']} 5xx, {counts['writes']} writes, "
                f"{counts.get('resets', 0)} cut off and resent, statuses {counts['statuses']}")
            for failure in counts.get("failures", []):
                log(f"  failed: {failure}")
            for key in totals:
                totals[key] += counts.get(key, 0)
            return counts["requests"] > 0

        log(f"phase 1: {CLIENTS} clients for {SECONDS} s")
        stalled |= not add(locust(env, host, tmp, 0, CLIENTS, SECONDS), 1)

        log(f"phase 2: {CLIENTS} clients for {SECONDS} s, "
            + ("one worker SIGKILLed half-way" if KILLS == 1 else f"{KILLS} workers SIGKILLed over its middle half"))

        def kill_workers():
            nonlocal killed
            moments = [SECONDS / 2] if KILLS == 1 else [SECONDS / 4 + SECONDS / 2 * n / (KILLS - 1) for n in range(KILLS)]
            started = time.monotonic()
            for moment in moments:
                time.sleep(max(0.0, started + moment - time.monotonic()))
                pids = worker_pids(gunicorn.pid)
                if not pids:
                    continue
                victim = pids[killed % len(pids)]
                try:
                    os.kill(victim, signal.SIGKILL)
                except ProcessLookupError:
                    continue
                killed += 1
                if KILLS == 1:
                    log(f"killed worker {victim}")
            if KILLS > 1:
                log(f"killed {killed} workers")

        killer = threading.Thread(target=kill_workers, daemon=True)
        killer.start()
        stalled |= not add(locust(env, host, tmp, 1, CLIENTS, SECONDS), 2)
        killer.join(timeout=SECONDS + 5)

        log(f"phase 3: {SLOW_CLIENTS} slow clients, {max(CLIENTS // 8, 1)} normal clients and a /healthz probe for {SECONDS} s")
        stop, sent, latencies, failures = threading.Event(), [0], [], []
        slow = [threading.Thread(target=slow_client, args=(proxy_port, stop, sent), daemon=True) for _ in range(SLOW_CLIENTS)]
        for thread in slow:
            thread.start()
        time.sleep(1)
        probe = threading.Thread(target=probe_healthz, args=(f"{host}/healthz", stop, latencies, failures), daemon=True)
        probe.start()
        stalled |= not add(locust(env, host, tmp, 2, max(CLIENTS // 8, 1), SECONDS), 3)
        stop.set()
        for thread in [*slow, probe]:
            thread.join(timeout=10)
        latencies.sort()
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("inf")
        log(f"healthz probe: {len(latencies)} requests, {len(failures)} failed, slow clients sent {sent[0]} bytes")
        if failures or not latencies or p99 > HEALTHZ_P99_MS:
            stalled = True
    finally:
        for proc in reversed(procs):
            proc.send_signal(signal.SIGTERM if proc is gunicorn else signal.SIGQUIT)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    check = stored(env)
    integrity = "ok" if not check["problems"] else "FAILED"
    if check["problems"]:
        log(f"integrity problems: {check['problems'][:5]}")
    log(f"{totals['resets']} requests cut off mid-answer and resent, {killed} workers killed (at most one each)")
    print(f"loadtest: {totals['requests']} requests, {totals['5xx']} 5xx, {totals['writes']} writes acknowledged, "
          f"{check['stored']} stored, {killed} workers killed, integrity {integrity}, slow-client healthz p99 {p99:.0f} ms",
          flush=True)
    failed = (totals["5xx"] or totals["resets"] > killed or check["stored"] < totals["writes"] or integrity != "ok"
              or stalled or killed < 1)
    if database_url:
        fresh_database_drop(database_url)
    if not failed:
        shutil.rmtree(tmp, ignore_errors=True)  # kept on failure, for its logs
    else:
        for name in ("nginx/error.log", "gunicorn.log"):  # CI keeps only what is printed
            lines = (Path(tmp) / name).read_text(errors="replace").splitlines() if (Path(tmp) / name).exists() else []
            log(f"last lines of {name} ({len(lines)} in all):")
            for line in lines[-40:]:
                print(f"    {line}", flush=True)
    sys.exit(1 if failed else 0)


def fresh_database_drop(url):
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    try:
        with psycopg.connect(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
                             password=config["PASSWORD"] or None, dbname="postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS kubeprep_loadtest WITH (FORCE)")
    except psycopg.Error:
        pass


if __name__ == "__main__":
    main()
