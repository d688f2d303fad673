"""The local labelled dataset: pose sequences with Agree/Disagree labels, saved atomically.

Every 10th labelled sample goes to the test set. Labelling a sample again
replaces its label and keeps its split. Files live wherever the caller says
(the integration uses the Home Assistant config directory); thumbnails are
JPEG files beside the JSON.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt

from .validate import (
    MAX_TEXT,
    SAMPLE_ID,
    DatasetError,
    Rejected,
    non_negative_int,
    read_json,
    sequence,
    short,
    text,
    thumbnail_name,
)

__all__ = ["Dataset", "DatasetError", "Rejected", "Sample", "thumbnail_name", "write_atomic"]

SCHEMA: Final = 1
TEST_EVERY: Final = 10
MAX_SAMPLES: Final = 5000  # about 2 s of retraining on a Raspberry Pi 4; see README


@dataclass(slots=True)
class Sample:
    """One labelled pose sequence."""

    sample_id: str
    camera: str
    fall: bool
    split: str
    created: str
    sequence: list[tuple[float, list[list[float]]]]
    thumbnail: str | None = None

    def keypoints(self) -> list[tuple[float, npt.NDArray[np.float32]]]:
        """The sequence as numpy arrays."""
        return [(t, np.asarray(k, np.float32)) for t, k in self.sequence]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.sample_id,
            "camera": self.camera,
            "fall": self.fall,
            "split": self.split,
            "created": self.created,
            "sequence": self.sequence,
            "thumbnail": self.thumbnail,
        }

    @classmethod
    def from_dict(cls, data: object, rejected: Rejected | None = None) -> Sample:
        """Inverse of ``to_dict``, checked strictly; raises ``DatasetError`` when malformed.

        A thumbnail name other than the one we generate for the id is dropped (and
        counted in ``rejected``): only our own files are ever deleted later.
        """
        if not isinstance(data, dict):
            raise DatasetError(f"a sample is not an object: {short(data)}")
        try:
            sample_id = text(data["id"], "id", SAMPLE_ID)
            camera = text(data["camera"], "camera")
            fall = data["fall"]
            keypoints = sequence(data["sequence"])
        except KeyError as err:
            raise DatasetError(f"a sample has no {err.args[0]!r}") from None
        if not isinstance(fall, bool):
            raise DatasetError(f"fall must be true or false, not {short(fall)}")
        created = data.get("created", "")
        thumbnail = data.get("thumbnail")
        if thumbnail is not None and thumbnail != thumbnail_name(sample_id):
            thumbnail = None
            if rejected is not None:
                rejected.thumbnails += 1
        return cls(
            sample_id,
            camera,
            fall,
            "test" if data.get("split") == "test" else "train",
            created if isinstance(created, str) and len(created) <= MAX_TEXT else "",
            keypoints,
            thumbnail,
        )


StoredSequence = list[tuple[float, list[list[float]]]]


def sequence_to_json(sequence: list[tuple[float, npt.NDArray[np.float32]]]) -> StoredSequence:
    """Round keypoints for storage (3 decimals)."""
    out: StoredSequence = []
    for t, k in sequence:
        rows = cast("list[list[float]]", np.round(np.asarray(k, np.float64), 3).tolist())
        out.append((round(float(t), 3), rows))
    return out


@dataclass(slots=True)
class Dataset:
    """All samples, and how many labels arrived since the last training."""

    samples: dict[str, Sample] = field(default_factory=dict)
    labelled_total: int = 0
    new_since_training: int = 0

    def label(self, sample: Sample) -> Sample:
        """Add or relabel; a new sample's split is test for every 10th label."""
        existing = self.samples.get(sample.sample_id)
        if existing is not None:
            sample.split = existing.split
            sample.thumbnail = sample.thumbnail or existing.thumbnail
        else:
            self.labelled_total += 1
            sample.split = "test" if self.labelled_total % TEST_EVERY == 0 else "train"
        self.samples[sample.sample_id] = sample
        self.new_since_training += 1
        return sample

    def expire(self, now: datetime, *, image_days: int, sample_days: int) -> tuple[list[str], int]:
        """Apply retention: forget thumbnails and samples older than the given days (0: keep).

        Returns the thumbnail file names no longer referenced (for the caller to delete) and how
        many samples were removed. Samples without a valid creation time are kept.
        """
        images: list[str] = []
        removed = 0
        for sample_id, sample in list(self.samples.items()):
            try:
                created = datetime.fromisoformat(sample.created)
            except ValueError:
                continue
            if created.tzinfo is None:
                created = created.replace(tzinfo=UTC)
            age_days = (now - created).total_seconds() / 86400
            if sample_days and age_days > sample_days:
                del self.samples[sample_id]
                removed += 1
            elif not (image_days and age_days > image_days and sample.thumbnail):
                continue
            if sample.thumbnail:
                images.append(sample.thumbnail)
                sample.thumbnail = None
        return images, removed

    def split(self, name: str) -> list[Sample]:
        """Samples of one split."""
        return [s for s in self.samples.values() if s.split == name]

    def counts(self) -> dict[str, int]:
        """Train and test sizes."""
        return {"train": len(self.split("train")), "test": len(self.split("test"))}

    def merge(self, other: Dataset) -> int:
        """Import ``other``'s samples (theirs win on the same id); return how many were new."""
        new = 0
        for sample in other.samples.values():
            if sample.sample_id not in self.samples:
                new += 1
                self.labelled_total += 1
            self.samples[sample.sample_id] = sample
            self.new_since_training += 1
        return new

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "schema": SCHEMA,
            "labelled_total": self.labelled_total,
            "new_since_training": self.new_since_training,
            "samples": [s.to_dict() for s in self.samples.values()],
        }

    @classmethod
    def from_dict(cls, data: object, *, strict: bool = True) -> tuple[Dataset, Rejected]:
        """Inverse of ``to_dict``, validated (see ``validate``).

        ``strict`` (our own store): anything malformed is a ``DatasetError``, so the caller
        keeps the file aside whole. Not strict (an import): malformed samples are dropped
        and counted; counters are recomputed.
        """
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise DatasetError("Not a fall detection dataset (schema mismatch)")
        raw_samples = data.get("samples", [])
        if not isinstance(raw_samples, list):
            raise DatasetError(f"samples is not a list: {short(raw_samples)}")
        rejected = Rejected()
        samples: dict[str, Sample] = {}
        for raw in raw_samples:
            try:
                sample = Sample.from_dict(raw, rejected)
            except DatasetError:
                if strict:
                    raise
                rejected.samples += 1
                continue
            samples[sample.sample_id] = sample
        if not strict:
            return cls(samples, len(samples), len(samples)), rejected
        if rejected.thumbnails:
            raise DatasetError(f"{rejected.thumbnails} thumbnail names are not ours")
        total = non_negative_int(data.get("labelled_total", len(samples)), "labelled_total")
        new = non_negative_int(data.get("new_since_training", 0), "new_since_training")
        return cls(samples, max(total, len(samples)), new), rejected

    @classmethod
    def load(cls, path: Path, *, strict: bool = True) -> tuple[Dataset, Rejected]:
        """Read ``path``; a missing file is an empty dataset, a broken one a ``DatasetError``."""
        try:
            data = read_json(path, salvage=not strict)
        except FileNotFoundError:
            return cls(), Rejected()
        return cls.from_dict(data, strict=strict)

    def cap(self, limit: int = MAX_SAMPLES) -> list[Sample]:
        """Keep at most ``limit`` samples: the oldest training samples go first.

        Test samples are what promotion is judged on, so they are kept as long as there
        are training samples to drop; then the oldest test samples go. Returns the dropped
        samples (their thumbnails are the caller's to delete).
        """
        excess = len(self.samples) - limit
        if excess <= 0:
            return []
        order = sorted(self.samples.values(), key=lambda s: (s.split == "test", s.created))
        for sample in order[:excess]:
            del self.samples[sample.sample_id]
        return order[:excess]

    def save(self, path: Path) -> None:
        """Write atomically: a temporary file in the same folder, then rename over."""
        write_atomic(path, json.dumps(self.to_dict(), separators=(",", ":")).encode())


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
