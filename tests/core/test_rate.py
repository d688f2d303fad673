"""The adaptive analysis rate: bursts while someone goes down fast, and the replay that uses it."""

from __future__ import annotations

import numpy as np

from custom_components.fall_detection.core.detector import (
    BURST_FPS,
    FallDetector,
    RateConfig,
)
from custom_components.fall_detection.core.video import replay_frames
from tests.core.models import EngineFactory
from tests.core.replay import replay_clip
from tests.core.synthetic import body
from tests.paths import FIXTURES, require

BURSTS = RateConfig(base_fps=1.0, burst_fps=BURST_FPS, burst_seconds=1.0)


def test_fixed_rate_by_default() -> None:
    detector = FallDetector()
    assert detector.next_interval == 1.0
    detector.update((body((300, 300)),), 0.0)
    detector.update((body((320, 420), tilt=85, legs=False),), 1.0)
    assert detector.next_interval == 1.0


def test_burst_while_going_down_then_back_to_the_base_rate() -> None:
    detector = FallDetector(rate=BURSTS)
    for second in range(3):
        detector.update((body((300, 300)),), float(second))
        assert detector.next_interval == 1.0  # standing still: the base rate
    detector.update((body((300, 380), tilt=50),), 3.0)  # hips 0.8 torso lower, turning
    assert detector.next_interval == 1.0 / BURST_FPS
    lying = body((320, 420), tilt=85, legs=False)
    t, frames = 3.0, 0
    while detector.next_interval < 1.0 and t < 10.0:
        t += detector.next_interval
        detector.update((lying,), t)
        frames += 1
    # The turn to lying at 3.2 s is the last fast change: 1 s of bursts after it, then back.
    assert 4.2 <= t <= 4.4
    assert frames == 6
    assert detector.next_interval == 1.0
    assert detector.rate.bursting(t) is False


def test_small_moves_and_slow_changes_do_not_burst() -> None:
    detector = FallDetector(rate=BURSTS)
    for second in range(10):  # swaying a little
        detector.update((body((300 + 5 * (second % 2), 300), tilt=5 * (second % 3)),), second)
        assert detector.next_interval == 1.0
    detector.update((body((300, 400)),), 12.0)  # lower, but over 2 s: no speed known
    assert detector.next_interval == 1.0


def test_replay_asks_for_frames_as_the_detector_wants(engine_factory: EngineFactory) -> None:
    """A real UR fall: bursts analyse more frames than the base rate, and still alert."""
    clip = require(FIXTURES / "benchmark" / "urfd" / "fall-01-cam0-rgb.mp4")
    engine = engine_factory("movenet_lightning_int8")
    counts, alerts = {}, {}
    for name, rate in (("fixed", RateConfig()), ("bursts", BURSTS)):
        replayed = replay_clip(engine, clip, 30.0, rate)
        counts[name] = len(replayed.times)
        alerts[name] = [e.timestamp for e in replayed.alerts]
        gaps = np.diff(replayed.times)
        assert gaps.min() >= (0.999 / BURST_FPS if name == "bursts" else 0.999)
    assert counts["fixed"] == 6  # 5.33 s at 1 fps: 0, 1, ... 5
    assert counts["bursts"] > counts["fixed"]
    assert alerts["fixed"]
    assert alerts["bursts"]
    assert min(alerts["bursts"]) <= min(alerts["fixed"])  # never later than at 1 fps


def test_a_replay_at_another_phase_holds_the_second_frame_back() -> None:
    """``delay`` shifts every frame after the first: the camera loop started at another moment."""
    frames = [(i / 30.0, i) for i in range(100)]  # 3.3 s of a 30 fps video
    for delay, expected in ((0.0, [0.0, 1.0, 2.0, 3.0]), (0.5, [0.0, 1.5, 2.5])):
        times: list[float] = []

        def analyse(t: float, _frame: int, times: list[float] = times) -> float:
            times.append(t)
            return 1.0

        assert replay_frames(frames, analyse, delay) == len(expected)
        assert np.allclose(times, expected, atol=0.02)


def _burst_then(detector: FallDetector, after: list[tuple[float, object]]) -> list[float]:
    """Standing for 3 s, half-way down at 3 s (a burst starts), then ``after``; alert times."""
    alerts: list[float] = []
    frames = [(float(s), body((300, 300))) for s in range(3)] + [(3.0, body((300, 380), tilt=50))]
    for t, person in [*frames, *after]:
        people = () if person is None else (person,)
        alerts += [e.timestamp for e in detector.update(people, t) if e.is_alert]  # type: ignore[arg-type]
    return alerts


def test_in_a_burst_a_fall_is_raised_when_two_frames_in_a_row_show_it() -> None:
    lying = body((320, 420), tilt=85, legs=False)
    detector = FallDetector(rate=BURSTS)
    assert _burst_then(detector, [(3.2, lying), (3.4, lying), (3.6, lying)]) == [3.4]


def test_in_a_burst_one_frame_that_looks_like_a_fall_is_not_raised() -> None:
    """Someone caught mid-movement (crouching, sitting down) for one frame, then upright."""
    lying = body((320, 420), tilt=85, legs=False)
    detector = FallDetector(rate=BURSTS)
    after = [(3.2, lying), (3.4, body((300, 330), tilt=10))]
    after += [(3.4 + 0.2 * i, body((300, 300))) for i in range(1, 10)]
    assert _burst_then(detector, after) == []


def test_in_a_burst_a_fall_whose_person_is_lost_next_is_raised() -> None:
    """The pose model often loses someone lying still: a frame without them cannot contradict."""
    lying = body((320, 420), tilt=85, legs=False)
    detector = FallDetector(rate=BURSTS)
    assert _burst_then(detector, [(3.2, lying), (3.4, None), (3.6, None)]) == [3.4]
    # A torso the next frame cannot measure counts as lost too.
    faint = body((320, 420), tilt=85, legs=False, score=0.05)
    detector = FallDetector(rate=BURSTS)
    assert _burst_then(detector, [(3.2, lying), (3.4, faint)]) == [3.4]
    # Lost only in a frame more than a second later: not the next frame, nothing raised.
    detector = FallDetector(rate=BURSTS)
    assert _burst_then(detector, [(3.2, lying), (4.6, None)]) == []
    # Seen up again first: nothing to raise when they are lost afterwards.
    detector = FallDetector(rate=BURSTS)
    after = [(3.2, lying), (3.4, body((300, 300))), (3.6, None), (3.8, None)]
    assert _burst_then(detector, after) == []


def test_a_fall_whose_person_is_lost_next_is_raised_despite_a_new_find() -> None:
    """A "person" found for the first time as the faller vanishes is not a second person.

    With someone else tracked beside the faller for a while, a missing faller may be a mix-up
    of the two, and nothing is raised; a find born in the very frame that lost the faller (a
    scrap of floor read as a person) is no such neighbour.
    """
    lying = body((320, 420), tilt=85, legs=False)
    scrap = body((600, 460), tilt=70, torso=20, legs=False, score=0.3)
    detector = FallDetector(rate=BURSTS)
    assert _burst_then(detector, [(3.2, lying), (3.4, scrap)]) == [3.4]
    # The same find, there since the start: a second person, so the lost faller is not raised.
    detector = FallDetector(rate=BURSTS)
    alerts = []
    for t, people in [
        *((float(s), (body((300, 300)), scrap)) for s in range(3)),
        (3.0, (body((300, 380), tilt=50), scrap)),
        (3.2, (lying, scrap)),
        (3.4, (scrap,)),
    ]:
        alerts += [e.timestamp for e in detector.update(people, t) if e.is_alert]
    assert alerts == []


def test_a_real_fall_whose_faller_gives_way_to_a_new_find_is_caught(
    engine_factory: EngineFactory,
) -> None:
    """UR fall-21 (fall 0.67-1.67 s, clip 1.83 s) at phase 0.25, the integration's defaults.

    Seen lying at 1.47 s in a burst; in the next frame, the clip's last, the faller is not
    found but a 22 x 9 pixel "person" at the edge of the floor is. Counted as a second person,
    it kept the fall from being raised.
    """
    clip = require(FIXTURES / "benchmark" / "urfd" / "fall-21-cam0-rgb.mp4")
    engine = engine_factory("movenet_lightning_int8")
    alerts = [e.timestamp for e in replay_clip(engine, clip, 30.0, delay=0.25).alerts]
    assert len(alerts) == 1
    assert 0.67 - 0.5 <= alerts[0] <= 1.67 + 0.5


def test_a_real_fall_whose_faller_is_lost_once_down_is_caught(
    engine_factory: EngineFactory,
) -> None:
    """Le2i Home_02_video_33 (fall 5.25-5.79 s): seen lying once, then never found again."""
    clip = require(FIXTURES / "benchmark" / "le2i" / "Home_02_video_33.mp4")
    engine = engine_factory("movenet_lightning_int8")
    alerts = [e.timestamp for e in replay_clip(engine, clip, 24.0, BURSTS).alerts]
    assert len(alerts) == 1
    assert 5.25 - 0.5 <= alerts[0] <= 5.79 + 5.0


def test_at_the_base_rate_one_frame_is_enough() -> None:
    """No burst asked for: waiting one more frame would cost a second of every alert."""
    detector = FallDetector()  # fixed 1 fps
    lying = body((320, 420), tilt=85, legs=False)
    assert _burst_then(detector, [(4.0, lying)]) == [4.0]


def test_a_crouch_seen_in_a_burst_is_not_a_fall(engine_factory: EngineFactory) -> None:
    """A real UR clip (walk, crouch): bursts look at the crouch closely, and stay silent."""
    clip = require(FIXTURES / "benchmark" / "urfd" / "adl-01-cam0-rgb.mp4")
    replayed = replay_clip(engine_factory("movenet_lightning_int8"), clip, 30.0, BURSTS)
    alerts, intervals = replayed.alerts, replayed.intervals
    assert min(intervals) == 1.0 / BURST_FPS  # the crouch did start a burst
    assert alerts == []
