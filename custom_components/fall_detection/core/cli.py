"""Run the fall detector on a video file or a folder of images and print what it finds.

For people tuning thresholds on their own footage, without Home Assistant::

    scripts/detect VIDEO_OR_FOLDER [--model NAME] [--fps 1] [--no-bursts] [--threshold 0.5]
                   [--backend auto|litert|portable] [--annotate OUT.mp4]
                   [--floor FLOOR.json] [--long-lie SECONDS]

A video is sampled exactly as the integration samples a camera with its default settings:
``--fps`` frames per second while nothing happens, and bursts of 5 per second while someone
goes down (the camera option "Look faster when someone goes down"; ``--no-bursts`` for a
fixed rate). A folder of images has no timing of its own: its images are ``--fps`` apart.

The annotated video draws everyone found, the person of a fall in red, and the floor
the detector has learned so far in blue. It plays in real time: each analysed frame is
shown until the next one was analysed. --floor starts from a learned floor (a file of
``<config>/fall_detection/floor/``, or one this tool wrote) and writes the floor learned
by the end back to it.

Timestamps come from the frame index (video) or --fps (image folder). Models
are found like the integration finds them; FALL_DETECTION_MODEL_DIR names a
folder holding them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .backends import BackendKind
from .catalog import load_catalog
from .detector import BURST_FPS, DetectorConfig, FloorError, FloorModel, RateConfig
from .engine import PoseEngine, load_checker
from .errors import FallDetectionError
from .pipeline import FramePipeline
from .resolve import ModelResolver
from .video import folder_frames, replay_frames, replay_video

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    import numpy.typing as npt

    from .pipeline import FrameResult

# The integration's defaults (``const.DEFAULT_FPS``, ``const.DEFAULT_BURSTS``; core does not
# import the integration, a test keeps them equal).
DEFAULT_FPS = 1.0
DEFAULT_BURSTS = True


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    catalog = load_catalog()
    parser = argparse.ArgumentParser(prog="detect", description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, help="video file, or folder of JPEG/PNG/BMP images")
    parser.add_argument("--model", default=catalog.default, choices=sorted(catalog.models))
    parser.add_argument("--backend", default="auto", choices=[k.value for k in BackendKind])
    parser.add_argument(
        "--fps", type=float, default=DEFAULT_FPS, help="frames analysed per second (base rate)"
    )
    parser.add_argument(
        "--bursts",
        action=argparse.BooleanOptionalAction,
        default=DEFAULT_BURSTS,
        help=f"look faster ({BURST_FPS:g} per second) while someone goes down (videos)",
    )
    parser.add_argument("--threshold", type=float, default=0.5, help="alert threshold")
    parser.add_argument("--rotation", type=int, default=0, choices=(0, 90, 180, 270))
    parser.add_argument("--annotate", type=Path, help="write an annotated video (MPEG-4) here")
    parser.add_argument("--floor", type=Path, help="learned floor to start from and update")
    parser.add_argument(
        "--long-lie", type=float, default=60.0, help="seconds on the floor for person_on_floor"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Print one line per event and a summary; return the exit status."""
    args = parse(argv)
    try:
        spec = load_catalog().get(args.model)
        resolver = ModelResolver(allow_download=False)
        engine = PoseEngine.load(spec, resolver.resolve(spec), BackendKind(args.backend))
        checker = load_checker(resolver, BackendKind(args.backend), spec.name)
    except FallDetectionError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        floor = _read_floor(args.floor)
    except FloorError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    config = DetectorConfig(alert_threshold=args.threshold, long_lie_seconds=args.long_lie)
    video = not args.source.is_dir()
    rate = RateConfig(base_fps=args.fps, burst_fps=BURST_FPS if args.bursts and video else 0.0)
    pipeline = FramePipeline(
        engine, config, camera_rotation=args.rotation, floor=floor, rate=rate, checker=checker
    )
    writer, alerts = None, 0

    def analyse(t: float, image: bytes | npt.NDArray[np.uint8]) -> float:
        nonlocal writer, alerts
        result = pipeline.process(image, t)
        alerts += _print_events(result)
        if args.annotate is not None:
            writer = writer or _Writer(args.annotate, max(args.fps, rate.burst_fps))
            writer.add(result.render(floor=floor.mask(), annotate=True), result.next_interval)
        return result.next_interval

    try:
        if video:
            analysed = replay_video(args.source, analyse)
        else:
            analysed = replay_frames(folder_frames(args.source, args.fps), analyse)
    except FallDetectionError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    finally:
        if writer is not None:
            writer.close()
    print(f"{analysed} frames analysed with {spec.name} on {engine.backend.kind}; {alerts} fall(s)")
    if args.floor is not None:
        args.floor.write_text(json.dumps(floor.to_dict()))
        print(f"learned floor ({floor.samples:.0f} feet seen) written to {args.floor}")
    return 0


def _print_events(result: FrameResult) -> int:
    """Print one line per event of ``result``; return how many were falls."""
    for event in result.events:
        print(
            f"{result.timestamp:8.2f}s  {event.type.value:<15} person {event.track_id}  "
            f"confidence {event.confidence:.2f}  angle {event.leaning_angle:5.1f}  "
            f"reason {event.reason}"
        )
    return sum(event.is_alert for event in result.events)


def _read_floor(path: Path | None) -> FloorModel:
    """The floor stored at ``path`` (empty when there is none yet)."""
    if path is None or not path.exists():
        return FloorModel()
    try:
        return FloorModel.from_dict(json.loads(path.read_text()))
    except (OSError, ValueError) as err:
        raise FloorError(f"{path} is not a learned floor: {err}") from err


class _Writer:
    """An MPEG-4 video of rendered frames (PyAV)."""

    def __init__(self, path: Path, fps: float) -> None:
        import av

        self._container: Any = av.open(str(path), "w")
        self.fps = max(1, round(fps))
        self._stream: Any = self._container.add_stream("mpeg4", rate=self.fps)
        self._stream.pix_fmt = "yuv420p"
        self._av = av

    def add(self, jpeg: bytes, seconds: float) -> None:
        """Show ``jpeg`` for ``seconds`` (at least one frame of the video)."""
        from io import BytesIO

        from PIL import Image

        image = Image.open(BytesIO(jpeg)).convert("RGB")
        if self._stream.width == 0:
            self._stream.width, self._stream.height = image.width // 2 * 2, image.height // 2 * 2
        image = image.resize((self._stream.width, self._stream.height))
        frame = self._av.VideoFrame.from_image(image)
        for _ in range(max(1, round(seconds * self.fps))):
            for packet in self._stream.encode(frame):
                self._container.mux(packet)

    def close(self) -> None:
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()


if __name__ == "__main__":
    sys.exit(main())
