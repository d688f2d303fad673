"""Long lie ("Person on the floor") on labelled clips, with each camera's floor learned first.

The clips are short (a few seconds after the fall), so the long lie is measured with
--seconds 3 instead of the integration's 60. A running camera has learned its floor from
the people it saw before; here each clip's floor is learned, label-free, from the feet of
the people standing and walking in the *other* clips of the same camera view. Views are
found without labels either: clips whose first frames look alike (correlation of 32 x 24
grey thumbnails above 0.8) share a view.

Prints, per kind of clip: how many raised "person on the floor". Falls with at least
--seconds + 1 s of video after the fall's end and clips of someone lying down on the
floor on purpose should; lying on a bed or sofa and every other everyday clip must not.
With the floor known, it also counts the falls raised as "from_furniture" (someone lying
on a bed or sofa, then on the floor): none of the everyday clips may raise one.

Usage: .venv/bin/python benchmarks/long_lie.py [DATASET_DIR] [--seconds 3] [--fps 1]
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from common import FIXTURES, MODELS
from core.catalog import load_catalog
from core.detector import DetectorConfig, FallEventType
from core.engine import PoseEngine
from core.pipeline import FramePipeline
from core.video import frames
from replaying import read_sequences
from views import views, warm_floors

if TYPE_CHECKING:
    from core.evaluation import Labelled


def kind(clip: Labelled, duration: float, seconds: float) -> str:
    """Which row a clip counts in."""
    if clip.falls:
        return "fall, long enough" if duration - clip.falls[0][1] >= seconds + 1 else "fall, short"
    if "lying_on_floor_deliberate" in clip.tags:
        return "lying on the floor on purpose"
    if "lying_on_bed_or_sofa" in clip.tags:
        return "lying on a bed or sofa (must be 0)"
    return "other everyday (must be 0)"


def main() -> None:
    """Run and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", type=Path, nargs="?", default=FIXTURES / "benchmark")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--fps", type=float, default=1.0)
    args = parser.parse_args()
    spec = load_catalog().get(load_catalog().default)
    engine = PoseEngine.load(spec, MODELS / spec.file)
    clips = read_sequences(args.dataset)
    floors = warm_floors(engine, clips)
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    count = len(set(views(clips)))
    print(f"long lie after {args.seconds:g} s, {args.fps:g} fps, {count} camera views")
    for (clip, path, video_fps), floor in zip(clips, floors, strict=True):
        config = DetectorConfig(long_lie_seconds=args.seconds)
        pipeline = FramePipeline(engine, config, floor=floor)
        fired, rolled, last = [], [], 0.0
        for t, image in frames(path, args.fps, video_fps):
            events = pipeline.process(image, t).events
            fired += [e.timestamp for e in events if e.type is FallEventType.ON_FLOOR]
            rolled += [e.timestamp for e in events if e.reason == "from_furniture"]
            last = t
        row = kind(clip, last, args.seconds)
        rows[row][0] += 1
        rows[row][1] += bool(fired)
        rows[row][2] += bool(rolled)
        note = "floor known" if floor.known else "floor not learned"
        print(
            f"  {clip.seq_id:<40} {row:<36} {note:<18} on floor at: {fired or '-'}"
            f"  from furniture at: {rolled or '-'}"
        )
    print("summary (person on the floor; falls from furniture):")
    for row, (total, raised, from_furniture) in sorted(rows.items()):
        print(f"  {row:<40} {raised:>3} of {total}; {from_furniture}")


if __name__ == "__main__":
    main()
