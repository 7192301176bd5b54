"""Service engine time: simulate() + to_dict() with 50 endpoints and 100,000 requests.

Target: under 50 ms per run. Without affinity the distribution is drawn rule by rule as a chain of
binomials (rule i takes Binomial(connections left, p_i)), so time grows with endpoints and
clients, not with requests; IPVS round robin without affinity walks every request.
Run: .venv/bin/python bench/bench_service.py
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sim.engine import service

TARGET_MS = 50
ENDPOINTS = ",".join(f"node-{'abcdefghij'[i % 10]}:ready" for i in range(50))
BASE = {"endpoints": ENDPOINTS, "requests": 100_000}
CASES = [
    ("iptables (target case)", {}),
    ("iptables, 50 clients", {"clients": 50}),
    ("iptables, ClientIP affinity, 50 clients", {"session_affinity": "ClientIP", "clients": 50}),
    ("iptables, affinity expiring, 50 clients", {"session_affinity": "ClientIP", "clients": 50,
                                                 "affinity_timeout_seconds": 1}),
    ("nftables", {"mode": "nftables"}),
    ("nftables, NodePort Local, external", {"mode": "nftables", "type": "NodePort",
                                            "external_traffic_policy": "Local", "client": "external:node-a"}),
    ("ipvs rr", {"mode": "ipvs"}),
    ("ipvs rr, 50 clients", {"mode": "ipvs", "clients": 50}),
    ("ipvs sh, 50 clients", {"mode": "ipvs", "ipvs_scheduler": "sh", "clients": 50}),
]


def measure(raw, runs):
    params = service.parse_params(raw)
    service.simulate(params).to_dict()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        service.simulate(params).to_dict()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]


def main():
    print(f"Python {sys.version.split()[0]}; 50 endpoints on 10 nodes, 100,000 requests; simulate() + to_dict(), ms")
    print(f"{'case':44} {'median':>9} {'p95':>9}")
    for label, extra in CASES:
        median, p95 = measure({**BASE, **extra}, runs=31)
        print(f"{label:44} {median:>9.3f} {p95:>9.3f}")
    median, p95 = measure(BASE, runs=101)
    verdict = "MET" if p95 < TARGET_MS else "NOT MET"
    print(f"\nTarget: 50 endpoints, 100,000 requests under {TARGET_MS} ms -> median {median:.3f} ms, p95 {p95:.3f} ms: {verdict}")


if __name__ == "__main__":
    main()
