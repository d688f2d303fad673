"""Second readings of a frame before a fall in it is raised (detector/second.py).

The person mirrored (core/mirror.py) and the frame cut around where they were
(core/crops.py ``reading_around``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from custom_components.fall_detection.core.detector import DetectorConfig
from custom_components.fall_detection.core.detector.features import (
    Evidence,
    Observation,
    evidence,
)
from custom_components.fall_detection.core.detector.second import (
    FLOOR_HIPS,
    Check,
    SecondReadings,
    confirmed,
    confirms,
    contradicted,
    measured,
    stands,
)
from custom_components.fall_detection.core.geometry import spine
from custom_components.fall_detection.core.mirror import MIRRORED, Mirrored, mirrored_reading
from custom_components.fall_detection.core.pipeline import FramePipeline
from custom_components.fall_detection.core.types import KEYPOINT_NAMES, Box, Person
from custom_components.fall_detection.core.video import frames, widen
from tests.core.models import LIGHTNING, EngineFactory
from tests.core.replay import replay_clip
from tests.core.synthetic import body
from tests.paths import FIXTURES, require

CONFIG = DetectorConfig()


def _first_frame(name: str) -> np.ndarray:
    clip = require(FIXTURES / "benchmark" / "urfd" / name)
    return next(image for _, image in frames(clip, 1.0))


def test_mirrored_keypoints_swap_left_and_right() -> None:
    names = [KEYPOINT_NAMES[i] for i in MIRRORED]
    assert names[0] == "nose"
    assert names[KEYPOINT_NAMES.index("left_shoulder")] == "right_shoulder"
    assert names[KEYPOINT_NAMES.index("right_ankle")] == "left_ankle"
    assert [MIRRORED[i] for i in MIRRORED] == list(range(len(KEYPOINT_NAMES)))


def test_a_standing_person_reads_the_same_mirrored(engine_factory: EngineFactory) -> None:
    """UR fall-01, first frame: the mirrored reading lands on the same body, sides kept."""
    pipeline = FramePipeline(engine_factory(LIGHTNING))
    decoded = pipeline.decode(_first_frame("fall-01-cam0-rgb.mp4"))
    (person,) = pipeline.estimate(decoded).people
    again = mirrored_reading(pipeline.engine, decoded, person, CONFIG.keypoint_threshold)
    assert again is not None
    assert again.box.iou(person.box) > 0.6
    torso = [KEYPOINT_NAMES.index(n) for n in ("left_shoulder", "right_shoulder")]
    torso += [KEYPOINT_NAMES.index(n) for n in ("left_hip", "right_hip")]
    # Each side mirrored back lands on that side, within a tenth of the person's height.
    offsets = np.abs(again.keypoints[torso, :2] - person.keypoints[torso, :2])
    assert offsets.max() < 0.1 * person.box.height


def test_a_frame_read_mirrored_gives_the_same_body_in_the_frame_s_pixels(
    engine_factory: EngineFactory,
) -> None:
    """UR fall-01, first frame, read by ``Mirrored``: the body the plain reading finds.

    One person, each side's shoulder and hip mapped back to that side.
    """
    engine = engine_factory(LIGHTNING)
    decoded = FramePipeline(engine).decode(_first_frame("fall-01-cam0-rgb.mp4"))
    (person,) = engine.estimate(decoded).people
    mirrored = Mirrored(engine).estimate(decoded)
    assert (mirrored.image_width, mirrored.image_height) == decoded.source_size
    (again,) = mirrored.people
    assert again.box.iou(person.box) > 0.6
    torso = [KEYPOINT_NAMES.index(n) for n in ("left_shoulder", "right_shoulder")]
    torso += [KEYPOINT_NAMES.index(n) for n in ("left_hip", "right_hip")]
    offsets = np.abs(again.keypoints[torso, :2] - person.keypoints[torso, :2])
    assert offsets.max() < 0.1 * person.box.height
    assert not np.array_equal(again.keypoints, person.keypoints)  # a reading of its own


def test_a_small_person_is_read_again_in_their_crop(engine_factory: EngineFactory) -> None:
    """The first frame of UR fall-01 shown 3 x smaller: read again on the person's crop.

    The mirrored whole frame finds nobody there at that size; the crop (as the people stage
    cuts for a small person) finds them with a confident torso.
    """
    engine = engine_factory(LIGHTNING)
    pipeline = FramePipeline(engine)
    decoded = pipeline.decode(widen(_first_frame("fall-01-cam0-rgb.mp4"), 3.0))
    (person,) = pipeline.estimate(decoded).people
    box, side = person.box, person.box.height
    cx, cy = (box.xmin + box.xmax) / 2, (box.ymin + box.ymax) / 2
    square = Box(cx - side, cy - side, cx + side, cy + side)
    threshold = CONFIG.keypoint_threshold
    assert mirrored_reading(engine, decoded, person, threshold) is None
    in_crop = mirrored_reading(engine, decoded, person, threshold, (square,))
    assert in_crop is not None
    assert in_crop.box.iou(box) > 0.3
    assert spine(in_crop, threshold).score > 0.5


def _history(descent_from: Observation) -> Callable[[Observation], Evidence | None]:
    return lambda o: evidence(descent_from, o)


def test_a_descent_stands_unless_a_confident_second_reading_shows_none() -> None:
    standing = Observation.of(body((300, 300)), 0.0, CONFIG.keypoint_threshold)
    lying = Observation.of(body((320, 420), tilt=85, legs=False), 2.0, CONFIG.keypoint_threshold)
    descent = _history(standing)
    assert evidence(standing, lying).confidence >= CONFIG.alert_threshold
    # Nobody found on the mirrored view, or the same lying body: the fall stands.
    assert confirmed(CONFIG, lying, None, descent)
    assert confirmed(CONFIG, lying, lying.person, descent)
    # A reading as confident that shows the person still standing where they stood: no fall.
    assert not confirmed(CONFIG, lying, standing.person, descent)
    # The same standing reading, but less confident than the first: it does not overrule.
    weak = standing.person.keypoints.copy()
    weak[:, 2] = 0.5 * lying.spine.score
    assert confirmed(CONFIG, lying, Person.from_keypoints(weak, 0.3), descent)


@pytest.mark.parametrize("second_opinion", [True, False])
def test_lying_back_on_a_sofa_in_the_dark(
    engine_factory: EngineFactory, second_opinion: bool
) -> None:
    """UR adl-23 (tune split): one frame at 4 s reads as a fall.

    Mirrored, the same frame shows no fall, so no alert; without the second reading it alerts.
    """
    clip = require(FIXTURES / "benchmark" / "urfd" / "adl-23-cam0-rgb.mp4")
    engine = engine_factory(LIGHTNING)
    alerts = replay_clip(engine, clip, 30.0, second_opinion=second_opinion).alerts
    if second_opinion:
        assert alerts == []
    else:
        assert [round(e.timestamp, 1) for e in alerts] == [4.0]


def test_real_falls_stand_against_the_second_reading(engine_factory: EngineFactory) -> None:
    """UR fall-01 and fall-03 (tune split) at the defaults: still alerted in the fall's window."""
    engine = engine_factory(LIGHTNING)
    for name, (start, end) in (
        ("fall-01-cam0-rgb.mp4", (2.73, 3.73)),
        ("fall-03-cam0-rgb.mp4", (4.9, 5.9)),
    ):
        clip = require(FIXTURES / "benchmark" / "urfd" / name)
        alerts = replay_clip(engine, clip, 30.0).alerts
        assert alerts, name
        assert start - 0.5 <= alerts[0].timestamp <= end + 5.0, name


def test_a_descent_is_contradicted_only_by_a_confident_reading_that_stayed_up() -> None:
    standing = Observation.of(body((300, 300)), 0.0, CONFIG.keypoint_threshold)
    lying = Observation.of(body((320, 420), tilt=85, legs=False), 2.0, CONFIG.keypoint_threshold)
    descent = _history(standing)
    # Nobody around the person's last box, or someone found lying there: no contradiction.
    assert not contradicted(CONFIG, 2.0, None, descent)
    assert not contradicted(CONFIG, 2.0, lying.person, descent)
    still = Observation.of(body((300, 300), tilt=85, legs=False), 2.0, CONFIG.keypoint_threshold)
    assert evidence(standing, still).confidence < 0.5 * CONFIG.alert_threshold
    assert not contradicted(CONFIG, 2.0, still.person, descent)
    # The person found there still standing, with a confident torso: the descent was a guess.
    assert contradicted(CONFIG, 2.0, standing.person, descent)
    # Found standing, but with a torso under the keypoint threshold: it does not count.
    weak = standing.person.keypoints.copy()
    weak[:, 2] = 0.5 * CONFIG.keypoint_threshold
    assert not contradicted(CONFIG, 2.0, Person.from_keypoints(weak), descent)


def test_an_upright_reading_with_the_hips_on_the_floor_vetoes_nothing() -> None:
    """A torso upright in the image, hips two torso lengths below standing: down, not up.

    Someone lying along a high camera's axis, or sitting up on the floor, reads upright; their
    hips give them away (``FLOOR_HIPS``). A seated reading, a torso length down, still vetoes.
    """
    threshold = CONFIG.keypoint_threshold
    standing = Observation.of(body((300, 300)), 0.0, threshold)
    lying = Observation.of(body((320, 420), tilt=85, legs=False), 2.0, threshold)
    descent = _history(standing)

    def drop(o: Observation) -> float:
        return evidence(standing, o).hip_drop

    floor = Observation.of(body((300, 300 + 2.0 * 100)), 2.0, threshold)
    seat = Observation.of(body((300, 300 + 1.0 * 100)), 2.0, threshold)
    for upright in (floor, seat):
        assert upright.upright
        assert evidence(standing, upright).confidence < 0.5 * CONFIG.alert_threshold
        # Without the hips' measure both read as "still up", as before.
        assert contradicted(CONFIG, 2.0, upright.person, descent)
        assert not confirmed(CONFIG, lying, upright.person, descent)
    assert drop(floor) >= FLOOR_HIPS > drop(seat)
    assert not contradicted(CONFIG, 2.0, floor.person, descent, drop)
    assert contradicted(CONFIG, 2.0, seat.person, descent, drop)
    assert confirms(CONFIG, lying, measured(CONFIG, 2.0, floor.person, descent), drop)
    assert not confirms(CONFIG, lying, measured(CONFIG, 2.0, seat.person, descent), drop)


@pytest.mark.parametrize("look_around", [True, False])
def test_a_frame_read_as_a_fall_is_read_again_where_the_person_was(
    engine_factory: EngineFactory, look_around: bool
) -> None:
    """UR adl-13 (tune split: walk, bend over), the camera loop's second frame 0.25 s later.

    At 6.27 s the whole frame reads as a fall, and the mirrored reading does not overrule it;
    the frame cut around where the person was finds them upright, not gone down, so no alert.
    Without that look it alerts.
    """
    clip = require(FIXTURES / "benchmark" / "urfd" / "adl-13-cam0-rgb.mp4")
    engine = engine_factory(LIGHTNING)
    alerts = replay_clip(engine, clip, 30.0, delay=0.25, look_around=look_around).alerts
    assert [round(e.timestamp, 2) for e in alerts] == ([] if look_around else [6.27])


def test_a_checker_that_sees_the_fall_raises_it_at_once() -> None:
    """Another model's reading that shows the fall counts as a second sighting (synthetic)."""
    standing = Observation.of(body((300, 300)), 0.0, CONFIG.keypoint_threshold)
    lying = Observation.of(body((320, 420), tilt=85, legs=False), 2.0, CONFIG.keypoint_threshold)
    descent = _history(standing)
    assert evidence(standing, lying).confidence >= CONFIG.alert_threshold

    def readings(found: Person | None, *, independent: bool) -> SecondReadings:
        return SecondReadings(lambda _: found, None, independent=independent)

    def check(found: Person | None, *, independent: bool = True) -> Check:
        return stands(CONFIG, lying, None, readings(found, independent=independent), descent)

    assert check(lying.person) is Check.SEEN_AGAIN
    # The same reading made by the first model mirrored is not a second sighting.
    assert check(lying.person, independent=False) is Check.STANDS
    # The checker finds nobody there: no contradiction, the burst waits for its next frame.
    assert check(None) is Check.STANDS
    # The checker sees the person standing where they stood, as confidently: no fall.
    assert check(standing.person) is Check.VETOED
    # A torso the checker hardly sees is no second sighting.
    faint = lying.person.keypoints.copy()
    faint[:, 2] = 0.5 * CONFIG.keypoint_threshold
    assert check(Person.from_keypoints(faint, 0.05)) is Check.STANDS


def test_an_unseen_turned_guess_is_vetoed_only_by_a_checker() -> None:
    """A reading found only turned that the checker does not find is vetoed (synthetic)."""
    standing = Observation.of(body((300, 300)), 0.0, CONFIG.keypoint_threshold)
    lying = Observation.of(body((320, 420), tilt=85, legs=False), 2.0, CONFIG.keypoint_threshold)
    descent = _history(standing)
    assert evidence(standing, lying).confidence >= CONFIG.alert_threshold

    def check(found: Person | None, *, turned: bool, independent: bool = True) -> Check:
        boxes = (lying.person.box,) if turned else ()
        readings = SecondReadings(lambda _: found, None, independent=independent, turned=boxes)
        return stands(CONFIG, lying, None, readings, descent)

    assert check(None, turned=True) is Check.VETOED  # a guess nobody else sees
    assert check(None, turned=False) is Check.STANDS  # found upright: the checker may miss
    assert check(None, turned=True, independent=False) is Check.STANDS  # the mirror: no say
    assert check(lying.person, turned=True) is Check.SEEN_AGAIN  # the checker sees it too
