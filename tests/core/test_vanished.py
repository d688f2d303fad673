"""A standing person the pose model lost: the checker looks for them on the floor (vanished.py).

UR fall-17 (tune split): the faller walks, falls towards the camera and lies at the frame's
bottom edge, head first. At the default 1 frame per second the frame at 3.0 s (the fall ends
at 2.93 s, the clip at 3.17 s) is the only one after the fall, and the default model finds
nobody in it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from custom_components.fall_detection.core.detector import FallDetector
from custom_components.fall_detection.core.engine import PoseEngine
from custom_components.fall_detection.core.geometry import spine
from custom_components.fall_detection.core.pipeline import FramePipeline
from custom_components.fall_detection.core.preprocess import Decoded, open_image
from custom_components.fall_detection.core.types import Box, PoseResult
from custom_components.fall_detection.core.vanished import FOUND_TILT, found_lying
from custom_components.fall_detection.core.video import frames
from tests.core.models import LIGHTNING, EngineFactory
from tests.core.replay import DEFAULT_RATE, replay_clip
from tests.core.synthetic import body, sitting
from tests.paths import FIXTURES, require

THRESHOLD = 0.11
FALL_17 = FIXTURES / "benchmark" / "urfd" / "fall-17-cam0-rgb.mp4"


def _image(seconds: float, clip: Path = FALL_17) -> np.ndarray:
    """The clip's frame at ``seconds`` (1 frame per second), as the camera gives it."""
    return next(np.asarray(im) for t, im in frames(require(clip), 1.0) if t >= seconds)


def _frame(seconds: float, clip: Path = FALL_17) -> Decoded:
    """The clip's frame at ``seconds``, decoded."""
    return open_image(_image(seconds, clip))


def _standing(engine_factory: EngineFactory) -> Box:
    """The faller's box at 2.0 s, standing, as the default model reads it."""
    (person,) = engine_factory(LIGHTNING).estimate(_frame(2.0)).people
    assert (spine(person, THRESHOLD).tilt or 90.0) < 30
    return person.box


def test_the_checker_finds_the_faller_the_default_model_lost(
    engine_factory: EngineFactory,
    checker: PoseEngine,
) -> None:
    """At 3.0 s Lightning finds no torso; the checker finds one lying, below where they stood."""
    fallen = _frame(3.0)
    lost = engine_factory(LIGHTNING).estimate(fallen)
    assert not [p for p in lost.people if spine(p, THRESHOLD).score >= THRESHOLD]
    stood = _standing(engine_factory)
    found = found_lying(checker, fallen, lost, stood, THRESHOLD)
    assert found is not None
    (person,) = found.people
    assert (spine(person, THRESHOLD).tilt or 0.0) >= FOUND_TILT
    assert person.box.ymax > stood.ymax - stood.height / 4  # on the floor, not at head height
    assert found.image_width == lost.image_width  # the frame's pose result, with the person


def test_nobody_is_looked_for_unless_someone_stood_and_is_lost(
    engine_factory: EngineFactory,
    checker: PoseEngine,
) -> None:
    """Nobody stood, or a torso found by the default model: the checker is not asked."""
    assert FallDetector().stood_boxes() == ()  # the pipeline looks for nobody
    fallen = _frame(3.0)
    seen = engine_factory(LIGHTNING).estimate(_frame(2.0))
    assert found_lying(checker, fallen, seen, _standing(engine_factory), THRESHOLD) is None


def test_someone_found_upright_or_far_away_is_not_taken(
    engine_factory: EngineFactory, checker: PoseEngine
) -> None:
    """Only a lying torso near where the person stood replaces nobody."""
    stood = _standing(engine_factory)
    upright = _frame(2.0)  # the checker finds the person standing there: not taken
    empty = PoseResult((), upright.source_size[0], upright.source_size[1], LIGHTNING)
    assert found_lying(checker, upright, empty, stood, THRESHOLD) is None
    fallen = _frame(3.0)
    width = fallen.source_size[0]
    far = Box(width - 10.0, 0.0, float(width), stood.height)  # stood in the far top corner
    assert found_lying(checker, fallen, replace(empty, model="x"), far, THRESHOLD) is None


@pytest.mark.parametrize(
    ("with_checker", "second_opinion", "raised"),
    [(True, True, [3.0]), (False, True, [3.0]), (False, False, [])],
)
def test_a_fall_at_the_frame_edge_is_raised_when_someone_looks(
    engine_factory: EngineFactory,
    checker: PoseEngine,
    with_checker: bool,
    second_opinion: bool,
    raised: list[float],
) -> None:
    """UR fall-17 at the integration's defaults: raised at 3.0 s (fall: 1.93 to 2.93 s).

    The checker looks for the faller the default model lost; without it, the default model
    on the mirrored frame, which finds them only on that frame turned by 90 degrees. With no
    second readings nobody looks, and nothing is raised.
    """
    second = checker if with_checker else None
    alerts = replay_clip(
        engine_factory(LIGHTNING),
        require(FALL_17),
        30.0,
        checker=second,
        second_opinion=second_opinion,
    ).alerts
    assert [round(e.timestamp, 1) for e in alerts] == raised


def test_the_annotated_frame_says_who_the_checker_found(
    engine_factory: EngineFactory, checker: PoseEngine
) -> None:
    """The command line's video tells a reading the checker found from the pose model's own."""
    pipeline = FramePipeline(engine_factory(LIGHTNING), rate=DEFAULT_RATE, checker=checker)
    results = [pipeline.process(_image(t), t) for t in (1.0, 2.0, 3.0)]
    assert [r.found for r in results] == [False, False, True]
    assert "found lying where they stood" in results[2].caption
    assert "found" not in results[1].caption
    assert results[2].render(annotate=True) != results[2].render()


def test_a_faller_the_whole_frame_misses_is_found_around_where_they_stood(
    engine_factory: EngineFactory,
    checker: PoseEngine,
) -> None:
    """UR fall-27 (tune split): the checker finds nobody in the whole frame at 3.0 s.

    Cut around where the faller stood, it finds them lying at the frame's edge, and the fall
    (1.67 to 2.67 s) is raised on that frame, the last the clip has at 1 frame per second.
    """
    clip = require(FIXTURES / "benchmark" / "urfd" / "fall-27-cam0-rgb.mp4")
    whole = checker.estimate(_frame(3.0, clip)).people
    assert not [p for p in whole if spine(p, THRESHOLD).tilt is not None]
    alerts = replay_clip(engine_factory(LIGHTNING), clip, 30.0, checker=checker).alerts
    assert [round(e.timestamp, 1) for e in alerts] == [3.0]


@pytest.mark.parametrize("second_opinion", [True, False])
def test_without_the_checker_the_mirrored_frame_finds_the_faller(
    engine_factory: EngineFactory, second_opinion: bool
) -> None:
    """UR fall-27 (tune split) in an install without the checker model.

    At 3.0 s, the clip's last frame at 1 frame per second, the default model finds nobody.
    Read mirrored, cut around where the faller stood, it finds them lying at the frame's
    edge, and the fall (1.67 to 2.67 s) is raised there. Without the mirrored second
    readings (``second_opinion`` off) nobody is looked for, and nothing is raised.
    """
    clip = require(FIXTURES / "benchmark" / "urfd" / "fall-27-cam0-rgb.mp4")
    engine = engine_factory(LIGHTNING)
    replayed = replay_clip(engine, clip, 30.0, second_opinion=second_opinion)
    alerts = [round(e.timestamp, 1) for e in replayed.alerts]
    assert alerts == ([3.0] if second_opinion else [])


def test_lying_down_on_a_sofa_beside_where_they_stood_is_not_taken(
    engine_factory: EngineFactory,
    checker: PoseEngine,
) -> None:
    """UR adl-23 (tune split, sitting down and lying on a sofa), frames held back 0.5 s.

    Lost on the way to the sofa, the person is found lying by the checker, on the seat: the
    box does not reach below where the feet stood, so it is not taken, and nothing is raised.
    """
    clip = require(FIXTURES / "benchmark" / "urfd" / "adl-23-cam0-rgb.mp4")
    engine = engine_factory(LIGHTNING)
    assert replay_clip(engine, clip, 30.0, delay=0.5, checker=checker).alerts == []


def test_the_detector_knows_who_stood_in_the_last_frame() -> None:
    """``stood_boxes``: the people tracked seen standing in the last frame, no fall yet."""
    detector = FallDetector()
    assert detector.stood_boxes() == ()
    detector.update((body((300, 300)),), 0.0)
    assert detector.stood_boxes() == ()  # seen once: not established yet
    detector.update((body((302, 300)),), 1.0)
    (stood,) = detector.stood_boxes()
    assert stood.ymax == pytest.approx(300 + 160, abs=1)  # the ankles, 1.6 torsos below
    detector.update((), 2.0)
    assert detector.stood_boxes() == ()  # lost in the last frame: not standing there
    detector.update((body((302, 300)), body((700, 300))), 3.0)
    assert len(detector.stood_boxes()) == 1  # the second person is seen for the first time
    detector.update((body((302, 300)), body((700, 300))), 4.0)
    assert len(detector.stood_boxes()) == 2  # each of two people


def test_nobody_stood_who_sat_or_lay() -> None:
    """Someone seated or lying in the last frame did not stand there."""
    for posture in (sitting((300, 300)), body((300, 400), tilt=85, legs=False)):
        detector = FallDetector()
        detector.update((posture,), 0.0)
        detector.update((posture,), 1.0)
        assert detector.stood_boxes() == ()


def test_a_faller_swapped_for_someone_sitting_elsewhere_is_found(
    engine_factory: EngineFactory, checker: PoseEngine
) -> None:
    """UR fall-13 (tune split), second frame 0.25 s late: raised at 2.27 s (fall 1.43-2.43 s).

    Someone sits at a desk at the room's left throughout. In the first frame after the fall
    Lightning reads them, 1.5 standing heights from where the faller stood, and not the faller;
    the tracker took that reading for the faller and nothing was raised. The checker now looks
    where the faller stood and finds them lying; the seated person gets a track of their own.
    """
    clip = require(FIXTURES / "benchmark" / "urfd" / "fall-13-cam0-rgb.mp4")
    replayed = replay_clip(engine_factory(LIGHTNING), clip, 30.0, delay=0.25, checker=checker)
    assert [round(e.timestamp, 2) for e in replayed.alerts] == [2.27]
    (alert,) = replayed.alerts
    assert len(replayed.track_ids - {alert.track_id}) >= 1  # the seated person, apart


def test_a_faller_read_as_a_scrap_beside_someone_followed_is_found(
    engine_factory: EngineFactory, checker: PoseEngine
) -> None:
    """UR fall-13 (tune split), second frame 0.5 s late: raised at 2.5 s (fall 1.43-2.43 s).

    Here the seated person is found at 1.5 s, so two people are followed, each read on a crop
    around them. At 2.5 s the faller's crop shows only a scrap of them, a box 11 x 5 pixels
    where they stood 90 pixels tall: that is not them, and the checker, looking where they
    stood, finds them lying.
    """
    clip = require(FIXTURES / "benchmark" / "urfd" / "fall-13-cam0-rgb.mp4")
    replayed = replay_clip(engine_factory(LIGHTNING), clip, 30.0, delay=0.5, checker=checker)
    assert [round(e.timestamp, 2) for e in replayed.alerts] == [2.5]


def test_a_fragment_read_upright_is_not_where_someone_stood() -> None:
    """An upright reading under half the person's usual upright size is not them standing.

    Someone sitting down far from the camera can be read upright from the shoulders to the
    hips, a box half their size; a lying "find" below that box is not them fallen.
    """
    detector = FallDetector()
    for t in (0.0, 1.0):
        detector.update((body((300, 300)),), t)
    assert len(detector.stood_boxes()) == 1
    detector.update((body((300, 330), torso=40.0),), 2.0)  # upright, 0.4 of the size
    assert detector.stood_boxes() == ()
    detector.update((body((300, 330), torso=80.0),), 3.0)  # upright, most of the size
    assert len(detector.stood_boxes()) == 1
