"""The learning loop simulated on the fixture clips: heuristic versus classifier on held-out clips.

Every analysed frame (5 fps by default) of every tracked person becomes a labelled
example, the label read from sequences.csv as a caregiver would answer: a
fall once the labelled fall has begun (plus one second), not a fall before it
and in the everyday clips. Subject 1's clips and the doorbell clip are the
home whose labels accumulate; subject 2's clips are held out. The classifier
is trained from scratch (not from the shipped bootstrap, which has seen every
clip) after each batch of labels; both detectors are scored on the held-out
frames.

Usage: .venv/bin/python benchmarks/learning.py [--fps 5] [--seed 0]
"""

from __future__ import annotations

import argparse
import csv

import numpy as np
from common import FIXTURES, MODELS
from core.catalog import load_catalog
from core.engine import PoseEngine
from core.learning.classifier import train
from core.learning.features import heuristic_says_fall, pose_features
from core.pipeline import FramePipeline
from core.video import frames

Example = tuple[str, np.ndarray, bool]


def examples(engine: PoseEngine, fps: float) -> list[Example]:
    """(clip, features, label) of every tracked person in every analysed frame."""
    rows: list[Example] = []
    sources = []
    with (FIXTURES / "clips" / "sequences.csv").open() as stream:
        for row in csv.DictReader(stream):
            start = float(row["fall_start_s"]) if row["label"] == "fall" else None
            sources.append((row["seq_id"], FIXTURES / row["path"], start))
    sources.append(
        ("negatives/doorbell", FIXTURES / "negatives" / "edge_test2-cam-person1.mkv", None)
    )
    for seq_id, path, start in sources:
        pipeline = FramePipeline(engine)
        for t, image in frames(path, fps):
            pipeline.process(image, t)
            for track in pipeline.detector.tracker.tracks:
                sequence = pipeline.detector.recent(track)
                if len(sequence) >= 3:
                    label = start is not None and t >= start + 1.0
                    rows.append((seq_id, pose_features(sequence), label))
    return rows


def scores(predicted: np.ndarray, truth: np.ndarray) -> str:
    """Accuracy, precision and recall with their counts."""
    tp = int(np.sum(predicted & truth))
    fp = int(np.sum(predicted & ~truth))
    fn = int(np.sum(~predicted & truth))
    accuracy = float(np.mean(predicted == truth))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return (
        f"acc {accuracy:.3f}  prec {precision:.3f} ({tp}/{tp + fp})  "
        f"rec {recall:.3f} ({tp}/{tp + fn})"
    )


def main() -> None:
    """Simulate and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fps", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    spec = load_catalog().get(load_catalog().default)
    engine = PoseEngine.load(spec, MODELS / spec.file)
    rows = examples(engine, args.fps)
    home = [r for r in rows if not r[0].startswith("clips/Subject2")]
    held = [r for r in rows if r[0].startswith("clips/Subject2")]
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(len(home))
    x_held = np.stack([r[1] for r in held])
    y_held = np.array([r[2] for r in held])
    heuristic = np.array([heuristic_says_fall(f) for f in x_held])
    print(f"{len(home)} labels from the home (subject 1 + doorbell), {len(held)} held-out frames")
    print(f"held out: {int(y_held.sum())} fall frames, {int((~y_held).sum())} other frames")
    print(f"heuristic              {scores(heuristic, y_held)}")
    for count in [c for c in (10, 20, 40, 80, 160) if c < len(home)] + [len(home)]:
        chosen = [home[i] for i in order[:count]]
        x = np.stack([r[1] for r in chosen])
        y = np.array([r[2] for r in chosen])
        if y.all() or not y.any():
            print(f"classifier @ {count:>4} labels: only one class so far")
            continue
        model = train(x, y, epochs=1000)
        predicted = model.proba(x_held) >= 0.5
        print(f"classifier @ {count:>4} labels {scores(predicted, y_held)}")


if __name__ == "__main__":
    main()
