#!/usr/bin/env python3
"""Train the classifier the integration ships with, before any user label exists.

Replays the public fall clips of ``../shared/fixtures/clips`` (GMDCSA24, MIT)
and the upright doorbell clip of ``negatives/`` through the core pipeline at
2 fps. For every analysed frame of every tracked person, the features of the
person's last 10 seconds become one example: a fall once the labelled fall
has begun (plus one second), not a fall before it and in everyday clips.
Writes only the learned weights (a few numbers) to
``custom_components/fall_detection/core/learning/bootstrap.json``.

Usage: .venv/bin/python models/train_bootstrap.py [--fps 2]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "custom_components" / "fall_detection"))

from core.catalog import load_catalog  # noqa: E402
from core.engine import PoseEngine  # noqa: E402
from core.learning.classifier import train  # noqa: E402
from core.learning.features import NAMES, pose_features  # noqa: E402
from core.learning.learner import BOOTSTRAP_PATH  # noqa: E402
from core.pipeline import FramePipeline  # noqa: E402
from core.video import frames  # noqa: E402

SHARED = ROOT.parent / "shared"


def clips() -> list[tuple[Path, float | None, float | None]]:
    """(file, fall start, fall end) of every clip used."""
    out: list[tuple[Path, float | None, float | None]] = []
    folder = SHARED / "fixtures" / "clips"
    with (folder / "sequences.csv").open() as stream:
        for row in csv.DictReader(stream):
            start = float(row["fall_start_s"]) if row["label"] == "fall" else None
            end = float(row["fall_end_s"]) if row["label"] == "fall" else None
            out.append((folder.parent / row["path"], start, end))
    out.append((SHARED / "fixtures" / "negatives" / "edge_test2-cam-person1.mkv", None, None))
    return out


def main() -> None:
    """Build examples, train, write the weights."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fps", type=float, default=2.0)
    args = parser.parse_args()
    spec = load_catalog().get(load_catalog().default)
    engine = PoseEngine.load(spec, SHARED / "models" / spec.file)
    rows, labels = [], []
    for path, start, end in clips():
        pipeline = FramePipeline(engine)
        for t, image in frames(path, args.fps):
            pipeline.process(image, t)
            for track_id in pipeline.detector.tracker.tracks:
                sequence = pipeline.detector.recent(track_id)
                if len(sequence) < 3:  # noqa: PLR2004
                    continue
                rows.append(pose_features(sequence))
                labels.append(start is not None and end is not None and t >= start + 1.0)
    x, y = np.stack(rows), np.array(labels)
    model = train(x, y, epochs=2000)
    print(f"{len(y)} examples ({int(y.sum())} falls); training accuracy {model.accuracy(x, y):.3f}")
    for name, weight in zip(NAMES, model.weights, strict=True):
        print(f"  {name:<22} {weight:+.3f}")
    BOOTSTRAP_PATH.write_text(
        json.dumps(model.to_dict() | {"features": list(NAMES)}, indent=1) + "\n"
    )
    print(f"wrote {BOOTSTRAP_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
