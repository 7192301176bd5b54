"""Knowledge-base page throughput through a real gunicorn (2 sync workers) on 127.0.0.1.

Bounded: each page gets REQUESTS requests from CLIENTS threads, or stops after SECONDS.
Run: .venv/bin/python bench/bench_pages.py
"""

import http.client
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import gunicorn

CLIENTS = 16
REQUESTS = 800
SECONDS = 20
PAGES = ["/en/", "/zh-hans/topics/workloads/", "/en/questions/docker-vs-vm/", "/zh-hans/search/?q=%E6%8E%A2%E9%92%88",
         "/en/search/?q=rolling", "/static/css/app.css", "/healthz"]


def hammer(base, path):
    host = urlsplit(base)
    latencies, errors, lock = [], [], threading.Lock()
    remaining = [REQUESTS]
    deadline = time.monotonic() + SECONDS

    def worker():
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            start = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError as exc:
                ok, response = False, exc
                conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
            with lock:
                (latencies if ok else errors).append(time.perf_counter() - start)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, p95 * 1000, len(errors)


def main():
    with gunicorn(workers=2) as (base, _env):
        print(f"gunicorn, 2 sync workers, {CLIENTS} clients, {REQUESTS} requests per page")
        print(f"{'page':45} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
        for path in PAGES:
            hammer(base, path)  # warm the worker's persistent connection and caches
            rate, p50, p95, errors = hammer(base, path)
            print(f"{path:45} {rate:8.0f} {p50:8.1f} {p95:8.1f} {errors:7d}")


if __name__ == "__main__":
    main()
