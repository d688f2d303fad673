"""Read frames from a video file or a folder of images, with timestamps from the frame index.

Video decoding uses PyAV, which is a development and command-line dependency,
not a requirement of the integration: it is imported only when a video is read.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .errors import FallDetectionError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from pathlib import Path

    from PIL.Image import Image as PILImage

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp"})

Frame = tuple[float, npt.NDArray[np.uint8] | bytes]


def _open_av(path: Path) -> Any:  # noqa: ANN401 - PyAV container
    try:
        import av
    except ImportError as err:
        raise FallDetectionError("Reading video needs PyAV: pip install av") from err
    return av.open(str(path))


def video_frames(path: Path, fps: float, video_fps: float | None = None) -> Iterator[Frame]:
    """Yield (seconds, RGB array) at about ``fps``; seconds = frame index / video fps."""
    container = _open_av(path)
    try:
        stream = container.streams.video[0]
        rate = video_fps or float(stream.average_rate or 0) or 30.0
        step, next_t = 1.0 / fps, 0.0
        for index, frame in enumerate(container.decode(stream)):
            t = index / rate
            if t + 1e-9 < next_t:
                continue
            next_t += step
            while next_t <= t:
                next_t += step
            yield t, frame.to_ndarray(format="rgb24")
    finally:
        container.close()


def replay_frames[T](
    frames: Iterable[tuple[float, T]],
    analyse: Callable[[float, T], float],
    delay: float = 0.0,
) -> int:
    """Hand each ``(seconds, frame)`` to ``analyse`` when it is due, as a camera loop would.

    ``analyse(seconds, frame)`` returns the seconds until it wants the next frame (the
    adaptive rate); frames before that are skipped. ``delay`` holds the second frame back
    by that many seconds, which shifts every later one: the same clip sampled at another
    phase of the camera loop. Returns the frames analysed.
    """
    analysed, due = 0, 0.0
    for t, frame in frames:
        if t + 1e-9 < due:
            continue
        due = t + analyse(t, frame) + (delay if analysed == 0 else 0.0)
        analysed += 1
    return analysed


def replay_video(
    path: Path,
    analyse: Callable[[float, npt.NDArray[np.uint8]], float],
    video_fps: float | None = None,
    delay: float = 0.0,
) -> int:
    """Replay a video file with ``replay_frames`` (and its ``delay``); frames analysed.

    Frames that are not due are decoded but never converted to RGB.
    """
    container = _open_av(path)
    try:
        stream = container.streams.video[0]
        rate = video_fps or float(stream.average_rate or 0) or 30.0
        decoded = ((index / rate, f) for index, f in enumerate(container.decode(stream)))
        return replay_frames(decoded, lambda t, f: analyse(t, f.to_ndarray(format="rgb24")), delay)
    finally:
        container.close()


def folder_frames(path: Path, fps: float) -> Iterator[Frame]:
    """Yield (seconds, image bytes) for the images of a folder in name order, ``fps`` apart."""
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    for index, file in enumerate(files):
        yield index / fps, file.read_bytes()


def frames(path: Path, fps: float, video_fps: float | None = None) -> Iterator[Frame]:
    """Frames of a video file or an image folder."""
    return folder_frames(path, fps) if path.is_dir() else video_frames(path, fps, video_fps)


WIDER_GREY = 110  # the grey around a frame shown smaller by ``widen``


def widen(image: npt.NDArray[np.uint8], factor: float) -> npt.NDArray[np.uint8]:
    """``image`` in the middle of a grey frame ``factor`` times as wide and tall.

    The room as a camera with ``factor`` times the resolution and field of view would see it:
    the same pixels, every person ``factor`` times smaller against the whole frame (the
    benchmarks' ``--wider``, and the tests of the pose stage's zoom).
    """
    if factor <= 1:
        return image
    height, width = image.shape[:2]
    wide, high = round(width * factor), round(height * factor)
    return on_grey(image, wide, high, (wide - width) // 2, (high - height) // 2)


def on_grey(
    image: npt.NDArray[np.uint8], width: int, height: int, left: int, top: int
) -> npt.NDArray[np.uint8]:
    """``image`` placed at (``left``, ``top``) in a grey frame of ``width`` x ``height``."""
    canvas = np.full((height, width, 3), WIDER_GREY, np.uint8)
    canvas[top : top + image.shape[0], left : left + image.shape[1]] = image
    return canvas


CAMERA_QUALITY = 85  # JPEG quality of the stills the replays hand over as a camera would


def camera_still(image: npt.NDArray[np.uint8] | PILImage, quality: int = CAMERA_QUALITY) -> bytes:
    """``image`` (RGB) as the JPEG still a camera serves, of ``quality``.

    What every replay hands the pipeline when it plays a camera: the development camera,
    the tests' and benchmarks' replays (``accuracy.py --jpeg``).
    """
    from PIL import Image

    still = image if isinstance(image, Image.Image) else Image.fromarray(np.asarray(image))
    buffer = io.BytesIO()
    still.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def video_jpegs(
    path: Path, fps: float, width: int | None = None, quality: int = CAMERA_QUALITY
) -> list[bytes]:
    """A video as the JPEG stills a camera would serve, ``fps`` apart, optionally ``width`` wide.

    For replaying clips as cameras (the development instance, the cameras benchmark).
    """
    from PIL import Image

    stills: list[bytes] = []
    for _t, rgb in video_frames(path, fps):
        image = Image.fromarray(np.asarray(rgb))
        if width is not None:
            image = image.resize((width, round(image.height * width / image.width)))
        stills.append(camera_still(image, quality))
    if not stills:
        raise FallDetectionError(f"No frames in {path}")
    return stills
