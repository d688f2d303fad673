"""The learned floor and the long lie, on real clips and on synthetic people.

Real clips: ``../shared/fixtures/benchmark`` (UR Fall camera 0 and Le2i). The floor of a
view is learned the way a running camera learns it: from the feet of people standing and
walking in the other clips of the same view (never from labels).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from custom_components.fall_detection.core.detector import (
    DetectorConfig,
    FallDetector,
    FallEventType,
    FloorError,
    FloorModel,
)
from custom_components.fall_detection.core.detector.features import Observation
from custom_components.fall_detection.core.detector.floor import COLUMNS, MIN_SAMPLES, ROWS
from custom_components.fall_detection.core.engine import PoseEngine
from custom_components.fall_detection.core.pipeline import FramePipeline
from custom_components.fall_detection.core.video import frames
from tests.core.models import EngineFactory
from tests.core.synthetic import body
from tests.paths import FIXTURES, require

BENCHMARK = FIXTURES / "benchmark"
DEFAULT = "movenet_lightning_int8"
SIZE = (640, 480)


def _clip(name: str) -> Path:
    return require(BENCHMARK / name)


def _learn(engine: PoseEngine, clips: list[str], fps: float = 2.0) -> FloorModel:
    floor = FloorModel()
    pipeline = FramePipeline(engine, DetectorConfig(long_lie_seconds=1e9), floor=floor)
    for name in clips:
        pipeline.detector.reset()
        for t, image in frames(_clip(name), fps):
            pipeline.process(image, t)
    return floor


def _on_floor_events(
    engine: PoseEngine, name: str, floor: FloorModel, seconds: float = 2.0
) -> list[float]:
    pipeline = FramePipeline(engine, DetectorConfig(long_lie_seconds=seconds), floor=floor)
    return [
        e.timestamp
        for t, image in frames(_clip(name), 2.0)
        for e in pipeline.process(image, t).events
        if e.type is FallEventType.ON_FLOOR
    ]


@pytest.fixture(scope="module")
def engine(engine_factory: EngineFactory) -> PoseEngine:
    return engine_factory(DEFAULT)


def test_floor_learned_from_walking_people_and_a_fallen_person_is_on_it(
    engine: PoseEngine,
) -> None:
    """Le2i, ceiling corner: after a fall the person lies on the floor the walkers used."""
    floor = _learn(engine, [f"le2i/Coffee_room_01_video_{n:02d}.mp4" for n in (1, 2, 3, 4)])
    assert floor.known, floor.samples
    events = _on_floor_events(engine, "le2i/Coffee_room_01_video_13.mp4", floor)
    assert events, "a person lying on the floor for seconds after a fall is a long lie"
    assert min(events) >= 2.0  # never before the person is down (fall at 2-3 s in this clip)


@pytest.mark.parametrize("name", ["urfd/adl-36-cam0-rgb.mp4", "urfd/adl-37-cam0-rgb.mp4"])
def test_lying_on_a_bed_is_never_on_the_floor(engine: PoseEngine, name: str) -> None:
    """UR Fall, camera at 1 m: the same room's floor, then someone lies down on the bed."""
    others = ["urfd/adl-30-cam0-rgb.mp4", "urfd/adl-38-cam0-rgb.mp4", "urfd/adl-39-cam0-rgb.mp4"]
    floor = _learn(engine, others)
    assert floor.known
    assert _on_floor_events(engine, name, floor) == []


def test_without_a_learned_floor_there_is_no_long_lie(engine: PoseEngine) -> None:
    """An empty floor judges nothing: lying on a bed in a new room is no long lie.

    This clip also raises a false fall: a fall is no proof of the floor.
    """
    floor = FloorModel()
    events = _on_floor_events(engine, "urfd/adl-10-cam0-rgb.mp4", floor)
    assert events == []


def test_standing_feet_count_sitting_and_lying_do_not() -> None:
    floor = FloorModel()
    standing = Observation.of(body((320.0, 200.0), torso=60.0), 0.0, 0.11)
    lying = Observation.of(body((320.0, 400.0), tilt=85.0, torso=60.0), 0.0, 0.11)
    sitting_person = body((320.0, 300.0), torso=60.0)
    sitting_person.keypoints[13:17, 1] = 330.0  # knees and ankles near hip height
    sitting = Observation.of(sitting_person, 0.0, 0.11)
    assert floor.learn(standing, SIZE)
    assert not floor.learn(lying, SIZE)
    assert not floor.learn(sitting, SIZE)
    assert not floor.learn(standing, (0, 0))
    assert floor.samples == 1


def test_long_lie_on_synthetic_floor_and_getting_up_ends_it() -> None:
    """Feet walk along a line; a person then lies on that line: reported once, after 5 s."""
    detector = FallDetector(DetectorConfig(long_lie_seconds=5.0))
    t = 0.0
    for x in range(60, 600, 20):  # walking across the room, feet at y = 420
        detector.update((body((float(x), 324.0), torso=60.0),), t, SIZE)
        t += 0.5
    assert detector.floor.known
    detector.reset()
    lying = body((300.0, 415.0), tilt=88.0, torso=60.0)
    events = []
    for step in range(16):
        events += detector.update((lying,), 100.0 + step, SIZE)
    on_floor = [e for e in events if e.type is FallEventType.ON_FLOOR]
    assert len(on_floor) == 1
    assert on_floor[0].timestamp == pytest.approx(105.0)
    assert detector.person_on_floor
    # One upright frame is a misreading; two in a row mean the person got up.
    standing = body((300.0, 324.0), torso=60.0)
    detector.update((standing,), 120.0, SIZE)
    assert detector.person_on_floor
    detector.update((standing,), 121.0, SIZE)
    assert not detector.person_on_floor


def test_long_lie_not_on_floor_cells_and_not_on_a_gap() -> None:
    detector = FallDetector(DetectorConfig(long_lie_seconds=3.0))
    for i, x in enumerate(range(60, 600, 20)):
        detector.update((body((float(x), 324.0), torso=60.0),), i * 0.5, SIZE)
    detector.reset()
    above = body((300.0, 150.0), tilt=88.0, torso=60.0)  # lying where nobody ever stood
    events = [e for s in range(10) for e in detector.update((above,), 50.0 + s, SIZE)]
    assert events == []
    # On the floor for 2 s, then nobody seen for 20 s: the episode ends without a report.
    lying = body((300.0, 415.0), tilt=88.0, torso=60.0)
    for s in range(3):
        assert detector.update((lying,), 70.0 + s, SIZE) == []
    assert detector.update((), 80.0, SIZE) == []
    assert detector.update((), 95.0, SIZE) == []
    assert detector.long_lie.since is None


def test_floor_round_trip_and_damaged_stores() -> None:
    floor = FloorModel()
    floor.counts[20, 5] = 3.0
    floor.counts[21, 6] = 12.5
    again = FloorModel.from_dict(floor.to_dict())
    assert np.array_equal(again.counts, floor.counts)
    good = floor.to_dict()
    for bad in (
        None,
        [],
        {**good, "version": 2},
        {**good, "grid": [ROWS + 1, COLUMNS]},
        {**good, "cells": "x"},
        {**good, "cells": [[0, 0]]},
        {**good, "cells": [[ROWS, 0, 1.0]]},
        {**good, "cells": [[0, -1, 1.0]]},
        {**good, "cells": [[0, 0, math.nan]]},
        {**good, "cells": [[0, 0, -1.0]]},
        {**good, "cells": [[0, 0, 1e9]]},
        {**good, "cells": [[True, 0, 1.0]]},
        {**good, "cells": [[0, 0, "1"]]},
        {**good, "cells": [[0, 0, 1.0]] * (ROWS * COLUMNS + 1)},
    ):
        with pytest.raises(FloorError):
            FloorModel.from_dict(bad)


def test_floor_needs_enough_feet_and_halves_old_counts() -> None:
    floor = FloorModel()
    standing = Observation.of(body((320.0, 200.0), torso=60.0), 0.0, 0.11)
    for _ in range(MIN_SAMPLES - 1):
        floor.learn(standing, SIZE)
    assert not floor.known
    assert not floor.judge(standing.person, SIZE, 0.11).known
    floor.learn(standing, SIZE)
    assert floor.known
    floor.counts[:] = 0.0
    floor.counts[5, 5] = 1000.0
    floor.counts[6, 6] = 10.0
    feet_in_cell_5_5 = body((110.0, 110.0 - 1.6 * 60.0), torso=60.0)  # ankles at (110, 110)
    assert floor.learn(Observation.of(feet_in_cell_5_5, 0.0, 0.11), SIZE)
    assert floor.counts[5, 5] == 501.0  # a full cell halves everything, then counts on
    assert floor.counts[6, 6] == 5.0


def test_long_lie_goes_on_while_someone_stands_beside_the_person() -> None:
    """A carer (or anyone) standing next to the person on the floor neither ends nor delays it."""
    detector = FallDetector(DetectorConfig(long_lie_seconds=5.0))
    for step, x in enumerate(range(60, 600, 20)):
        detector.update((body((float(x), 324.0), torso=60.0),), step * 0.5, SIZE)
    detector.reset()
    lying = body((250.0, 415.0), tilt=88.0, torso=60.0)
    standing = body((420.0, 324.0), torso=60.0)
    events = []
    for second in range(8):
        events += detector.update((lying, standing), 100.0 + second, SIZE)
    on_floor = [e for e in events if e.type is FallEventType.ON_FLOOR]
    assert len(on_floor) == 1
    assert on_floor[0].timestamp == pytest.approx(105.0)
    assert detector.person_on_floor


def test_a_fall_beyond_the_walked_floor_is_still_a_fall() -> None:
    """A fall landing beyond the walked floor, higher in the image, is still a fall.

    Seen from a ceiling corner, falling away from the camera lands higher in the image than
    any feet stood, where a bed would also be. With a floor learned from one walk, that must
    still be a fall: the floor model judges the long lie only, it never vetoes a fall.
    """
    floor = FloorModel()
    for x in range(100, 560, 10):  # people walked along one path: feet at y = 420
        for _ in range(2):
            floor.learn(Observation.of(body((float(x), 324.0), torso=60.0), 0.0, 0.1), SIZE)
    assert floor.known
    detector = FallDetector(floor=floor)
    standing = body((300.0, 324.0), torso=60.0)
    beyond = body((320.0, 360.0), tilt=92.0, torso=60.0, legs=False)  # above the path's feet
    events = [e for s in range(3) for e in detector.update((standing,), float(s), SIZE)]
    events += [e for s in range(3, 6) for e in detector.update((beyond,), float(s), SIZE)]
    assert [e.reason for e in events if e.is_alert] == ["descent"]
