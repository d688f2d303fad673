"""Fault injection helpers: a camera that fails on demand, frames that break decoders.

Also the record behind the fault table printed at the end of the test run.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from homeassistant.components.camera import Camera
from PIL import Image

from tests.images import png_declaring
from tests.paths import PAIRS, require

FAULT_TABLE: list[FaultRow] = []
SOAK_REPORT: list[str] = []  # printed at the end of the run, like the fault table


@dataclass
class FaultRow:
    """One fault tried: what should happen, whether everything held, labels lost."""

    fault: str
    expected: str
    survived: bool = False
    labels_lost: int | None = None
    other_cameras: str = "n/a"


class FaultyCamera(Camera):
    """A camera entity that serves ``payload`` or fails the way ``mode`` says."""

    _attr_name = "Front door"
    _attr_unique_id = "faulty_front_door"

    def __init__(self) -> None:
        """Start healthy, serving a person standing."""
        super().__init__()
        self.mode = "ok"
        self.payload = person_jpeg()

    async def async_camera_image(
        self,
        width: int | None = None,  # noqa: ARG002
        height: int | None = None,  # noqa: ARG002
    ) -> bytes | None:
        """The frame, or the fault."""
        if self.mode == "raise":
            msg = "camera firmware crashed"
            raise RuntimeError(msg)
        if self.mode == "timeout":
            await asyncio.Event().wait()  # never answers; async_get_image times out
        if self.mode == "none":
            return None
        return self.payload


def _person() -> Image.Image:
    with Image.open(require(PAIRS / "images" / "fall_img_1.png")) as image:
        return image.convert("RGB")


def _encode(image: Image.Image, fmt: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


@cache
def person_jpeg() -> bytes:
    """A real frame: one person standing."""
    return _encode(_person())


@cache
def pair_jpeg(name: str) -> bytes:
    """One of the Ambianic pair images as a camera JPEG."""
    with Image.open(require(PAIRS / "images" / name)) as image:
        return _encode(image.convert("RGB"))


# Each fault frame by name, made on demand: the names are known without ../shared (tests
# are parametrised by them when collected), the frames need its images (a test that asks for
# them skips when they are missing).
_BAD_FRAMES: dict[str, Callable[[], bytes]] = {
    "garbage bytes": lambda: b"\x00\x17garbage" * 500,
    "truncated JPEG": lambda: person_jpeg()[: len(person_jpeg()) // 3],
    "PNG decompression bomb": lambda: png_declaring(100_000, 100_000),
    "1x1 image": lambda: _encode(Image.new("RGB", (1, 1))),
}
_ODD_FRAMES: dict[str, Callable[[], tuple[bytes, int]]] = {
    "grayscale image": lambda: (_encode(_person().convert("L")), 1),
    "CMYK image": lambda: (_encode(_person().convert("CMYK")), 1),
}
BAD_FRAMES = tuple(_BAD_FRAMES)
ODD_FRAMES = tuple(_ODD_FRAMES)


@cache
def bad_frames() -> dict[str, bytes]:
    """Frames that must be skipped and counted (keys: ``BAD_FRAMES``)."""
    return {name: make() for name, make in _BAD_FRAMES.items()}


@cache
def odd_frames() -> dict[str, tuple[bytes, int]]:
    """Unusual but valid frames and how many people they show (keys: ``ODD_FRAMES``)."""
    return {name: make() for name, make in _ODD_FRAMES.items()}


@dataclass
class LabelLedger:
    """The labels that must survive: compared with the store on disk and in memory."""

    path: Path
    ids: set[str] = field(default_factory=set)

    def on_disk(self) -> set[str]:
        """Sample ids in dataset.json (empty when missing)."""
        if not self.path.exists():
            return set()
        return {s["id"] for s in json.loads(self.path.read_text())["samples"]}

    def kept(self, *extra_files: Path) -> set[str]:
        """Ids whose sample is still in a file kept aside (read as bytes: it may be damaged)."""
        raw = b"".join(file.read_bytes() for file in extra_files)
        return {i for i in self.ids if f'"id":"{i}"'.encode() in raw.replace(b" ", b"")}

    def lost(self, *extra_files: Path) -> int:
        """Labels neither in dataset.json nor in a file kept aside byte for byte."""
        return len(self.ids - self.on_disk() - self.kept(*extra_files))

    def duplicates(self) -> int:
        """Samples stored twice under one id."""
        if not self.path.exists():
            return 0
        ids = [s["id"] for s in json.loads(self.path.read_text())["samples"]]
        return len(ids) - len(set(ids))
