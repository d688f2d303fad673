"""Golden keypoints: the engine reproduces Coral's reference outputs on its test images.

Tolerances are in normalised image units (0.01 = 5 px across squat.bmp).
Same-model references are held to 0.02 per keypoint. Lightning int8 and
cross-model comparisons (MoveNet vs a PoseNet reference: the two define hips
differently) are held to a mean of 0.015 and 0.03 per keypoint; see
models/README.md for the measured values.
"""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.fall_detection.core.golden import match, read_reference
from tests.core.models import EngineFactory
from tests.paths import REFERENCE, require

LIGHTNING_REF = "movenet_single_pose_lightning_ptq_reference.csv"
THUNDER_REF = "movenet_single_pose_thunder_ptq_reference.csv"
POSENET_REF = "posenet_mobilenet_v1_075_481_641_16_quant_decoder_reference.csv"


@pytest.mark.parametrize(
    ("model", "reference", "max_err", "mean_err"),
    [
        ("movenet_lightning_int8", LIGHTNING_REF, 0.025, 0.015),
        ("movenet_lightning_fp16", LIGHTNING_REF, 0.025, 0.01),
        ("movenet_thunder_fp16", THUNDER_REF, 0.022, 0.008),
        ("movenet_thunder_int8", THUNDER_REF, 0.03, 0.01),
        ("movenet_multipose_fp16", THUNDER_REF, 0.025, 0.01),
    ],
)
def test_squat_matches_reference(
    engine_factory: EngineFactory, model: str, reference: str, max_err: float, mean_err: float
) -> None:
    result = engine_factory(model).estimate(require(REFERENCE / "squat.bmp").read_bytes())
    assert len(result.people) == 1
    (err,) = match(result, read_reference(require(REFERENCE / reference)))
    assert err.max() <= max_err, err
    assert err.mean() <= mean_err, err


@pytest.mark.parametrize(
    ("model", "max_err", "mean_err"),
    [
        ("posenet_mobilenet_v1_075_fp16", 0.02, 0.01),
        ("movenet_multipose_fp16", 0.03, 0.015),
        ("posenet_mobilenet_v1_075_uint8", 0.1, 0.015),
    ],
)
def test_two_people_match_posenet_reference(
    engine_factory: EngineFactory, model: str, max_err: float, mean_err: float
) -> None:
    result = engine_factory(model).estimate(
        require(REFERENCE / "posenet_test_image.bmp").read_bytes()
    )
    assert len(result.people) == 2
    refs = read_reference(require(REFERENCE / POSENET_REF))
    errs = match(result, refs)
    for err in errs:
        assert err.max() <= max_err, err
        assert err.mean() <= mean_err, err
    # the two people are told apart: each reference matched a different person
    centres = [p.keypoints[:, 0].mean() for p in result.people]
    assert abs(centres[0] - centres[1]) > 50


def test_single_pose_model_reports_one_person_on_two(engine_factory: EngineFactory) -> None:
    result = engine_factory("movenet_lightning_int8").estimate(
        require(REFERENCE / "posenet_test_image.bmp").read_bytes()
    )
    assert len(result.people) <= 1


def test_keypoints_are_in_source_pixels(engine_factory: EngineFactory) -> None:
    result = engine_factory("movenet_thunder_fp16").estimate(
        require(REFERENCE / "squat.bmp").read_bytes()
    )
    (person,) = result.people
    assert (result.image_width, result.image_height) == (500, 610)
    xs, ys = person.keypoints[:, 0], person.keypoints[:, 1]
    assert np.all((xs >= 0) & (xs <= 500))
    assert np.all((ys >= 0) & (ys <= 610))
    assert person.box.width > 100
