"""Geometry and the detector's rules on synthetic keypoint sequences."""

from __future__ import annotations

import math

import pytest

from custom_components.fall_detection.core.detector import (
    AmbianicHeuristic,
    FallDetector,
    FallEventType,
)
from custom_components.fall_detection.core.detector.features import Observation, evidence
from custom_components.fall_detection.core.geometry import (
    angle_between,
    knee_y,
    spine,
    tilt_from_vertical,
)
from custom_components.fall_detection.core.types import Box, Person
from tests.core.synthetic import body, sitting


@pytest.mark.parametrize(
    ("u", "v", "expected"),
    [
        ((0, -1), (0, -1), 0),
        ((0, -1), (1, 0), 90),
        ((0, -1), (0, 1), 180),
        ((-100, 1), (-100, -1), 1.146),
        ((1, 1), (-1, 1), 90),
        ((0, 0), (1, 0), 0),
    ],
)
def test_angle_between_is_unsigned_0_to_180(u, v, expected) -> None:
    assert angle_between(u, v) == pytest.approx(expected, abs=1e-3)


def test_tilt_from_vertical() -> None:
    assert tilt_from_vertical((0, -50)) == pytest.approx(0)
    assert tilt_from_vertical((50, 0)) == pytest.approx(90)
    assert tilt_from_vertical((-50, 0)) == pytest.approx(90)
    assert tilt_from_vertical((0, 50)) == pytest.approx(180)


def test_jitter_across_horizontal_is_not_a_358_degree_change() -> None:
    """A person lying still, shoulder line a hair above then below horizontal."""
    above, below = body(tilt=-89.5), body(tilt=-90.5)
    left_a, left_b = spine(above, 0.1).left, spine(below, 0.1).left
    assert left_a is not None
    assert left_b is not None
    naive = abs(math.degrees(math.atan2(left_a[1], left_a[0]) - math.atan2(left_b[1], left_b[0])))
    assert naive > 358  # what the original atan2 difference reads
    assert angle_between(left_a, left_b) < 2
    heuristic, detector = AmbianicHeuristic(), FallDetector()
    for second in range(12):
        person = above if second % 2 else below
        assert heuristic.update(person, float(second)) is None
        assert detector.update((person,), float(second)) == []


def test_sudden_tilt_with_hip_drop_is_a_fall() -> None:
    detector = FallDetector()
    assert detector.update((body((300, 300)),), 0.0) == []
    (event,) = detector.update((body((320, 420), tilt=85, legs=False),), 1.5)
    assert event.type is FallEventType.DETECTED
    assert event.confidence >= 0.5
    assert 70 < event.leaning_angle < 100
    assert event.reason == "descent"


def test_bending_at_the_waist_without_hip_drop_is_not_a_fall() -> None:
    """Tying shoes: torso to horizontal, hips stay where they were."""
    detector = FallDetector()
    frames = [body(tilt=0), body(tilt=60), body(tilt=90), body(tilt=95), body(tilt=10)]
    for second, person in enumerate(frames):
        assert detector.update((person,), float(second)) == []


def test_sitting_down_on_a_chair_is_not_a_fall() -> None:
    detector = FallDetector()
    people = [body((300, 300))] + [sitting((300, 370))] * 30
    for second, person in enumerate(people):
        assert detector.update((person,), float(second)) == []


def test_squatting_is_not_a_fall() -> None:
    """Hips drop a torso length, torso leans forward 30 degrees, head stays above hips."""
    detector = FallDetector()
    people = [body((300, 300))] * 2 + [body((300, 400), tilt=30)] * 5 + [body((300, 300))] * 2
    for second, person in enumerate(people):
        assert detector.update((person,), float(second)) == []


def test_slow_slide_to_the_floor_is_a_fall() -> None:
    """From sitting on a bed to sitting on the floor over 20 s, torso upright throughout."""
    detector = FallDetector()
    events = []
    t = 0.0
    for step in range(21):  # hips go down 130 px (1.3 torso lengths) in 20 s, 1 fps
        events += detector.update((sitting((300, 300 + 6.5 * step)),), t)
        t += 1.0
    assert events == []  # never fast enough for a "descent"
    for _ in range(15):  # stays on the floor
        events += detector.update((sitting((300, 430)),), t)
        t += 1.0
    detected = [e for e in events if e.type is FallEventType.DETECTED]
    assert len(detected) == 1
    assert detected[0].reason == "slow_descent"
    assert detected[0].confidence >= 0.5


def test_getting_up_is_not_a_fall() -> None:
    detector = FallDetector()
    people = [body((320, 420), tilt=85, legs=False)] * 3 + [body((300, 300))] * 3
    for second, person in enumerate(people):
        assert detector.update((person,), float(second)) == []


def test_suspected_then_confirmed_then_cooldown() -> None:
    detector = FallDetector()
    detector.update((body(),), 0.0)
    down = body((320, 420), tilt=85, legs=False)
    kinds = []
    for second in range(1, 40):
        kinds += [e.type for e in detector.update((down,), float(second))]
    assert kinds == [FallEventType.DETECTED, FallEventType.CONFIRMED]


def test_dismissed_when_the_person_gets_up_before_confirmation() -> None:
    detector = FallDetector()
    detector.update((body(),), 0.0)
    (detected,) = detector.update((body((320, 420), tilt=85, legs=False),), 1.0)
    (dismissed,) = detector.update((body(),), 3.0)
    assert dismissed.type is FallEventType.DISMISSED
    assert dismissed.track_id == detected.track_id
    assert dismissed.fall_timestamp == 1.0


def test_empty_frames_and_leaving_are_not_falls() -> None:
    detector = FallDetector()
    assert detector.update((), 0.0) == []
    assert detector.update((body(),), 1.0) == []
    for second in range(2, 30):
        assert detector.update((), float(second)) == []
    assert detector.tracker.tracks == {}


def test_frames_closer_than_a_second_are_not_compared() -> None:
    detector = FallDetector()
    detector.update((body(),), 0.0)
    assert detector.update((body((320, 420), tilt=85, legs=False),), 0.5) == []


def test_evidence_confidence_is_independent_of_keypoint_scores() -> None:
    before_hi, after_hi = body(score=0.9), body((320, 420), tilt=85, legs=False, score=0.9)
    before_lo, after_lo = body(score=0.3), body((320, 420), tilt=85, legs=False, score=0.3)
    hi = evidence(Observation.of(before_hi, 0, 0.11), Observation.of(after_hi, 2, 0.11))
    lo = evidence(Observation.of(before_lo, 0, 0.11), Observation.of(after_lo, 2, 0.11))
    assert hi.confidence == pytest.approx(lo.confidence)
    assert hi.visibility > lo.visibility


def _obs(person, t: float = 0.0) -> Observation:
    return Observation.of(person, t, 0.11)


def test_upright_torso_counts_as_down_only_when_the_body_is_foreshortened() -> None:
    """Head near the hips with the torso upright: lying along the camera axis, or crouching.

    Lying along the axis shrinks the whole body (legs too) to a small part of its standing
    height; crouching, kneeling or sitting on the heels keeps about half of it.
    """
    standing = _obs(body((300.0, 200.0), 0.0, 100.0))
    # Crouching: torso short in the image (leaning forward), head near hip level, legs folded
    # under: the body is about half its standing height.
    crouch = body((300.0, 330.0), 0.0, 45.0, head_extra=0.2)
    kps = crouch.keypoints.copy()
    kps[13:17, 1] = 330.0 + 110.0  # feet on the floor where they were
    crouching = _obs(type(crouch).from_keypoints(kps, crouch.score), 2.0)
    # Lying with the feet towards the camera: everything foreshortened, about a fifth as tall.
    lying_along_axis = _obs(body((300.0, 330.0), 0.0, 20.0, head_extra=0.2), 2.0)
    assert evidence(standing, crouching).down < 0.3
    assert evidence(standing, lying_along_axis).down > 0.9
    assert evidence(standing, lying_along_axis).confidence > 0.5


def test_knee_height_is_the_mean_of_the_confident_knees() -> None:
    person = body((300, 300))  # standing: knees 0.8 torso lengths below the hips
    assert knee_y(person, 0.2) == pytest.approx(380.0)
    hidden = person.keypoints.copy()
    hidden[13:15, 2] = 0.1
    assert knee_y(Person.from_keypoints(hidden, 0.8), 0.2) is None


def test_a_box_longer_side_is_the_size_whatever_the_posture() -> None:
    """Standing the height counts, lying the width; a box turned inside out has no size."""
    assert Box(10, 20, 40, 200).longer_side == 180
    assert Box(10, 20, 190, 60).longer_side == 180
    assert Box(40, 200, 10, 20).longer_side == 0
