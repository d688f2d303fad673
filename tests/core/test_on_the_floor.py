"""A body on the floor that the image shows upright counts as down (detector/features.py).

Someone lying along the axis of a camera high in a corner, or at the bottom edge of a camera at
about 1 m, head away from it, shows a short torso standing up in the image. ``down_score`` sees
nothing down there; ``descent_evidence`` does when the box and the torso shrank and the hips
went to the floor (``on_the_floor``).
"""

from __future__ import annotations

import pytest

from custom_components.fall_detection.core.detector import DetectorConfig
from custom_components.fall_detection.core.detector.features import (
    FLOOR_BOX,
    FLOOR_TORSO,
    Observation,
    descent_evidence,
    evidence,
    on_the_floor,
)
from custom_components.fall_detection.core.engine import PoseEngine
from tests.core.models import LIGHTNING, EngineFactory
from tests.core.replay import replay_clip
from tests.core.synthetic import body
from tests.paths import FIXTURES, require

CONFIG = DetectorConfig()
THRESHOLD = CONFIG.keypoint_threshold


def _seen(hip_y: float, torso: float, timestamp: float = 2.0, legs: bool = True) -> Observation:
    return Observation.of(body((300, hip_y), torso=torso, legs=legs), timestamp, THRESHOLD)


def test_a_short_upright_body_two_torso_lengths_down_is_on_the_floor() -> None:
    standing = _seen(300, 100, timestamp=0.0)
    floor = _seen(500, 45)  # hips two (upright) torso lengths down, torso and body seen end on
    assert standing.upright
    assert floor.upright
    assert floor.person.box.height <= FLOOR_BOX * standing.person.box.height
    assert floor.spine.length <= FLOOR_TORSO * standing.spine.length
    plain = evidence(standing, floor)
    assert plain.confidence < CONFIG.alert_threshold  # no lying torso, head not low: not down
    assert on_the_floor(standing, floor, plain.hip_drop) == pytest.approx(1.0)
    assert descent_evidence(standing, floor).confidence >= CONFIG.alert_threshold


@pytest.mark.parametrize(
    ("hip_y", "torso", "legs", "why"),
    [
        (400, 100, True, "seated on a chair: hips a torso length down, body at full height"),
        (500, 100, False, "sitting up on the floor, legs hidden: small, but the torso is whole"),
        (460, 90, False, "crouching behind something: the torso keeps most of its length"),
        (380, 45, True, "short and small, but the hips not on the floor"),
    ],
)
def test_a_body_that_keeps_its_torso_or_its_height_is_not_on_the_floor(
    hip_y: float, torso: float, legs: bool, why: str
) -> None:
    standing = _seen(300, 100, timestamp=0.0)
    after = _seen(hip_y, torso, legs=legs)
    if not legs:  # seen as small as a body end on: only the torso tells them apart
        assert after.person.box.height <= FLOOR_BOX * standing.person.box.height, why
    assert on_the_floor(standing, after, evidence(standing, after).hip_drop) < 0.5, why
    assert descent_evidence(standing, after) == evidence(standing, after), why


def test_the_earlier_frame_must_stand() -> None:
    lying = Observation.of(body((300, 300), tilt=85), 0.0, THRESHOLD)
    floor = _seen(500, 45)
    assert on_the_floor(lying, floor, evidence(lying, floor).hip_drop) == 0.0


def test_a_faller_at_the_bottom_edge_read_upright_is_raised(
    engine_factory: EngineFactory, checker: PoseEngine
) -> None:
    """UR fall-23 (tune split), second frame 0.75 s later: raised at 1.77 s (fall 0.87-1.87 s).

    The faller lies at the frame's bottom edge, head first towards the camera; the frame at
    1.77 s reads a short torso upright with the hips far below the standing ones, which the
    descent evidence did not count as down (no alert in the clip's 2.5 s).
    """
    clip = require(FIXTURES / "benchmark" / "urfd" / "fall-23-cam0-rgb.mp4")
    replayed = replay_clip(engine_factory(LIGHTNING), clip, 30.0, delay=0.75, checker=checker)
    assert [round(e.timestamp, 2) for e in replayed.alerts] == [1.77]
