"""Detections awaiting a label (``labels.py``): what a verdict makes of them, what is forgotten."""

from __future__ import annotations

import numpy as np
import pytest
from homeassistant.exceptions import ServiceValidationError

from custom_components.fall_detection.core.learning.dataset import Dataset, Sample
from custom_components.fall_detection.labels import MAX_PENDING, PendingDetections, missed

CAMERA = "camera.living_room"
SEQUENCE = [(0.0, np.zeros((17, 3), np.float32)), (1.0, np.ones((17, 3), np.float32))]


def test_a_verdict_on_the_latest_detection_of_a_camera() -> None:
    pending = PendingDetections()
    pending.register("a", CAMERA, SEQUENCE, b"jpeg-a")
    pending.register("b", CAMERA, SEQUENCE, None)
    pending.register("c", "camera.hall", SEQUENCE, b"jpeg-c")
    sample, thumbnail = pending.labelled("agree", None, CAMERA, Dataset())
    assert (sample.sample_id, sample.camera, sample.fall, sample.split) == (
        "b",
        CAMERA,
        True,
        "train",
    )
    assert thumbnail is None
    sample, thumbnail = pending.labelled("disagree", "a", None, Dataset())
    assert (sample.sample_id, sample.fall, thumbnail) == ("a", False, b"jpeg-a")
    assert len(sample.sequence) == len(SEQUENCE)


def test_the_oldest_detections_are_forgotten() -> None:
    pending = PendingDetections()
    for i in range(MAX_PENDING + 5):
        pending.register(f"d{i}", CAMERA, SEQUENCE, None)
    with pytest.raises(ServiceValidationError) as err:
        pending.labelled("agree", "d4", None, Dataset())
    assert err.value.translation_key == "unknown_detection"
    assert pending.labelled("agree", "d5", None, Dataset())[0].sample_id == "d5"


def test_a_stored_sample_is_relabelled_in_place() -> None:
    dataset = Dataset()
    stored = Sample("s", CAMERA, True, "test", "2026-12-01T00:00:00+00:00", [], "s.jpg")
    dataset.samples["s"] = stored
    sample, thumbnail = PendingDetections().labelled("disagree", "s", None, dataset)
    assert (sample.fall, sample.split, sample.created, sample.thumbnail) == (
        False,
        "test",
        stored.created,
        "s.jpg",
    )
    assert thumbnail is None


@pytest.mark.parametrize(
    ("verdict", "detection_id", "camera", "key"),
    [
        ("maybe", "a", None, "unknown_verdict"),
        ("agree", None, "camera.unknown", "no_detection_for_camera"),
        ("agree", None, None, "no_detection_for_camera"),
        ("agree", "nope", None, "unknown_detection"),
    ],
)
def test_bad_labels_are_refused_with_a_translated_reason(
    verdict: str, detection_id: str | None, camera: str | None, key: str
) -> None:
    pending = PendingDetections()
    pending.register("a", CAMERA, SEQUENCE, None)
    with pytest.raises(ServiceValidationError) as err:
        pending.labelled(verdict, detection_id, camera, Dataset())
    assert err.value.translation_key == key


def test_cleared_detections_cannot_be_labelled() -> None:
    pending = PendingDetections()
    pending.register("a", CAMERA, SEQUENCE, None)
    pending.clear()
    with pytest.raises(ServiceValidationError):
        pending.labelled("agree", None, CAMERA, Dataset())


def test_a_missed_fall_needs_two_frames_of_a_person() -> None:
    sample = missed(CAMERA, SEQUENCE)
    assert sample.fall
    assert sample.sample_id.startswith("missed-")
    assert sample.split == "train"
    with pytest.raises(ServiceValidationError) as err:
        missed(CAMERA, SEQUENCE[:1])
    assert err.value.translation_key == "no_person_recently"
