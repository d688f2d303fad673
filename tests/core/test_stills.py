"""A fall read where nothing moved is a guess (core/stills.py, detector/second.py)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image

from custom_components.fall_detection.core.detector import DetectorConfig
from custom_components.fall_detection.core.detector.features import (
    Evidence,
    Observation,
    evidence,
)
from custom_components.fall_detection.core.detector.second import (
    MOVED_MIN,
    MOVED_RADIUS,
    TORSO,
    SecondReadings,
    found_down,
    moved_there,
    not_a_guess,
)
from custom_components.fall_detection.core.engine import PoseEngine
from custom_components.fall_detection.core.pipeline import FramePipeline
from custom_components.fall_detection.core.stills import WIDTH, FrameMemory
from custom_components.fall_detection.core.types import Box, Person
from custom_components.fall_detection.core.video import frames
from tests.core.replay import replay_clip
from tests.core.synthetic import body
from tests.paths import FIXTURES, require

EngineFactory = Callable[[str], PoseEngine]
LIGHTNING = "movenet_lightning_int8"
CONFIG = DetectorConfig()
URFD = FIXTURES / "benchmark" / "urfd"


def _frames_at(name: str, *seconds: float) -> list[np.ndarray]:
    clip = require(URFD / name)
    found = {round(t, 1): image for t, image in frames(clip, 10.0, 30.0)}
    return [found[s] for s in seconds]


def _keep(memory: FrameMemory, timestamp: float, image: np.ndarray) -> None:
    memory.add(timestamp, Image.fromarray(image), (image.shape[1], image.shape[0]))


def test_a_fall_changes_the_frame_where_the_person_lies(engine_factory: EngineFactory) -> None:
    """UR fall-01 (tune split): standing at 2 s, lying at 4 s.

    At the lying torso the frame changed far more than ``MOVED_MIN`` since 2 s. On the wall
    above, where nothing moved, far less between 0 and 2 s (by 4 s the camera's exposure has
    darkened the whole frame a little: change everywhere, which never vetoes a fall).
    """
    first, standing, lying = _frames_at("fall-01-cam0-rgb.mp4", 0.0, 2.0, 4.0)
    pipeline = FramePipeline(engine_factory(LIGHTNING))
    (person,) = pipeline.estimate(pipeline.decode(lying)).people
    obs = Observation.of(person, 4.0, CONFIG.keypoint_threshold)
    points = [(float(x), float(y)) for x, y, _ in person.keypoints[list(TORSO)]]
    radius = MOVED_RADIUS * obs.spine.length
    wall = [(x, 20.0) for x, _ in points]
    memory = FrameMemory()
    _keep(memory, 0.0, first)
    _keep(memory, 2.0, standing)
    still = memory.change(wall, radius, since=0.0)
    assert still is not None
    assert still < MOVED_MIN / 2
    _keep(memory, 4.0, lying)
    moved = memory.change(points, radius, since=2.0)
    assert moved is not None
    assert moved > 2 * MOVED_MIN
    assert moved_there(CONFIG, obs, 2.0, memory.change)
    # The same frame again half a second later: nothing moved, so a fall "measured against"
    # 4 s would be vetoed, as a guess on still furniture is.
    _keep(memory, 4.5, lying)
    assert not moved_there(CONFIG, obs, 4.0, memory.change)


def test_unknown_change_never_vetoes() -> None:
    lying = Observation.of(body((320, 420), tilt=85, legs=False), 2.0, CONFIG.keypoint_threshold)
    memory = FrameMemory()
    # Nothing kept, no change supplied, or no frame as old as asked: counted as moved.
    assert memory.change([(10.0, 10.0)], 5.0, since=0.0) is None
    assert moved_there(CONFIG, lying, 0.0, memory.change)
    assert moved_there(CONFIG, lying, 0.0, None)
    image = np.full((240, 320, 3), 90, np.uint8)
    _keep(memory, 1.0, image)
    _keep(memory, 2.0, image)
    assert memory.change([(10.0, 10.0)], 5.0, since=0.5) is None
    assert moved_there(CONFIG, lying, 0.5, memory.change)
    # Points outside the frame are skipped.
    assert memory.change([(-50.0, -50.0), (900.0, 10.0)], 5.0, since=1.0) is None
    assert memory.change([(10.0, 10.0)], 5.0, since=1.0) == 0.0


def test_frames_are_kept_small_and_for_a_while() -> None:
    memory = FrameMemory(keep_seconds=10.0)
    dark, light = np.zeros((480, 640, 3), np.uint8), np.full((480, 640, 3), 200, np.uint8)
    _keep(memory, 0.0, dark)
    _keep(memory, 5.0, light)
    assert memory.change([(320.0, 240.0)], 8.0, since=0.0) == 200.0
    _keep(memory, 12.0, light)  # the frame at 0 s is older than 10 s now
    assert memory.change([(320.0, 240.0)], 8.0, since=0.0) is None
    assert memory.change([(320.0, 240.0)], 8.0, since=5.0) == 0.0
    # A clock that went back starts over.
    _keep(memory, 3.0, dark)
    assert memory.change([(320.0, 240.0)], 8.0, since=3.0) is None
    kept = memory._frames[-1][1]
    assert kept.shape == (WIDTH * 3 // 4, WIDTH)


def test_a_guess_stands_only_when_found_down_where_the_person_was() -> None:
    threshold = CONFIG.keypoint_threshold
    standing = Observation.of(body((300, 300)), 0.0, threshold)
    lying = Observation.of(body((320, 420), tilt=85, legs=False), 2.0, threshold)
    assert evidence(standing, lying).confidence >= CONFIG.alert_threshold

    def descent(again: Observation) -> Evidence | None:
        return evidence(standing, again)

    def still(points: object, radius: float, since: float) -> float:
        return 1.0  # nothing moved anywhere

    def moved(points: object, radius: float, since: float) -> float:
        return 40.0

    box = Box(250, 150, 350, 450)

    def around_with(person: Person | None) -> SecondReadings:
        return SecondReadings(lambda p: p, lambda b: person if b == box else None, still)

    # The frame changed where the person lies: not a guess, whatever the crop shows.
    changed = SecondReadings(lambda p: p, lambda _: None, moved)
    assert not_a_guess(CONFIG, lying, 0.0, box, changed, descent)
    # Nothing moved there: a guess, unless the crop where they were finds them down.
    assert not not_a_guess(CONFIG, lying, 0.0, box, around_with(None), descent)
    assert not not_a_guess(CONFIG, lying, 0.0, box, around_with(standing.person), descent)
    assert not_a_guess(CONFIG, lying, 0.0, box, around_with(lying.person), descent)
    assert not not_a_guess(CONFIG, lying, 0.0, None, around_with(lying.person), descent)
    # Found lying but weak, or lying where they already lay (no descent): not down.
    weak = lying.person.keypoints.copy()
    weak[:, 2] = 0.5 * threshold
    assert not found_down(CONFIG, 2.0, Person.from_keypoints(weak), descent)
    assert not found_down(CONFIG, 2.0, lying.person, lambda o: evidence(lying, o))


@pytest.mark.parametrize("check_moved", [True, False])
def test_a_guess_where_nothing_moved_is_no_fall(
    engine_factory: EngineFactory, check_moved: bool
) -> None:
    """UR adl-38 (kneel, lie down on the floor by the bed), the camera loop 0.25 s later.

    At 9.47 s, with the real person crouched low at the frame's edge, the whole frame strings
    a "person" from the floor onto the bed beside them, and it has stayed lying: "stayed
    down". Nothing moved where that reading lies since the frame it is measured against, and
    the crop where the person was does not find them down, so no alert; without the check it
    alerts.
    """
    clip = require(URFD / "adl-38-cam0-rgb.mp4")
    engine = engine_factory(LIGHTNING)
    alerts = replay_clip(engine, clip, 30.0, delay=0.25, check_moved=check_moved).alerts
    found = [(round(e.timestamp, 2), e.reason) for e in alerts]
    assert found == ([] if check_moved else [(9.47, "stayed_down")])
