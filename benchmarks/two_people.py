"""Falls with a second person in view: the benchmark's clips in pairs, side by side.

The benchmark set has one person per clip. Here every fall clip of
../shared/fixtures/benchmark is placed side by side with an everyday clip of the same
dataset (UR Fall with UR Fall, Le2i with Le2i; the i-th fall with the (i mod n)-th
everyday clip, the faller on the left for i = 0, 1, 4, 5, ... and on the right for i = 2, 3,
6, 7, ..., so both splits have fallers on both sides), and every
everyday clip with the next everyday clip, so a second person is in view the whole time.
The other clip's frame is the one nearest in time (its last frame once it ends). Each
composite is replayed as the integration samples a camera (defaults: 1 fps with bursts)
through two pose stages in the same run:

- ``whole frame``: one pass on the whole frame (retried turned by 90 degrees), as before
  ``core/people.py``;
- ``people``: the default: crops for tracked people and a discovery pass (``core/people.py``).

Prints falls caught and false alarms (alerts outside the fall's window, from either
person) per split (tune: UR odd clips and Le2i Coffee_room_01, as benchmarks/accuracy.py),
and the CPU time per analysed frame.

``--no-checker`` replays as an install without the checker model's file.

Usage: .venv/bin/python benchmarks/two_people.py [--limit N] [--model NAME]
       [--stages "whole frame,people"] [--alerts-json FILE] [--no-checker]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from common import FIXTURES, MODELS
from const import DEFAULT_THRESHOLD
from core.catalog import load_catalog
from core.detector import DetectorConfig
from core.engine import PoseEngine
from core.evaluation import Labelled, Score, score_clip
from core.people import DEFAULT_PEOPLE, PeopleConfig
from core.pipeline import FramePipeline
from core.video import replay_frames, video_frames
from PIL import Image
from replaying import checker_of, in_split, rate_of, read_sequences

type Clip = tuple[Labelled, Path, float | None]
STAGES: dict[str, PeopleConfig | None] = {"whole frame": None, "people": DEFAULT_PEOPLE}


def left(index: int) -> bool:
    """Whether the ``index``-th clip of a dataset goes on the left: two left, two right, ...

    In pairs, not every other one: the UR clips alternate between the tuning and the reporting
    split (odd and even numbers), and every other one put every tuning faller on the left and
    every reporting faller on the right, where the pose model finds a small person less often
    (``benchmarks/README.md``, session 18).
    """
    return (index // 2) % 2 == 0


def pairs(clips: list[Clip]) -> list[tuple[Clip, Clip, bool]]:
    """(main clip, other clip, main on the left) for every clip (see the module)."""
    out = []
    for dataset in ("urfd/", "le2i/"):
        falls = [c for c in clips if c[0].seq_id.startswith(dataset) and c[0].falls]
        everyday = [c for c in clips if c[0].seq_id.startswith(dataset) and not c[0].falls]
        out += [(f, everyday[i % len(everyday)], left(i)) for i, f in enumerate(falls)]
        out += [(e, everyday[(j + 1) % len(everyday)], left(j)) for j, e in enumerate(everyday)]
    return out


def decode(path: Path, video_fps: float | None) -> list[tuple[float, np.ndarray]]:
    """Every frame of a clip with its time (``video_frames`` asked for more than its rate)."""
    return [(t, np.asarray(rgb)) for t, rgb in video_frames(path, 1000.0, video_fps)]


def side_by_side(main: np.ndarray, other: np.ndarray, left: bool) -> np.ndarray:
    """The two frames in one, ``other`` scaled to ``main``'s height."""
    if other.shape[0] != main.shape[0]:
        width = round(other.shape[1] * main.shape[0] / other.shape[0])
        other = np.asarray(Image.fromarray(other).resize((width, main.shape[0])))
    return np.hstack([main, other] if left else [other, main])


def replay(
    pipeline: FramePipeline, main: Clip, other: Clip, left: bool
) -> tuple[list[float], int, float]:
    """Alerts, frames analysed and CPU seconds for one composite, sampled as a camera is."""
    frames_a, frames_b = decode(main[1], main[2]), decode(other[1], other[2])
    times_b = np.array([t for t, _ in frames_b])
    alerts: list[float] = []
    cpu = 0.0

    def analyse(t: float, frame: np.ndarray) -> float:
        nonlocal cpu
        second = frames_b[int(np.abs(times_b - t).argmin())][1]  # nearest in time
        start = time.process_time()
        result = pipeline.process(side_by_side(frame, second, left), t)
        cpu += time.process_time() - start
        alerts.extend(e.timestamp for e in result.events if e.is_alert)
        return result.next_interval

    analysed = replay_frames(frames_a, analyse)
    return alerts, analysed, cpu


def main() -> None:
    """Run and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=load_catalog().default)
    parser.add_argument("--limit", type=int, default=0, help="only the first N composites")
    parser.add_argument("--stages", default=",".join(STAGES), help="comma-separated stages to run")
    parser.add_argument("--alerts-json", type=Path, help="write each composite's alerts here")
    parser.add_argument(
        "--no-checker",
        action="store_true",
        help="without the checker model, as an install without its file",
    )
    args = parser.parse_args()
    spec = load_catalog().get(args.model)
    engine = PoseEngine.load(spec, MODELS / spec.file)
    # As the integration: the checker when its file is found.
    checker = None if args.no_checker else checker_of()
    rate = rate_of()  # the integration's defaults
    config = DetectorConfig(alert_threshold=DEFAULT_THRESHOLD)
    jobs = pairs(read_sequences(FIXTURES / "benchmark"))
    jobs = jobs[: args.limit] if args.limit else jobs
    print(f"falls with a second person in view: {len(jobs)} composites, model {spec.name}")
    print(f"{'pose stage':<12} {'split':<7} {'falls':>7} {'false alarms':>13} {'ms/frame':>9}")
    alerts_of: dict[str, dict[str, list[float]]] = {}
    for name in args.stages.split(","):
        people = STAGES[name]
        scores = {split: Score() for split in ("all", "tune", "report")}
        frames, cpu = 0, 0.0
        for main_clip, other, left in jobs:
            pipeline = FramePipeline(engine, config, rate=rate, people=people, checker=checker)
            alerts, analysed, seconds = replay(pipeline, main_clip, other, left)
            key = f"{main_clip[0].seq_id} | {other[0].seq_id}"
            alerts_of.setdefault(name, {})[key] = [round(t, 2) for t in alerts]
            frames, cpu = frames + analysed, cpu + seconds
            score = score_clip(main_clip[0], alerts)
            scores["all"].add(score)
            scores["tune" if in_split(main_clip[0].seq_id, "tune") else "report"].add(score)
        for split, s in scores.items():
            print(
                f"{name:<12} {split:<7} {s.detected:>3}/{s.falls:<3} {s.false_alarms:>13} "
                f"{1000 * cpu / max(frames, 1):>9.1f}"
            )
    if args.alerts_json:
        args.alerts_json.write_text(json.dumps(alerts_of, indent=1))


if __name__ == "__main__":
    main()
