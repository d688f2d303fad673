"""Rendering of the fall image and cameras mounted sideways, on real frames."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from custom_components.fall_detection.core.pipeline import FramePipeline
from tests.core.models import EngineFactory
from tests.paths import PAIRS, require


def _frame(name: str) -> bytes:
    return require(PAIRS / "images" / name).read_bytes()


def test_render_draws_the_faller_in_red(engine_factory: EngineFactory) -> None:
    pipeline = FramePipeline(engine_factory("movenet_lightning_int8"))
    pipeline.process(_frame("fall_img_1.png"), 0.0)
    result = pipeline.process(_frame("fall_img_2.png"), 2.0)
    assert any(e.is_alert for e in result.events)
    jpeg = result.render()
    image = np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB")).astype(int)
    assert image.shape == (480, 640, 3)
    red = (image[..., 0] > 200) & (image[..., 1] < 80) & (image[..., 2] < 80)
    ys, xs = np.nonzero(red)
    assert len(xs) > 200
    person = result.events[0].person
    # the red drawing sits on the fallen person's box
    assert person.box.xmin - 10 <= np.median(xs) <= person.box.xmax + 10
    assert person.box.ymin - 10 <= np.median(ys) <= person.box.ymax + 10


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_camera_rotation_turns_frames_upright(engine_factory: EngineFactory, rotation: int) -> None:
    """A camera mounted turned clockwise sees the room turned counter-clockwise."""
    engine = engine_factory("movenet_lightning_int8")
    upright = Image.open(require(PAIRS / "images" / "fall_img_1.png")).convert("RGB")
    turned = upright.rotate(rotation, expand=True)  # counter-clockwise, as such a camera sees it
    out = io.BytesIO()
    turned.save(out, "PNG")
    reference = FramePipeline(engine).estimate(_frame("fall_img_1.png"))
    corrected = FramePipeline(engine, camera_rotation=rotation).estimate(out.getvalue())
    assert (corrected.image_width, corrected.image_height) == (640, 480)
    a, b = reference.people[0].keypoints, corrected.people[0].keypoints
    confident = (a[:, 2] > 0.3) & (b[:, 2] > 0.3)
    assert confident.sum() >= 8
    assert np.abs(a[confident, :2] - b[confident, :2]).max() < 12


def test_bad_rotation_is_refused(engine_factory: EngineFactory) -> None:
    with pytest.raises(ValueError, match="camera_rotation"):
        FramePipeline(engine_factory("movenet_lightning_int8"), camera_rotation=45)


def test_annotated_frame_names_the_tracked_person_and_the_event(
    engine_factory: EngineFactory,
) -> None:
    """The command line's video: "#1" above the person, time and event at the top."""
    pipeline = FramePipeline(engine_factory("movenet_lightning_int8"))
    pipeline.process(_frame("fall_img_1.png"), 0.0)
    result = pipeline.process(_frame("fall_img_2.png"), 2.0)
    ((track_id, person),) = result.tracks
    assert track_id == 1
    assert person is result.pose.people[0]
    plain = np.asarray(Image.open(io.BytesIO(result.render())).convert("L")).astype(int)
    marked = np.asarray(Image.open(io.BytesIO(result.render(annotate=True))).convert("L"))
    changed = np.abs(marked.astype(int) - plain) > 60
    ys, xs = np.nonzero(changed)
    assert len(xs) > 50
    # text only: above the person's box (its label) and along the top edge (the caption)
    near_label = (np.abs(xs - person.box.xmin) < 60) & (np.abs(ys - person.box.ymin) < 30)
    top = ys < 20
    assert np.all(near_label | top)
    assert near_label.any()
    assert top.any()
