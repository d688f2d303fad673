"""A person found only on the turned frame is a guess until the checker sees them too.

When the upright pass finds no torso, the whole frame is read turned by 90 degrees, and
there the model sometimes strings a "person" across furniture (``core.rotation``). Such a
reading's descent is raised only if the checker model finds someone there
(``detector.second.stands``, ``PoseResult.turned``; the rule on synthetic readings is in
``test_mirror.py``).
"""

from __future__ import annotations

import numpy as np

from custom_components.fall_detection.core.detector import DetectorConfig
from custom_components.fall_detection.core.engine import PoseEngine
from custom_components.fall_detection.core.mirror import checked_reading
from custom_components.fall_detection.core.pipeline import FramePipeline
from custom_components.fall_detection.core.video import frames
from tests.core.models import LIGHTNING, EngineFactory
from tests.core.replay import replay_clip
from tests.paths import FIXTURES, require

CONFIG = DetectorConfig()
THRESHOLD = CONFIG.keypoint_threshold


def _frame(name: str, seconds: float, video_fps: float) -> np.ndarray:
    """The video's own frame at ``seconds``, as the replay at the defaults analyses it."""
    clip = require(FIXTURES / "benchmark" / name)
    return next(rgb for t, rgb in frames(clip, video_fps) if t >= seconds - 0.5 / video_fps)


def test_a_guess_across_the_room_is_turned_and_unseen_by_the_checker(
    engine_factory: EngineFactory, checker: PoseEngine
) -> None:
    """Le2i Home_02_video_46 at 2.0 s (report split): someone rises from a chair at a table.

    The upright pass finds no torso; the turned frame finds a "person" lying across the room,
    more than twice as long as the person stands tall. The checker finds nobody there.
    """
    pipeline = FramePipeline(engine_factory(LIGHTNING))
    decoded = pipeline.decode(_frame("le2i/Home_02_video_46.mp4", 2.0, 24.0))  # type: ignore[arg-type]
    result = pipeline.estimate(decoded)
    assert result.rotation in (90, 270)
    (guess,) = result.people
    assert result.turned == (guess.box,)
    assert guess.box.width > 2 * 85  # the person stands about 85 pixels tall here
    assert checked_reading(checker, decoded, guess, THRESHOLD) is None


def test_the_guess_raises_no_fall(engine_factory: EngineFactory, checker: PoseEngine) -> None:
    """Replayed at the defaults with the checker, Home_02_video_46 raises nothing.

    Before the rule, the guess at 2.0 s was raised as a fall: the checker finding nobody did
    not count against it.
    """
    clip = require(FIXTURES / "benchmark" / "le2i" / "Home_02_video_46.mp4")
    assert replay_clip(engine_factory(LIGHTNING), clip, 24.0, checker=checker).alerts == []


def test_a_fall_found_only_turned_is_raised_when_the_checker_sees_it(
    engine_factory: EngineFactory, checker: PoseEngine
) -> None:
    """UR fall-14 (tune split): lying across the frame at 2.0 s, found only turned.

    The checker finds the person too, so the fall stands and is raised at once.
    """
    pipeline = FramePipeline(engine_factory(LIGHTNING))
    decoded = pipeline.decode(_frame("urfd/fall-14-cam0-rgb.mp4", 2.0, 30.0))  # type: ignore[arg-type]
    result = pipeline.estimate(decoded)
    assert result.rotation in (90, 270)
    assert result.turned == tuple(p.box for p in result.people)
    (person,) = result.people
    assert checked_reading(checker, decoded, person, THRESHOLD) is not None
    clip = require(FIXTURES / "benchmark" / "urfd" / "fall-14-cam0-rgb.mp4")
    alerts = replay_clip(engine_factory(LIGHTNING), clip, 30.0, checker=checker).alerts
    assert [round(e.timestamp, 1) for e in alerts] == [2.0]  # fall: 0.5 to 1.5 s
