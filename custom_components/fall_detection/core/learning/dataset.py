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
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from ..errors import FallDetectionError

SCHEMA: Final = 1
TEST_EVERY: Final = 10


class DatasetError(FallDetectionError):
    """The dataset file is unreadable or not a dataset."""


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
    def from_dict(cls, data: dict[str, Any]) -> Sample:
        """Inverse of ``to_dict``; raises ``DatasetError`` on a malformed entry."""
        try:
            sequence = [
                (float(t), [[float(v) for v in kp] for kp in k]) for t, k in data["sequence"]
            ]
            if any(len(k) != 17 or any(len(kp) != 3 for kp in k) for _, k in sequence):  # noqa: PLR2004
                raise DatasetError("a sample's keypoints are not 17 x 3")
            return cls(
                str(data["id"]),
                str(data["camera"]),
                bool(data["fall"]),
                "test" if data.get("split") == "test" else "train",
                str(data.get("created", "")),
                sequence,
                data.get("thumbnail"),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise DatasetError(f"Malformed sample: {err}") from err


StoredSequence = list[tuple[float, list[list[float]]]]


def sequence_to_json(sequence: list[tuple[float, npt.NDArray[np.float32]]]) -> StoredSequence:
    """Round keypoints for storage (3 decimals)."""
    out: StoredSequence = []
    for t, k in sequence:
        rows: list[list[float]] = np.round(np.asarray(k, np.float64), 3).tolist()  # type: ignore[assignment]
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
    def from_dict(cls, data: dict[str, Any]) -> Dataset:
        """Inverse of ``to_dict``."""
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise DatasetError("Not a fall detection dataset (schema mismatch)")
        samples = [Sample.from_dict(s) for s in data.get("samples", [])]
        return cls(
            {s.sample_id: s for s in samples},
            int(data.get("labelled_total", len(samples))),
            int(data.get("new_since_training", 0)),
        )

    @classmethod
    def load(cls, path: Path) -> Dataset:
        """Read ``path``; a missing file is an empty dataset, a broken one a ``DatasetError``."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except OSError as err:
            raise DatasetError(f"Cannot read {path}: {err}") from err
        try:
            return cls.from_dict(json.loads(text))
        except json.JSONDecodeError as err:
            raise DatasetError(f"{path} is not valid JSON: {err}") from err

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
