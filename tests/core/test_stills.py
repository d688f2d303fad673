"""Did anything move in a box? (core/stills.py), on real frames."""

from __future__ import annotations

import numpy as np
from PIL import Image

from custom_components.fall_detection.core.detector import RateConfig
from custom_components.fall_detection.core.people import DEFAULT_PEOPLE
from custom_components.fall_detection.core.pipeline import FramePipeline
from custom_components.fall_detection.core.stills import WIDTH, FrameMemory
from custom_components.fall_detection.core.types import Box
from custom_components.fall_detection.core.video import frames
from tests.core.models import LIGHTNING, EngineFactory
from tests.paths import FIXTURES, require

URFD = FIXTURES / "benchmark" / "urfd"


def _frames_at(name: str, *seconds: float) -> list[np.ndarray]:
    clip = require(URFD / name)
    found = {round(t, 1): image for t, image in frames(clip, 10.0, 30.0)}
    return [found[s] for s in seconds]


def _keep(memory: FrameMemory, timestamp: float, image: np.ndarray) -> None:
    memory.add(timestamp, Image.fromarray(image), (image.shape[1], image.shape[0]))


def test_a_walking_person_moves_the_pixels_the_room_does_not(
    engine_factory: EngineFactory,
) -> None:
    """UR fall-25 (tune split), walking at 0 and 1 s.

    Over the person's box at 1 s the frame changed by more than the people stage's
    ``moved_grey`` since 0 s; over the same box moved to the right, where only a chair and
    the wall are, by far less.
    """
    before, now = _frames_at("fall-25-cam0-rgb.mp4", 0.0, 1.0)
    pipeline = FramePipeline(engine_factory(LIGHTNING))
    (person,) = pipeline.estimate(pipeline.decode(now)).people
    memory = FrameMemory(2.0)
    _keep(memory, 0.0, before)
    _keep(memory, 1.0, now)
    box = person.box
    moved = memory.box_change(box, 0.0)
    assert moved is not None
    assert moved > DEFAULT_PEOPLE.moved_grey
    aside = Box(box.xmin + 120, box.ymin, box.xmax + 120, box.ymax)  # the chair on the right
    assert aside.xmax < now.shape[1]
    assert aside.iou(box) == 0.0
    still = memory.box_change(aside, 0.0)
    assert still is not None
    assert still < DEFAULT_PEOPLE.moved_grey / 2


def test_no_answer_without_an_older_frame() -> None:
    """The first frame, a frame of another shape, a clock that went back, a box outside."""
    (image,) = _frames_at("fall-25-cam0-rgb.mp4", 0.0)
    box = Box(100.0, 50.0, 200.0, 200.0)
    memory = FrameMemory(2.0)
    _keep(memory, 10.0, image)
    assert memory.box_change(box, 9.0) is None  # nothing older
    _keep(memory, 11.0, image)
    assert memory.box_change(box, 10.0) == 0.0  # the same picture: nothing moved
    assert memory.box_change(Box(400.0, 300.0, 500.0, 400.0), 10.0) is None  # outside
    _keep(memory, 12.0, image[::2, ::2].copy())  # half the resolution: the same view
    assert memory.box_change(box, 11.0) is not None
    _keep(memory, 13.0, image[:, :240].copy())  # another shape: not comparable
    assert memory.box_change(box, 12.0) is None
    _keep(memory, 5.0, image)  # the clock went back: start over
    assert len(memory) == 1
    assert memory.box_change(box, 4.0) is None


def test_frames_are_kept_small_and_for_a_while() -> None:
    (image,) = _frames_at("fall-25-cam0-rgb.mp4", 0.0)
    memory = FrameMemory(2.0)
    for t in range(10):
        _keep(memory, float(t), image)
    assert len(memory) == 3  # 7, 8 and 9 s: two seconds back from the newest
    assert memory.box_change(Box(0.0, 0.0, 50.0, 50.0), 7.0) == 0.0
    assert memory.box_change(Box(0.0, 0.0, 50.0, 50.0), 6.0) is None  # forgotten
    kept = memory._frames[-1][1]  # the copy itself is the point
    assert kept.shape == (WIDTH * 3 // 4, WIDTH)
    assert kept.dtype == np.uint8


def test_the_pipeline_keeps_a_frame_from_a_second_back_at_the_slowest_rate(
    engine_factory: EngineFactory,
) -> None:
    """At 0.2 frames per second (the slowest base rate) the frame before is 5 s old."""
    first, later = _frames_at("fall-25-cam0-rgb.mp4", 0.0, 1.0)
    pipeline = FramePipeline(engine_factory(LIGHTNING), rate=RateConfig(base_fps=0.2))
    assert pipeline.stills is not None
    pipeline.process(first, 100.0)
    pipeline.process(later, 105.0)
    since = 105.0 - DEFAULT_PEOPLE.moved_since
    change = pipeline.stills.box_change(Box(100.0, 50.0, 200.0, 200.0), since)
    assert change is not None
    assert change > 0.0
