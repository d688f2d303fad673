"""Clips replayed as the integration samples a camera: the machinery the benchmarks share.

``read_sequences`` reads a dataset's clips and labels, ``replay`` runs one clip through the
full core pipeline at the integration's rate (bursts included), asking for each next frame
as the integration does, and ``as_camera`` hands each frame over as a camera would
(``--wider``, ``--jpeg``, ``--grey``, ``--widescreen`` of ``accuracy.py``). The tuning and
reporting split of ``../shared/fixtures/benchmark`` is defined here (``TUNE``, ``in_split``).
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import common  # puts the engine's ``core`` package on the path
import numpy as np
from const import DEFAULT_BURSTS, DEFAULT_FPS, DEFAULT_THRESHOLD
from core.detector import BURST_FPS, AmbianicHeuristic, DetectorConfig, FloorModel, RateConfig
from core.engine import PoseEngine, load_checker
from core.evaluation import Labelled
from core.pipeline import FramePipeline
from core.resolve import ModelResolver
from core.video import camera_still, frames, on_grey, replay_video, widen
from PIL import Image

ALERT_THRESHOLD = 0.5
# Tuning and reporting split of ../shared/fixtures/benchmark (see benchmarks/README.md): rules are
# tuned on the UR clips with odd numbers and on Le2i Coffee_room_01, and reported on everything;
# the "report" split (UR even numbers, Le2i Home_02) is never looked at while tuning.
TUNE = re.compile(r"urfd/(fall|adl)-\d*[13579]-|le2i/Coffee_room_01")


def in_split(seq_id: str, split: str) -> bool:
    """Whether a clip belongs to ``split`` (all, tune or report)."""
    if split == "all":
        return True
    return bool(TUNE.search(seq_id)) == (split == "tune")


def read_sequences(folder: Path) -> list[tuple[Labelled, Path, float | None]]:
    """Clips with their labels, file and frame rate."""
    if folder.is_file():  # one unlabelled clip: everyday footage (no fall in it)
        return [(Labelled(folder.name, (), ("everyday",)), folder, None)]
    clips = []
    with (folder / "sequences.csv").open() as stream:
        for row in csv.DictReader(stream):
            falls = ()
            if row["label"] == "fall":
                falls = ((float(row["fall_start_s"]), float(row["fall_end_s"])),)
            tags = tuple(t.strip() for t in row.get("tags", "").split(";") if t.strip())
            fps = float(row["fps"]) if row.get("fps") else None
            path = folder / row["path"]
            if not path.exists():  # the fixtures' paths start at the folder above
                path = folder.parent / row["path"]
            duration = float(row["duration_s"]) if row.get("duration_s") else None
            clips.append((Labelled(row["seq_id"], falls, tags, duration), path, fps))
    return clips


PLACES: Final = {"left": 0.0, "centre": 0.5, "right": 1.0}
"""Where ``--widescreen`` puts the frame across the grey 16:9 one."""


def widescreen_frame(
    image: np.ndarray, place: str = "left", room: np.ndarray | None = None
) -> np.ndarray:
    """``image`` in a frame as high and 16:9 wide, at ``place`` (``--widescreen``).

    A 16:9 camera with the same vertical view shows the room at the same pixels, with more
    to either side: the model's input, which is square, then holds everyone smaller than in
    the 4:3 frame (0.45 instead of 0.6 of their pixels for a 320 x 240 clip). The more is grey,
    or with ``room`` (``room_background``, as big as ``image``; ``--widescreen-room``) the
    room itself without the person, mirrored at the clip's edge: real pixels, as a wider
    camera would show, rather than a flat grey a model never sees in a real room.
    """
    height, width = image.shape[:2]
    wide = max(width, round(height * 16 / 9))
    left = round((wide - width) * PLACES[place])
    framed = on_grey(image, wide, height, left, 0)
    if room is not None and wide > width:
        right = wide - width - left
        if left:
            framed[:, :left] = room[:, :left][:, ::-1]
        if right:
            framed[:, left + width :] = room[:, width - right :][:, ::-1]
    return framed


@functools.cache
def room_background(path: Path) -> np.ndarray | None:
    """The clip's room without the person: the median of its frames, two a second.

    None for a folder of stills. Someone who stays in one place most of the clip stays in it.
    Kept per clip: ``phases.py`` replays each clip at several phases.
    """
    if path.is_dir():
        return None
    stack = np.stack([image for _, image in frames(path, 2.0)])
    return np.median(stack, axis=0).astype(np.uint8)


def add_camera_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of how frames reach the pipeline (``as_camera``) and ``--no-checker``."""
    parser.add_argument(
        "--wider",
        type=float,
        default=1.0,
        metavar="K",
        help="show every frame K times smaller in a grey frame (a wider, sharper camera)",
    )
    parser.add_argument(
        "--widescreen",
        nargs="?",
        const="left",
        choices=list(PLACES),
        help="place every frame in a grey 16:9 frame as high, at the left unless told",
    )
    parser.add_argument(
        "--widescreen-room",
        action="store_true",
        help="fill the 16:9 frame's sides with the room (its median frame, mirrored), not grey",
    )
    parser.add_argument(
        "--jpeg",
        type=int,
        metavar="Q",
        help="hand every frame over as a JPEG still of quality Q (as a camera entity serves it)",
    )
    parser.add_argument(
        "--grey",
        action="store_true",
        help="hand every frame over in shades of grey (a camera in infrared night mode)",
    )
    parser.add_argument(
        "--no-checker",
        action="store_true",
        help="without the checker model: the first model's mirrored reading confirms a fall",
    )


def as_camera(
    image: np.ndarray | bytes,
    wider: float,
    jpeg: int | None,
    *,
    grey: bool = False,
    widescreen: str | None = None,
    room: np.ndarray | None = None,
) -> np.ndarray | bytes:
    """A frame as the replay hands it over: ``wider``, ``jpeg`` quality, in ``grey``.

    ``wider``: ``core.video.widen``; ``grey``: a night camera's shades of grey;
    ``widescreen``: ``widescreen_frame`` at that place (None: as it is), its sides filled
    with ``room`` (``room_background``) when given, else grey.
    """
    if wider <= 1 and not grey and not widescreen and (jpeg is None or isinstance(image, bytes)):
        return image
    if isinstance(image, bytes):  # a still of an image folder
        image = np.asarray(Image.open(io.BytesIO(image)).convert("RGB"))
    image = widen(image, wider)
    if widescreen:
        image = widescreen_frame(image, widescreen, None if room is None else widen(room, wider))
    if grey:
        luma = np.asarray(Image.fromarray(np.ascontiguousarray(image)).convert("L"))
        image = np.repeat(luma[..., None], 3, axis=2)
    return image if jpeg is None else camera_still(image, jpeg)


@dataclass
class Cost:
    """Frames analysed and CPU seconds spent, per second of video replayed."""

    frames: int = 0
    cpu: float = 0.0
    seconds: float = 0.0

    def per_minute(self) -> tuple[float, float]:
        """(frames, CPU seconds) per minute of video."""
        minutes = self.seconds / 60 or 1.0
        return self.frames / minutes, self.cpu / minutes


@dataclass
class Replay:
    """What one clip produced."""

    alerts: list[float] = field(default_factory=list)
    frames: int = 0
    cpu: float = 0.0
    seconds: float = 0.0


def replay(
    engine: PoseEngine,
    path: Path,
    rate: RateConfig,
    video_fps: float | None,
    *,
    baseline: bool = False,
    floor: FloorModel | None = None,
    wider: float = 1.0,
    jpeg: int | None = None,
    grey: bool = False,
    widescreen: str | None = None,
    widescreen_room: bool = False,
    phase: float = 0.0,
    checker: PoseEngine | None = None,
) -> Replay:
    """Alerts of one clip (of the Ambianic baseline on the biggest person with --baseline).

    ``floor``: the camera's floor as learned before the clip (``--warm-floor``); ``wider``,
    ``jpeg``, ``grey`` and ``widescreen``: how each frame is handed over (``as_camera``;
    ``widescreen_room``: the 16:9 frame's sides show the room, ``room_background``);
    ``phase``: the second frame held back by that many seconds (``core.video.replay_frames``);
    ``checker``: the model that reads a person again before a fall is raised (``checker_of``).
    """
    config = DetectorConfig(alert_threshold=DEFAULT_THRESHOLD)  # the integration's default
    pipeline = FramePipeline(engine, config, rate=rate, floor=floor, checker=checker)
    heuristic = AmbianicHeuristic()
    out = Replay()
    room = room_background(path) if widescreen and widescreen_room else None

    def analyse(t: float, image: object) -> float:
        image = as_camera(image, wider, jpeg, grey=grey, widescreen=widescreen, room=room)  # type: ignore[arg-type]
        start = time.process_time()
        if baseline:
            people = pipeline.estimate(image).people  # type: ignore[arg-type]
            person = max(people, key=lambda p: p.box.height * p.box.width, default=None)
            verdict = heuristic.update(person, t)
            if verdict is not None and verdict.confidence >= ALERT_THRESHOLD:
                out.alerts.append(t)
            interval = 1.0 / rate.base_fps
        else:
            result = pipeline.process(image, t)  # type: ignore[arg-type]
            out.alerts.extend(e.timestamp for e in result.events if e.is_alert)
            interval = result.next_interval
        out.cpu += time.process_time() - start
        out.seconds = t
        return interval

    if path.is_dir():  # a folder of stills: no native timing, analysed at the base rate
        for t, image in frames(path, rate.base_fps):
            analyse(t, image)
            out.frames += 1
        out.seconds += 1.0 / rate.base_fps
    else:
        out.frames = replay_video(path, analyse, video_fps, delay=phase)
        out.seconds += 1.0 / (video_fps or 30.0)
    return out


def checker_of(enabled: bool = True) -> PoseEngine | None:
    """The catalog's checker model, as the integration loads it when its file is found.

    None when ``enabled`` is False (``--no-checker``: the first model's mirrored reading, as
    without the checker's file) or when ../shared/models does not hold it.
    """
    if not enabled:
        return None
    return load_checker(ModelResolver(explicit=common.MODELS, allow_download=False))


def rate_of(fps: float = DEFAULT_FPS, bursts: bool = DEFAULT_BURSTS) -> RateConfig:
    """The analysis rate the integration uses at ``fps``, bursts on or off (its defaults)."""
    return RateConfig(base_fps=fps, burst_fps=BURST_FPS if bursts else 0.0)
