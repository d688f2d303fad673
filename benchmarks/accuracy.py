"""Fall detection accuracy on labelled clips, through the full core pipeline.

Replays every clip of DATASET_DIR/sequences.csv (schema of
../shared/fixtures/clips/sequences.csv, paths relative to DATASET_DIR) the way
the integration samples a camera: at --fps frames per second and faster while the
detector asks for a burst (the camera option "Look faster when someone goes down",
on by default; --no-bursts turns it off); with no options, the integration's defaults. Timestamps
from the frame index, through decode, pose model and detector. Prints event
recall, precision, F1, false alarms and median latency from the fall's start,
overall and per tag; alerts within 1, 2 and 5 s of the fall's end; frames and
CPU time per analysed minute of everyday video (--cost adds fixed 1, 2 and 5 fps
for comparison); then the Ambianic pairs regression table.

DATASET_DIR may also be one video file with no fall in it (the doorbell clip of
../shared/fixtures/negatives): its alerts are false alarms.

--wider K places every frame in the middle of a grey frame K times as wide and tall: the room
as a camera with K times the resolution and field of view would see it, every person K times
smaller for the pose model (whose input stays 192 pixels) but with the same pixels.
--jpeg Q hands each frame over as a JPEG still of quality Q, the way a camera entity serves
snapshots to the integration (decoded at reduced size, as there), instead of the video's
decoded pixels.
--widescreen places each frame at the left of a grey frame as high and 16:9 wide: the room as a
16:9 camera with the same vertical view would show it (most cameras are 16:9; the benchmark's
clips are 4:3), everyone smaller in the model's square input. With --widescreen-room the sides
show the room instead of grey (the clip's median frame, the person gone, mirrored at its edge):
real pixels, as a wider camera sends them, rather than a flat grey band inside the pose stage's
4:3 window around a person (core/window.py).
--grey hands each frame over in shades of grey (the Rec. 601 luma in all three channels), as a
camera in infrared night mode sends it: the pose model was trained on colour photographs.
--phase S holds the second analysed frame back by S seconds (0 to 1 / --fps), which shifts
every later one: the same clips sampled at another moment of the camera loop. The integration
samples a camera at whatever moment it was set up, so a fall can leave its frames anywhere;
one phase alone flatters or harms a detector by luck (see README.md, "phases").

Usage: .venv/bin/python benchmarks/accuracy.py DATASET_DIR [--model NAME] [--fps N]
       [--no-bursts] [--cost] [--split all|tune|report] [--alerts-json FILE] [--pairs DIR]
       [--baseline] [--warm-floor] [--wider K] [--widescreen] [--widescreen-room] [--jpeg Q]
       [--grey] [--phase S]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from common import FIXTURES, MODELS
from const import DEFAULT_BURSTS, DEFAULT_FPS
from core.catalog import load_catalog
from core.detector import BURST_FPS, FloorModel, RateConfig
from core.engine import PoseEngine
from core.evaluation import Labelled, Score, score_clip
from core.pairs import run_pairs
from replaying import (
    Cost,
    add_camera_arguments,
    checker_of,
    in_split,
    rate_of,
    read_sequences,
    replay,
)
from views import views, warm_floors


def _within(clip: Labelled, alerts: list[float], seconds: float) -> int:
    """Falls of ``clip`` alerted on no later than ``seconds`` after their end."""
    return sum(
        1 for start, end in clip.falls if any(start - 0.5 <= t <= end + seconds for t in alerts)
    )


AFTER_FALL = 1.0
"""Seconds of footage after a fall's end that let the detector see the person down."""


def _footage_after(clip: Labelled, score: Score, tally: dict[bool, Score]) -> None:
    """Add ``clip``'s score to ``tally[footage goes on AFTER_FALL s past the fall's end]``.

    One fall per clip in the benchmark set. A clip that ends as the fall ends leaves at most
    one analysed frame of the person down (at 1 fps, maybe none).
    """
    if clip.falls and clip.duration is not None:
        tally[clip.duration - clip.falls[-1][1] >= AFTER_FALL].add(score)


def _row(name: str, s: Score) -> str:
    latency = f"{s.median_latency:.1f}" if s.median_latency is not None else "-"
    return (
        f"{name:<52} {s.detected:>3}/{s.falls:<3} {s.recall:6.2f} "
        f"{s.precision:9.2f} {s.f1:5.2f} {s.false_alarms:>6} {latency:>8}"
    )


def _rate(args: argparse.Namespace, base: float | None = None) -> RateConfig:
    if base is not None:
        return RateConfig(base_fps=base)
    return rate_of(args.fps, args.bursts)


def _cost_line(name: str, cost: Cost, reference: Cost | None) -> str:
    frames, cpu = cost.per_minute()
    ratio = ""
    if reference is not None and reference.cpu > 0:
        ratio = f"  {cpu / reference.per_minute()[1]:.2f} x fixed 1 fps CPU"
    return f"  {name:<28} {frames:7.1f} frames/min  {cpu:6.2f} CPU s/min{ratio}"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--model", default=load_catalog().default)
    parser.add_argument(
        "--fps", type=float, default=DEFAULT_FPS, help="base analysis rate (the integration's)"
    )
    parser.add_argument(
        "--bursts",
        action=argparse.BooleanOptionalAction,
        default=DEFAULT_BURSTS,
        help=f"bursts of {BURST_FPS:g} fps (adaptive rate; on by default, as in the integration)",
    )
    parser.add_argument("--cost", action="store_true", help="also replay fixed 1, 2 and 5 fps")
    parser.add_argument("--split", choices=("all", "tune", "report"), default="all")
    parser.add_argument("--alerts-json", type=Path)
    parser.add_argument("--pairs", type=Path, default=FIXTURES / "pairs")
    parser.add_argument(
        "--baseline", action="store_true", help="score the Ambianic heuristic alone instead"
    )
    parser.add_argument(
        "--warm-floor",
        action="store_true",
        help="replay each clip with the floor its camera learned from the other clips of its "
        "view (as a camera that has been running), instead of a new camera's empty floor",
    )
    add_camera_arguments(parser)
    parser.add_argument(
        "--phase",
        type=float,
        default=0.0,
        metavar="S",
        help="hold the second analysed frame back by S seconds (another phase of the camera loop)",
    )
    return parser.parse_args()


def _clips(
    engine: PoseEngine, args: argparse.Namespace
) -> list[tuple[Labelled, Path, float | None, FloorModel | None]]:
    """The clips of the chosen split, each with its camera's floor (``--warm-floor``)."""
    everything = read_sequences(args.dataset)
    if args.warm_floor:
        floors: list[FloorModel | None] = list(warm_floors(engine, everything))
        print(f"floors learned from the other clips of each view ({len(set(views(everything)))})")
    else:
        floors = [None] * len(everything)
    return [
        (clip, path, fps, floor)
        for (clip, path, fps), floor in zip(everything, floors, strict=True)
        if in_split(clip.seq_id, args.split)
    ]


def main() -> None:
    """Run and print."""
    args = _arguments()

    spec = load_catalog().get(args.model)
    engine = PoseEngine.load(spec, MODELS / spec.file)
    checker = checker_of(not args.no_checker)
    rate = _rate(args)
    overall, by_tag, alerts_by_clip = Score(), {}, {}
    within = dict.fromkeys((1, 2, 5), 0)
    after = {True: Score(), False: Score()}
    everyday, all_cost = Cost(), Cost()
    header = (
        f"{'clip / tag':<52} {'det':>7} {'recall':>6} {'precision':>9} {'F1':>5} "
        f"{'false':>6} {'latency':>8}"
    )
    detector = "Ambianic baseline" if args.baseline else "fall detector"
    bursts = f", bursts of {rate.burst_fps:g} fps" if rate.adaptive and not args.baseline else ""
    wider = f", frames shown {args.wider:g} x smaller (--wider)" if args.wider > 1 else ""
    wider += f", JPEG stills of quality {args.jpeg}" if args.jpeg else ""
    wider += ", in grey" if args.grey else ""
    wider += f", in a 16:9 frame at the {args.widescreen}" if args.widescreen else ""
    wider += ", its sides the room" if args.widescreen and args.widescreen_room else ""
    wider += f", phase {args.phase:g} s" if args.phase else ""
    wider += f", checker {checker.spec.name}" if checker else ", no checker"
    print(f"{detector}, model {spec.name}, {args.fps:g} fps{bursts}, dataset {args.dataset}{wider}")
    print(header)
    clips = _clips(engine, args)
    for clip, path, video_fps, floor in clips:
        run = replay(
            engine,
            path,
            rate,
            video_fps,
            baseline=args.baseline,
            floor=floor,
            wider=args.wider,
            jpeg=args.jpeg,
            grey=args.grey,
            widescreen=args.widescreen,
            widescreen_room=args.widescreen_room,
            phase=args.phase,
            checker=checker,
        )
        alerts = run.alerts
        alerts_by_clip[clip.seq_id] = [round(t, 3) for t in alerts]
        score = score_clip(clip, alerts)
        overall.add(score)
        for seconds in within:
            within[seconds] += _within(clip, alerts, seconds)
        _footage_after(clip, score, after)
        for cost in (all_cost, everyday) if not clip.falls else (all_cost,):
            cost.frames, cost.cpu = cost.frames + run.frames, cost.cpu + run.cpu
            cost.seconds += run.seconds
        for tag in clip.tags:
            by_tag.setdefault(tag, Score()).add(score)
        print(_row(clip.seq_id, score), " alerts:", ", ".join(f"{t:.1f}" for t in alerts) or "-")
    print("per tag:")
    for tag, score in sorted(by_tag.items()):
        print(_row(tag, score))
    print(_row("OVERALL", overall))
    print(
        "falls alerted within 1 / 2 / 5 s of their end: "
        + " / ".join(f"{within[s]}" for s in within)
        + f" of {overall.falls}"
    )
    if after[False].falls:
        print(
            f"falls whose clip goes on at least {AFTER_FALL:g} s after their end: "
            f"{after[True].detected}/{after[True].falls}; clips ending sooner: "
            f"{after[False].detected}/{after[False].falls}"
        )
    print("cost (frames and CPU time per minute of video):")
    reference = _fixed_costs(engine, [c[:3] for c in clips], args, checker) if args.cost else None
    print(_cost_line("everyday clips, this run", everyday, reference))
    print(_cost_line("all clips, this run", all_cost, None))
    if args.alerts_json:
        args.alerts_json.write_text(json.dumps(alerts_by_clip, indent=1))
    if args.pairs.exists():
        _print_pairs(engine, args.pairs)


def _fixed_costs(
    engine: PoseEngine,
    clips: list[tuple[Labelled, Path, float | None]],
    args: argparse.Namespace,
    checker: PoseEngine | None,
) -> Cost:
    """Print the cost of fixed 1, 2 and 5 fps on the everyday clips; return the 1 fps one."""
    fixed = {}
    for fps in (1.0, 2.0, 5.0):
        cost = Cost()
        for clip, path, video_fps in clips:
            if not clip.falls:
                run = replay(engine, path, _rate(args, fps), video_fps, checker=checker)
                cost.frames, cost.cpu = cost.frames + run.frames, cost.cpu + run.cpu
                cost.seconds += run.seconds
        fixed[fps] = cost
    for fps, cost in fixed.items():
        print(_cost_line(f"everyday clips, fixed {fps:g} fps", cost, fixed[1.0]))
    return fixed[1.0]


def _print_pairs(engine: PoseEngine, pairs: Path) -> None:
    print("\nAmbianic pairs regression:")
    passed = 0
    outcomes = run_pairs(engine, pairs)
    for outcome in outcomes:
        passed += outcome.ok
        print(
            f"  {outcome.test_id:<22} {'PASS' if outcome.ok else 'FAIL'}  "
            f"expected {','.join(outcome.expected):<24} got {','.join(outcome.got)}"
        )
    print(f"  {passed}/{len(outcomes)} pairs pass")


if __name__ == "__main__":
    main()
