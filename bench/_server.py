"""Start a real gunicorn (production settings, throwaway SQLite) on 127.0.0.1 for benchmarks."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_gunicorn(env, *, workers=2):
    """Run gunicorn with `env` on a free 127.0.0.1 port until /healthz answers; yield its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "sync", "--preload", "--log-level", "warning"],
        env=env, cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def server_env(tmp):
    """Production settings on a throwaway SQLite database and cache directory under `tmp`."""
    return {
        "DJANGO_DEBUG": "0",
        "KUBEPREP_TESTING": "0",
        "DJANGO_SECRET_KEY": "bench-" + "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "KUBEPREP_SQLITE_PATH": f"{tmp}/bench.sqlite3",
        "KUBEPREP_SHARED_CACHE_DIR": f"{tmp}/shared-cache",
        # Every request comes from one address: the per-client budget for uncached simulator runs
        # (30 a minute in production) would answer 429 to the rows that measure an uncached run.
        "KUBEPREP_SIM_RUNS_PER_MINUTE": "0",
    }


@contextlib.contextmanager
def gunicorn(*, workers=2, setup=None):
    """Yield the base URL of a gunicorn serving KubePrep with content loaded; setup(env) may add data."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, **server_env(tmp)}
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        subprocess.run([*manage, "load_content", "-v0"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env,
                       check=True, cwd=ROOT)
        if setup:
            setup(env)
        with running_gunicorn(env, workers=workers) as base:
            yield base, env
