"""A frame is scaled to the model's input once, however many passes read it whole."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.fall_detection.core.people import estimate_people
from custom_components.fall_detection.core.preprocess import Decoded, mean_colour, open_image
from tests.core.models import EngineFactory
from tests.paths import PAIRS, require

# The int8 model takes bytes, the PoseNet fp16 one a normalised float tensor.
MODELS = ["movenet_lightning_int8", "posenet_mobilenet_v1_075_fp16"]


def _frame(name: str = "fall_img_1.png") -> Decoded:
    return open_image(require(PAIRS / "images" / name).read_bytes())


@pytest.mark.parametrize("model", MODELS)
def test_the_same_frame_is_prepared_once_and_cannot_be_changed(
    engine_factory: EngineFactory, model: str
) -> None:
    engine = engine_factory(model)
    frame = _frame()
    first = engine.prepare(frame)
    assert engine.prepare(frame) is first  # the discovery pass after the person's reading
    with pytest.raises(ValueError, match="read-only"):
        first.tensor[0, 0, 0, 0] = 1  # what a pass changes, it changes on a copy
    # Another frame, even of the same pixels, is scaled afresh, to the same tensor.
    again = engine.prepare(Decoded(frame.image, frame.source_size))
    assert again is not first
    np.testing.assert_array_equal(again.tensor, first.tensor)
    other = engine.prepare(_frame("background.jpg"))
    assert other.decoded is not frame
    assert engine.prepare(frame) is not first  # only the last frame is kept


def test_a_followed_person_read_twice_on_one_frame_is_read_as_on_a_new_one(
    engine_factory: EngineFactory,
) -> None:
    """The person's reading and the discovery pass on a frame prepared once: same people."""
    engine = engine_factory("movenet_lightning_int8")
    frame = _frame()
    tracked = tuple(p.box for p in engine.estimate(frame).people)
    assert len(tracked) == 1
    reused = estimate_people(engine, frame, tracked, 0.2)  # prepared by the line above
    fresh = estimate_people(engine, Decoded(frame.image, frame.source_size), tracked, 0.2)
    assert len(reused.people) == len(fresh.people) == 1
    np.testing.assert_array_equal(reused.people[0].keypoints, fresh.people[0].keypoints)


@pytest.mark.parametrize("model", MODELS)
def test_the_discovery_fill_is_the_mean_colour_of_the_frame(
    engine_factory: EngineFactory, model: str
) -> None:
    """The grey that hides people followed: each channel's mean, summed exactly."""
    engine = engine_factory(model)
    for name in ("fall_img_1.png", "background.jpg"):
        prepared = engine.prepare(_frame(name))
        lb = prepared.letterbox
        content = prepared.tensor[0, : lb.content_h, : lb.content_w]
        pixels = content.reshape(-1, content.shape[-1])
        exact = pixels.mean(axis=0, dtype=np.float64).astype(content.dtype)
        fill = mean_colour(content)
        assert fill.dtype == content.dtype
        np.testing.assert_array_equal(fill, exact)
        # For bytes that is what the discovery pass always used (a float32 mean, for float
        # tensors, sums in float32 and drifts in the fourth digit).
        if np.issubdtype(content.dtype, np.integer):
            np.testing.assert_array_equal(fill, pixels.mean(axis=0).astype(content.dtype))
