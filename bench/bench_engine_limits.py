"""Every engine at its limits: the slowest run the API accepts, per kind, against 50 ms (issue 19).

For each kind it times the hand-picked worst cases of `sim/engine/worst_cases.py` (every knob that
drives the engine's cost at its limit) and a random search over accepted parameters
(`bench/_engine_params.py`, leaning to the expensive end of every range; a few hundred per kind).
Each run is timed once; the slowest random finds and every worst case are then timed again `--runs`
times. Times are `simulate(params)` + `result.to_dict()` (parsing excluded: it is cheap, and the
scheduler's YAML is parsed once per scenario); CPU is `time.process_time()` (fairer on a shared
machine), wall is `time.perf_counter()`. A kind meets the budget when the median CPU time of its
slowest case is under 50 ms.

Run: .venv/bin/python bench/bench_engine_limits.py [--random 300] [--runs 7] [--seed 1] [--kind etcd]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _engine_params import ENGINES, accepted

from sim.engine.worst_cases import WORST_CASES

BUDGET_MS = 50
RETIMED_RANDOM = 3


def time_once(engine, params):
    """(CPU ms, wall ms) of one simulate() + to_dict()."""
    cpu, wall = time.process_time(), time.perf_counter()
    engine.simulate(params).to_dict()
    return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def retime(engine, params, runs):
    """(median CPU, max CPU, median wall, max wall) over `runs` runs."""
    samples = [time_once(engine, params) for _ in range(runs)]
    cpu = [s[0] for s in samples]
    wall = [s[1] for s in samples]
    return statistics.median(cpu), max(cpu), statistics.median(wall), max(wall)


def short(raw, width=600):
    text = "&".join(f"{key}={value}" for key, value in raw.items())
    text = text.replace("\n", "\\n")
    return text if len(text) <= width else text[: width - 1] + "…"


def bench_kind(kind, *, random_count, runs, rng, verbose):
    engine = ENGINES[kind]
    rows = []
    for label, raw in WORST_CASES[kind]:
        params = engine.parse_params(raw)
        time_once(engine, params)  # warm-up
        rows.append((f"worst: {label}", raw, retime(engine, params, runs)))
    found = []
    for _ in range(random_count):
        raw, params = accepted(kind, rng)
        found.append((time_once(engine, params)[0], raw, params))
    found.sort(key=lambda item: item[0], reverse=True)
    for index, (_, raw, params) in enumerate(found[:RETIMED_RANDOM], start=1):
        rows.append((f"random #{index} of {random_count}", raw, retime(engine, params, runs)))
    random_cpu = [item[0] for item in found]
    print(f"\n== {kind}: {len(WORST_CASES[kind])} worst cases, {random_count} random accepted runs "
          f"(random: median {statistics.median(random_cpu) if random_cpu else 0:.2f} ms CPU, "
          f"slowest {max(random_cpu) if random_cpu else 0:.2f} ms on the single pass)")
    print(f"{'case':70} {'cpu med':>8} {'cpu max':>8} {'wall med':>9} {'wall max':>9}")
    for label, raw, (cpu_median, cpu_max, wall_median, wall_max) in rows:
        print(f"{label[:70]:70} {cpu_median:>8.2f} {cpu_max:>8.2f} {wall_median:>9.2f} {wall_max:>9.2f}")
        if verbose or label.startswith("random"):
            print(f"    {short(raw)}")
    slowest = max(rows, key=lambda row: row[2][0])
    return kind, slowest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random", type=int, default=300, help="random accepted runs per kind (default 300)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each retimed case (default 7)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random search (default 1)")
    parser.add_argument("--kind", action="append", choices=sorted(ENGINES), help="only this kind (repeatable)")
    parser.add_argument("--verbose", action="store_true", help="print the parameters of every case")
    args = parser.parse_args(argv)
    kinds = args.kind or list(ENGINES)
    print(f"Python {sys.version.split()[0]}; simulate() + to_dict(), ms; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; budget {BUDGET_MS} ms (median CPU of the slowest case)")
    rng = random.Random(args.seed)
    summary = [bench_kind(kind, random_count=args.random, runs=args.runs, rng=rng, verbose=args.verbose)
               for kind in kinds]
    print(f"\n{'kind':16} {'slowest case':58} {'cpu med':>8} {'cpu max':>8} {'wall med':>9} {'wall max':>9}  budget")
    met = True
    for kind, (label, _, (cpu_median, cpu_max, wall_median, wall_max)) in summary:
        ok = cpu_median < BUDGET_MS
        met &= ok
        print(f"{kind:16} {label[:58]:58} {cpu_median:>8.2f} {cpu_max:>8.2f} {wall_median:>9.2f} {wall_max:>9.2f}  "
              f"{'< 50 ms' if ok else 'OVER'}")
    print(f"\nEvery kind's slowest accepted run under {BUDGET_MS} ms CPU (median): {'yes' if met else 'NO'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
