"""The pose stage zooms on one small person (core/people.py, ``zoom_square``), on real clips."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.fall_detection.core.crops import MIN_CROP
from custom_components.fall_detection.core.detector import (
    BURST_FPS,
    DetectorConfig,
    FallDetector,
    RateConfig,
    rules,
)
from custom_components.fall_detection.core.engine import PoseEngine
from custom_components.fall_detection.core.people import (
    DEFAULT_PEOPLE,
    PeopleConfig,
    zoom_square,
)
from custom_components.fall_detection.core.pipeline import FramePipeline
from custom_components.fall_detection.core.types import Box
from custom_components.fall_detection.core.video import WIDER_GREY, replay_video, widen
from tests.core.models import LIGHTNING, EngineFactory
from tests.core.synthetic import body
from tests.paths import FIXTURES, require

FALL_01 = FIXTURES / "benchmark" / "urfd" / "fall-01-cam0-rgb.mp4"
FALL_01_LABEL = (2.73, 3.73)  # the dataset's fall start and end (sequences.csv)
# Le2i: the faller comes in close to the ceiling camera, walks to the far side and falls there
COFFEE_03 = FIXTURES / "benchmark" / "le2i" / "Coffee_room_01_video_03.mp4"
COFFEE_03_LABEL = (8.88, 10.4)


def test_zoom_square_only_for_a_small_person() -> None:
    """A crop twice the person's size around their box, only when they are small for the model."""
    size, scale = (1920, 1440), 0.1  # a 192-pixel model sees the frame at a tenth
    box = Box(900, 600, 1000, 900)  # 300 tall: 30 model pixels
    square = zoom_square(size, box, 300.0, scale, DEFAULT_PEOPLE)
    assert square == Box(650.0, 450.0, 1250.0, 1050.0)
    # lying, the box is wide; the upright size (never shrunk by the fall) still counts
    lying = Box(800, 850, 1150, 950)
    assert zoom_square(size, lying, 300.0, scale, DEFAULT_PEOPLE) == Box(
        625.0, 550.0, 1325.0, 1250.0
    )
    assert zoom_square(size, box, 480.0, scale, DEFAULT_PEOPLE) is None  # 48 pixels: whole frame
    assert zoom_square(size, box, None, scale, DEFAULT_PEOPLE) is None  # never seen upright
    assert zoom_square(size, box, 300.0, scale, PeopleConfig(zoom_below=0.0)) is None
    tiny = zoom_square(size, Box(10, 10, 12, 14), 4.0, scale, DEFAULT_PEOPLE)
    assert tiny is not None
    assert tiny.width == pytest.approx(2 * MIN_CROP * 1440)


def test_a_persons_size_is_their_biggest_upright_box() -> None:
    """``recent_people``: the size is not shrunk by a fall or a poor frame; None if never up."""
    detector = FallDetector()
    assert detector.recent_people(0.0, 2.0) == ()  # nobody yet
    standing = body(hip=(300.0, 300.0), torso=100.0)
    tall = standing.box.longer_side
    detector.update((standing,), 0.0)
    detector.update((body(hip=(300.0, 300.0), torso=80.0),), 1.0)  # smaller, still upright
    lying = body(hip=(330.0, 420.0), tilt=90.0, torso=100.0)
    detector.update((lying,), 2.0)
    ((box, size),) = detector.recent_people(2.0, 2.0)
    assert box == lying.box
    assert size == pytest.approx(tall)
    assert detector.recent_people(30.0, 2.0) == ()  # nobody seen lately
    lying_only = FallDetector()
    lying_only.update((body(hip=(330.0, 420.0), tilt=90.0),), 0.0)
    assert lying_only.recent_people(0.0, 2.0)[0][1] is None  # never seen upright


def test_a_persons_size_follows_them_across_the_room() -> None:
    """Someone who came in close and walked away is as small as their last upright frames."""
    detector = FallDetector()
    near_camera = body(hip=(300.0, 300.0), torso=150.0)
    detector.update((near_camera,), 0.0)
    for t, torso in ((1.0, 120.0), (2.0, 90.0), (3.0, 60.0), (4.0, 50.0), (5.0, 50.0)):
        detector.update((body(hip=(300.0 + 20 * t, 250.0), torso=torso),), t)
    ((_, size),) = detector.recent_people(5.0, 2.0)
    far = body(hip=(0.0, 0.0), torso=90.0).box.longer_side
    assert size == pytest.approx(far)  # the biggest of the last 3 s (2.0 to 5.0 s): at 2.0
    assert size < 0.7 * near_camera.box.longer_side  # not their size near the camera


def test_widen_keeps_the_pixels_in_a_grey_frame() -> None:
    """``widen``: the frame unchanged in the middle, grey around it."""
    frame = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)
    wide = widen(frame, 3.0)
    assert wide.shape == (12, 18, 3)
    assert np.array_equal(wide[4:8, 6:12], frame)
    assert (wide[:4] == WIDER_GREY).all()
    assert widen(frame, 1.0) is frame


def _replay(engine: PoseEngine, people: PeopleConfig, wider: float) -> tuple[list[float], int]:
    """Alerts on UR fall-01 shown ``wider`` x smaller, and the frames analysed with a crop.

    Sampled as the integration samples a camera (1 fps with bursts).
    """
    rate = RateConfig(base_fps=1.0, burst_fps=BURST_FPS)
    pipeline = FramePipeline(engine, DetectorConfig(alert_threshold=0.5), rate=rate, people=people)
    alerts: list[float] = []
    cropped = 0

    def analyse(t: float, frame: np.ndarray) -> float:
        nonlocal cropped
        result = pipeline.process(widen(frame, wider), t)
        cropped += bool(result.pose.crops)
        alerts.extend(e.timestamp for e in result.events if e.is_alert)
        return result.next_interval

    replay_video(require(FALL_01), analyse, 30.0)
    return alerts, cropped


@pytest.mark.parametrize(
    ("people", "caught"), [(DEFAULT_PEOPLE, True), (PeopleConfig(zoom_below=0.0), False)]
)
def test_a_fall_seen_small_is_caught_with_the_zoom(
    engine_factory: EngineFactory, people: PeopleConfig, caught: bool
) -> None:
    """UR fall-01 in a frame 3 x as wide and tall: found and caught only with the zoom.

    The faller is about 25 model pixels tall there; on the whole frame the pose model loses
    them on the way down (``benchmarks/accuracy.py --wider 3``: 18 of 82 falls without the
    zoom, 69 with it).
    """
    alerts, zoomed = _replay(engine_factory(LIGHTNING), people, 3.0)
    start, end = FALL_01_LABEL
    assert any(start - 0.5 <= t <= end + 5.0 for t in alerts) is caught
    assert all(start - 0.5 <= t for t in alerts)  # nothing before the fall
    assert (zoomed > 0) is caught


def test_no_zoom_at_the_clips_own_size(engine_factory: EngineFactory) -> None:
    """At its own size the faller is big enough for the whole frame: no crop, still caught."""
    alerts, cropped = _replay(engine_factory(LIGHTNING), DEFAULT_PEOPLE, 1.0)
    assert cropped == 0
    assert any(FALL_01_LABEL[0] <= t <= FALL_01_LABEL[1] + 2.0 for t in alerts)


@pytest.mark.parametrize(("seconds", "caught"), [(rules.SIZE_SECONDS, True), (60.0, False)])
def test_a_fall_at_the_far_side_of_the_room_is_zoomed_on(
    engine_factory: EngineFactory, monkeypatch: pytest.MonkeyPatch, seconds: float, caught: bool
) -> None:
    """Le2i Coffee_room_01_video_03 twice as wide and tall: the zoom follows the walk away.

    The faller is about 50 model pixels tall near the camera and 20-35 at the far side, where
    they fall. Sized by their biggest upright box of the last minute (until 2026-12-03), they
    stayed "big" and the whole frame lost them on the floor; sized by their last seconds
    upright, they are zoomed on before the fall and caught.
    """
    monkeypatch.setattr(rules, "SIZE_SECONDS", seconds)
    rate = RateConfig(base_fps=1.0, burst_fps=BURST_FPS)
    pipeline = FramePipeline(
        engine_factory(LIGHTNING), DetectorConfig(alert_threshold=0.5), rate=rate
    )
    alerts: list[float] = []
    zoomed: list[float] = []

    def analyse(t: float, frame: np.ndarray) -> float:
        result = pipeline.process(widen(frame, 2.0), t)
        if result.pose.crops:
            zoomed.append(t)
        alerts.extend(e.timestamp for e in result.events if e.is_alert)
        return result.next_interval

    replay_video(require(COFFEE_03), analyse, 25.0)
    start, end = COFFEE_03_LABEL
    assert any(start - 0.5 <= t <= end + 5.0 for t in alerts) is caught
    assert all(start - 0.5 <= t for t in alerts)  # nothing before the fall
    assert any(start - 3.0 <= t <= end for t in zoomed) is caught
