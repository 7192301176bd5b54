"""Byte-identical engine output across a change: record SHA-256 digests of to_dict() JSON, then check them.

Cases: every page preset of every kind (sim/registry.py), every `sims:` entry in content/questions, the
worst cases of sim/engine/worst_cases.py that the parser accepts, and `--random` accepted random runs per
kind (bench/_engine_params.py, fixed seed). Record before changing an engine, check after:

    .venv/bin/python bench/check_engine_outputs.py --record /tmp/engine-digests.json
    .venv/bin/python bench/check_engine_outputs.py --check /tmp/engine-digests.json

A case recorded but no longer accepted (a lowered limit) is reported as skipped, not as a difference.
To compare with an older checkout, record here and run `--check` with this script and `_engine_params.py`
copied into the older tree's `bench/` (checking needs only the engines).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("KUBEPREP_TESTING", "1")

import django  # noqa: E402
import yaml  # noqa: E402

django.setup()

from _engine_params import ENGINES, accepted  # noqa: E402

from sim.engine import ParamError  # noqa: E402


def cases(random_count, seed):
    """(name, kind, raw) for every case, in a fixed order."""
    from sim import registry
    from sim.engine.worst_cases import WORST_CASES

    for simulator in registry.SIMULATORS:
        for slug, _, raw in simulator.presets:
            yield f"preset {simulator.kind}/{slug}", simulator.kind, dict(raw)
    for path in sorted((ROOT / "content" / "questions").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for index, entry in enumerate(data.get("sims") or []):
            yield f"content {path.relative_to(ROOT)}#{index}", entry["kind"], dict(entry.get("params") or {})
    for kind, worst in WORST_CASES.items():
        for label, raw in worst:
            yield f"worst {kind}: {label}", kind, raw
    rng = random.Random(seed)
    for kind in ENGINES:
        for index in range(random_count):
            raw, _ = accepted(kind, rng)
            yield f"random {kind} #{index}", kind, raw


def digest(kind, raw):
    engine = ENGINES[kind]
    try:
        params = engine.parse_params(raw)
    except ParamError as error:
        return None, str(error)
    text = json.dumps(engine.simulate(params).to_dict())
    return hashlib.sha256(text.encode()).hexdigest(), None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--record", metavar="FILE")
    action.add_argument("--check", metavar="FILE")
    parser.add_argument("--random", type=int, default=300, help="random accepted runs per kind (default 300)")
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args(argv)
    if args.record:
        recorded = {}
        for name, kind, raw in cases(args.random, args.seed):
            value, problem = digest(kind, raw)
            recorded[name] = {"kind": kind, "raw": raw, "digest": value, "refused": problem}
        Path(args.record).write_text(json.dumps(recorded, indent=1))
        print(f"recorded {len(recorded)} cases in {args.record}")
        return 0
    recorded = json.loads(Path(args.check).read_text())
    same = different = skipped = 0
    counts = {}
    for name, case in recorded.items():
        value, problem = digest(case["kind"], case["raw"])
        if case["digest"] is None or value is None:
            skipped += 1
            if case["digest"] is not None:
                print(f"now refused: {name}: {problem}")
            continue
        if value == case["digest"]:
            same += 1
            counts[case["kind"]] = counts.get(case["kind"], 0) + 1
        else:
            different += 1
            print(f"DIFFERENT: {name}: {json.dumps(case['raw'])[:300]}")
    print(f"{same} identical ({', '.join(f'{k} {v}' for k, v in counts.items())}), {different} different, "
          f"{skipped} skipped (refused then or now)")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
