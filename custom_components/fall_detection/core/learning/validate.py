"""Strict reading of stored or imported label data: nothing on disk is trusted.

A dataset file may have been damaged by a crash, edited by hand or handed over
by someone else (``import_dataset``). Every value is checked as strictly as
service input: exact types (``"false"`` is not a boolean, ``True`` is not a
number), finite numbers of bounded size, 17 x 3 keypoints, bounded sequence
lengths, plain ids, and thumbnail names that are exactly the file name this
integration generates for the sample (``<id>.jpg``). A thumbnail name that is
anything else (``../../secrets.yaml``, an absolute path, a number) is dropped
and counted, so retention and deletion can only ever touch our own files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from ..errors import FallDetectionError

if TYPE_CHECKING:
    from pathlib import Path

SAMPLE_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
MAX_FILE_BYTES: Final = 64 * 1024 * 1024  # about 40,000 samples of 8 frames
MAX_FRAMES: Final = 600  # a sequence is a few seconds of frames at most 5 fps; generous
MAX_COORDINATE: Final = 1e6  # pixels; anything larger is not a keypoint
MAX_TIME: Final = 1e11  # seconds on any clock (monotonic or since 1970), far beyond the year 5000
MAX_TEXT: Final = 255
KEYPOINTS: Final = 17
VALUES: Final = 3


class DatasetError(FallDetectionError):
    """The dataset file is unreadable or not a dataset."""


@dataclass(slots=True)
class Rejected:
    """What was dropped while reading: whole samples and thumbnail names."""

    samples: int = 0
    thumbnails: int = 0


def thumbnail_name(sample_id: str) -> str:
    """The only file name a sample's thumbnail can have."""
    return f"{sample_id}.jpg"


def read_json(path: Path, *, salvage: bool = False) -> Any:  # noqa: ANN401 - JSON is any
    """Parse a JSON file we wrote; every way it can be broken is a ``DatasetError``.

    ``salvage`` (imports): bytes that are not UTF-8 become U+FFFD instead of failing the
    whole file, so an id or a name they fall in is dropped, not the samples around it.
    Missing files raise ``FileNotFoundError`` for the caller to decide.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DatasetError(f"{path.name} is {size} bytes, over the {MAX_FILE_BYTES} limit")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as err:
        raise DatasetError(f"Cannot read {path.name}: {err.strerror or err}") from err
    try:
        return json.loads(raw.decode("utf-8", errors="replace" if salvage else "strict"))
    except UnicodeDecodeError as err:
        raise DatasetError(f"{path.name} is not UTF-8 text (byte {err.start})") from None
    except json.JSONDecodeError as err:
        raise DatasetError(
            f"{path.name} is not valid JSON ({err.msg}, line {err.lineno})"
        ) from None
    except RecursionError:
        raise DatasetError(f"{path.name} is nested too deeply to be a dataset") from None


def is_number(value: object, limit: float = MAX_COORDINATE) -> bool:
    """A finite int or float of at most ``limit`` in size (booleans are not numbers)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and True
        and abs(value) <= limit
    )


def non_negative_int(value: object, what: str) -> int:
    """A counter: an int >= 0."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise DatasetError(f"{what} is not a whole number >= 0: {short(value)}")
    return value


def text(value: object, what: str, pattern: re.Pattern[str] | None = None) -> str:
    """A short string (matching ``pattern`` in full when given)."""
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise DatasetError(f"{what} is not text: {short(value)}")
    if pattern is not None and not pattern.fullmatch(value):
        raise DatasetError(f"{what} has characters an id cannot have: {short(value)}")
    return value


def sequence(value: object) -> list[tuple[float, list[list[float]]]]:
    """A pose sequence: 1..MAX_FRAMES of (finite time, 17 x 3 finite numbers)."""
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_FRAMES:
        raise DatasetError(f"a sequence must be a list of 1 to {MAX_FRAMES} frames")
    out: list[tuple[float, list[list[float]]]] = []
    for frame in value:
        if not isinstance(frame, list | tuple) or len(frame) != 2:  # noqa: PLR2004
            raise DatasetError("a frame must be [time, keypoints]")
        t, keypoints = frame
        if not is_number(t, MAX_TIME):
            raise DatasetError(f"a frame time is not a finite number: {short(t)}")
        if not isinstance(keypoints, list) or len(keypoints) != KEYPOINTS:
            raise DatasetError("a frame's keypoints are not 17 x 3")
        rows: list[list[float]] = []
        for row in keypoints:
            if not isinstance(row, list) or len(row) != VALUES or not all(map(is_number, row)):
                raise DatasetError("a keypoint is not 3 finite numbers")
            rows.append([float(v) for v in row])
        out.append((float(t), rows))
    return out


def short(value: object, limit: int = 60) -> str:
    """A value for an error message, never the whole input repeated back."""
    shown = repr(value)
    return shown if len(shown) <= limit else f"{shown[:limit]}... ({len(shown)} characters)"
