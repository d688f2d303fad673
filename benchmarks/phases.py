"""Fall detection at several phases of the camera loop: how much of a score is luck.

The integration samples a camera from whatever moment it was set up, so where a fall's
analysed frames land is luck: a fall caught with the frames at 0, 1, 2 ... s can be missed
with the frames at 0.5, 1.5, 2.5 ... s, and an everyday clip silent at one phase can raise
a false alarm at another. This replays every clip of DATASET_DIR as ``accuracy.py`` does
(the integration's defaults) at ``--phases`` N phases: the second frame held back by 0,
1/N, 2/N ... of the base interval (``accuracy.py --phase``). It prints falls caught and
false alarms per phase, for all clips and the tuning and reporting splits, and their sum:
the number a change to the detector is judged by (see README.md, session 9), since one
phase alone flatters or harms it by a few clips.

``--grey`` hands every frame over in shades of grey, as a camera in infrared night mode
sends it (``accuracy.py --grey``).

``--wider K`` shows every frame K times smaller in a grey frame (``accuracy.py --wider``): a
camera with K times the resolution and field of view, every person K times smaller.

``--widescreen`` places every frame at the left of a grey 16:9 frame as high
(``accuracy.py --widescreen``): a 16:9 camera with the same vertical view;
``--widescreen-room`` fills its sides with the room instead of grey.

``--jpeg Q`` hands every frame over as a JPEG still of quality Q (``accuracy.py --jpeg``),
as a camera entity serves snapshots: the same clips with the compression's small changes to
every pixel, another draw of luck that no rule was tuned on (see README.md, session 11).

Usage: .venv/bin/python benchmarks/phases.py DATASET_DIR [--phases 4] [--model NAME]
       [--jpeg Q] [--grey] [--wider K] [--widescreen] [--widescreen-room]
       [--alerts-json FILE]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from common import MODELS
from core.catalog import load_catalog
from core.engine import PoseEngine
from core.evaluation import Labelled, Score, score_clip
from replaying import add_camera_arguments, checker_of, in_split, rate_of, read_sequences, replay

SPLITS = ("all", "tune", "report")

type Runs = dict[str, dict[str, list[float]]]  # phase -> clip -> alert times


def cell(score: Score) -> str:
    """Falls caught of falls, and false alarms."""
    return f"{score.detected}/{score.falls}, {score.false_alarms}"


def outcome(score: Score) -> tuple[int, int, int]:
    """What a clip's score says: falls, falls caught, false alarms (latency aside)."""
    return score.falls, score.detected, score.false_alarms


def split_scores(
    runs: Runs, clips: dict[str, Labelled]
) -> tuple[dict[str, Score], dict[tuple[str, str], Score]]:
    """Scores summed per split over every phase, and each (phase, clip)'s own score.

    Clips not in ``clips`` (another dataset's) are left out.
    """
    totals = {split: Score() for split in SPLITS}
    each: dict[tuple[str, str], Score] = {}
    for phase, alerts in runs.items():
        for seq_id, times in alerts.items():
            clip = clips.get(seq_id)
            if clip is None:
                continue
            score = score_clip(clip, times)
            each[phase, seq_id] = score
            for split in SPLITS:
                if in_split(seq_id, split):
                    totals[split].add(score)
    return totals, each


def main() -> None:
    """Run and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--phases", type=int, default=4, help="phases, evenly spread over 1 s")
    parser.add_argument("--model", default=load_catalog().default)
    add_camera_arguments(parser)
    parser.add_argument("--alerts-json", type=Path, help="write each phase's alerts here")
    args = parser.parse_args()

    spec = load_catalog().get(args.model)
    engine = PoseEngine.load(spec, MODELS / spec.file)
    checker = checker_of(not args.no_checker)
    rate = rate_of()  # the integration's defaults
    clips = read_sequences(args.dataset)
    # The tuning and reporting split exist on ../shared/fixtures/benchmark only.
    splits = SPLITS if any(in_split(c.seq_id, "tune") for c, _, _ in clips) else SPLITS[:1]
    phases = [i / (args.phases * rate.base_fps) for i in range(args.phases)]
    stills = "video frames" if args.jpeg is None else f"JPEG stills of quality {args.jpeg}"
    stills += ", in grey" if args.grey else ""
    stills += f", shown {args.wider:g} x smaller" if args.wider > 1 else ""
    stills += f", in a 16:9 frame at the {args.widescreen}" if args.widescreen else ""
    stills += ", its sides the room" if args.widescreen and args.widescreen_room else ""
    stills += f", checker {checker.spec.name}" if checker else ", no checker"
    print(f"fall detector, model {spec.name}, defaults, {stills}, dataset {args.dataset}")
    print(f"{'phase':>7}  " + "  ".join(f"{split + ': falls, false':>22}" for split in splits))
    labelled = {clip.seq_id: clip for clip, _, _ in clips}
    alerts: Runs = {}
    for phase in phases:
        key = f"{phase:g}"
        alerts[key] = {}
        for clip, path, video_fps in clips:
            run = replay(
                engine,
                path,
                rate,
                video_fps,
                wider=args.wider,
                widescreen=args.widescreen,
                widescreen_room=args.widescreen_room,
                jpeg=args.jpeg,
                grey=args.grey,
                phase=phase,
                checker=checker,
            )
            alerts[key][clip.seq_id] = [round(t, 3) for t in run.alerts]
        scores, _ = split_scores({key: alerts[key]}, labelled)
        print(f"{phase:6.2f}s  " + "  ".join(f"{cell(scores[s]):>22}" for s in splits))
    totals, _ = split_scores(alerts, labelled)
    print(f"{'sum':>7}  " + "  ".join(f"{cell(totals[s]):>22}" for s in splits))
    if args.alerts_json:
        args.alerts_json.write_text(json.dumps(alerts, indent=1))


if __name__ == "__main__":
    main()
