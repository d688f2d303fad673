"""Compare two runs' alerts clip by clip: what a change to the detector did, and where.

Reads the ``--alerts-json`` files of ``accuracy.py`` (one replay: clip -> alert times) or of
``phases.py`` (phase -> clip -> alert times), scores both against DATASET_DIR's labels, and
prints falls caught and false alarms per split (all, tune, report) for each file, then every
clip (and phase) whose score differs, with both runs' alerts. "Identical clip by clip", as the
README's session notes say of a refactor, is a run of this that lists no clip.

Usage: .venv/bin/python benchmarks/compare.py DATASET_DIR BEFORE.json AFTER.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from phases import SPLITS, Runs, cell, outcome, split_scores
from replaying import read_sequences


def load(path: Path) -> Runs:
    """A run's alerts by phase; an ``accuracy.py`` file is one phase, named "-"."""
    data = json.loads(path.read_text())
    if all(isinstance(value, list) for value in data.values()):
        return {"-": data}
    return data


def main() -> None:
    """Run and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args()
    clips = {clip.seq_id: clip for clip, _, _ in read_sequences(args.dataset)}
    before, after = load(args.before), load(args.after)
    (totals_b, each_b), (totals_a, each_a) = split_scores(before, clips), split_scores(after, clips)
    print(f"{'run':<40} " + "  ".join(f"{s + ': falls, false':>22}" for s in SPLITS))
    for name, totals in ((args.before.name, totals_b), (args.after.name, totals_a)):
        print(f"{name:<40} " + "  ".join(f"{cell(totals[s]):>22}" for s in SPLITS))
    changed = 0
    for key in sorted(each_b.keys() | each_a.keys()):
        b, a = each_b.get(key), each_a.get(key)
        if b is not None and a is not None and outcome(b) == outcome(a):
            continue
        changed += 1
        phase, seq_id = key
        times_b = before.get(phase, {}).get(seq_id)
        times_a = after.get(phase, {}).get(seq_id)
        where = seq_id if phase == "-" else f"phase {phase} {seq_id}"
        print(f"  {where}: {cell(b) if b else '-'} {times_b} -> {cell(a) if a else '-'} {times_a}")
    print(f"{changed} clip replays scored differently")


if __name__ == "__main__":
    main()
