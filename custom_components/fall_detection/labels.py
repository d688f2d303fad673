"""Detections waiting for a caregiver's Agree or Disagree, and the samples labels make.

Kept in memory only: a detection not labelled before Home Assistant stops, or among the
oldest beyond ``MAX_PENDING``, can no longer be labelled. A label turns a detection (or a
stored sample, relabelled) into a ``Sample``; ``LearningManager`` stores it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
from homeassistant.util.ulid import ulid_now

from .const import DOMAIN
from .core.learning.dataset import Dataset, Sample, sequence_to_json

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

MAX_PENDING = 200
VERDICTS = {"agree": True, "disagree": False}

Sequence = list[tuple[float, "npt.NDArray[np.float32]"]]


@dataclass(slots=True)
class Pending:
    """A detection that may still be labelled."""

    camera: str
    sequence: Sequence
    thumbnail: bytes | None


class PendingDetections:
    """The detections that may still be labelled, newest per camera remembered."""

    def __init__(self) -> None:
        """Nothing pending."""
        self._pending: OrderedDict[str, Pending] = OrderedDict()
        self._latest: dict[str, str] = {}

    def register(
        self, detection_id: str, camera: str, sequence: Sequence, thumbnail: bytes | None
    ) -> None:
        """Remember a detection so it can be labelled (the oldest are forgotten)."""
        self._pending[detection_id] = Pending(camera, list(sequence), thumbnail)
        self._latest[camera] = detection_id
        while len(self._pending) > MAX_PENDING:
            self._pending.popitem(last=False)

    def clear(self) -> None:
        """Forget every pending detection (the dataset was deleted)."""
        self._pending.clear()
        self._latest.clear()

    def labelled(
        self, verdict: str, detection_id: str | None, camera: str | None, dataset: Dataset
    ) -> tuple[Sample, bytes | None]:
        """The sample a verdict on a detection makes, and its thumbnail if not stored yet.

        ``detection_id`` None means the camera's latest detection. A stored sample can be
        relabelled; its split and thumbnail stay.
        """
        if verdict not in VERDICTS:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_verdict",
                translation_placeholders={"verdict": verdict},
            )
        if detection_id is None:
            if camera is None or camera not in self._latest:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="no_detection_for_camera",
                    translation_placeholders={"camera": str(camera)},
                )
            detection_id = self._latest[camera]
        pending = self._pending.get(detection_id)
        if pending is not None:
            sample = Sample(
                detection_id,
                pending.camera,
                VERDICTS[verdict],
                "train",
                dt_util.utcnow().isoformat(),
                sequence_to_json(pending.sequence),
            )
            return sample, pending.thumbnail
        stored = dataset.samples.get(detection_id)
        if stored is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_detection",
                translation_placeholders={"detection_id": detection_id},
            )
        sample = Sample(
            detection_id,
            stored.camera,
            VERDICTS[verdict],
            stored.split,
            stored.created,
            stored.sequence,
            stored.thumbnail,
        )
        return sample, None


def missed(camera: str, sequence: Sequence) -> Sample:
    """A fall the detector missed: the camera's last seconds, labelled a fall."""
    if len(sequence) < 2:  # noqa: PLR2004
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_person_recently",
            translation_placeholders={"camera": camera},
        )
    return Sample(
        sample_id=f"missed-{ulid_now()}",
        camera=camera,
        fall=True,
        split="train",
        created=dt_util.utcnow().isoformat(),
        sequence=sequence_to_json(sequence),
    )
