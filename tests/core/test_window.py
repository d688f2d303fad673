"""A frame wider than 4:3 is read on a 4:3 window around the person followed (core/window.py)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from custom_components.fall_detection.core.crops import crop_square, estimate_in_crop
from custom_components.fall_detection.core.detector import DetectorConfig
from custom_components.fall_detection.core.engine import PoseEngine, Prepared
from custom_components.fall_detection.core.geometry import spine
from custom_components.fall_detection.core.people import (
    DEFAULT_PEOPLE,
    PeopleConfig,
    estimate_people,
)
from custom_components.fall_detection.core.pipeline import FramePipeline
from custom_components.fall_detection.core.preprocess import Decoded, open_image
from custom_components.fall_detection.core.types import Box, Person
from custom_components.fall_detection.core.video import frames, on_grey
from custom_components.fall_detection.core.window import (
    WINDOW_STEP,
    cut,
    estimate_in_window,
    window_around,
    window_places,
)
from tests.core.models import LIGHTNING, EngineFactory
from tests.core.replay import replay_clip
from tests.paths import FIXTURES, require

THRESHOLD = DetectorConfig().keypoint_threshold
FOUR_THIRDS = 4 / 3
# GMDCSA: a real 16:9 camera (1280 x 720), someone walking about the room
WIDE_CLIP = FIXTURES / "clips" / "Subject1_adl_10.mp4"
# Le2i, ceiling corner (320 x 240): sits, then falls onto a mat
COFFEE_14 = FIXTURES / "benchmark" / "le2i" / "Coffee_room_01_video_14.mp4"
COFFEE_14_LABEL = (2.04, 3.0)  # the dataset's fall start and end (sequences.csv)
UR_FALL_01 = FIXTURES / "benchmark" / "urfd" / "fall-01-cam0-rgb.mp4"
UR_ADL_01 = FIXTURES / "benchmark" / "urfd" / "adl-01-cam0-rgb.mp4"  # walks in, crouches


def test_the_window_is_four_thirds_of_the_height_around_the_person() -> None:
    """The fixed window that best centres the person's box; none for frames 4:3 or narrower.

    A 1280 x 720 frame has three 960-pixel windows: at the left edge, a quarter of a window
    further (240) and at the right edge (320).
    """
    size = (1280, 720)
    assert window_places(1280, 960) == [0.0, 240.0, 320]
    assert window_around(size, Box(600, 100, 680, 600), FOUR_THIRDS) == Box(
        240.0, 0.0, 1200.0, 720.0
    )
    assert window_around(size, Box(0, 100, 40, 600), FOUR_THIRDS) == Box(0.0, 0.0, 960.0, 720.0)
    assert window_around(size, Box(1250, 100, 1300, 600), FOUR_THIRDS) == Box(
        320.0, 0.0, 1280.0, 720.0
    )
    assert window_around((640, 480), Box(300, 100, 340, 400), FOUR_THIRDS) is None  # 4:3
    assert window_around((660, 480), Box(300, 100, 340, 400), FOUR_THIRDS) is None  # a sliver
    assert window_around((480, 640), Box(200, 100, 240, 400), FOUR_THIRDS) is None  # portrait
    assert window_around(size, Box(600, 100, 680, 600), 0.0) is None  # switched off
    assert window_around((1280, 0), Box(600, 0, 680, 0), FOUR_THIRDS) is None  # degenerate


@pytest.mark.parametrize("size", [(1280, 720), (427, 240), (640, 240), (1920, 1080), (2560, 720)])
def test_a_person_moving_a_little_keeps_the_window_and_stays_inside_it(
    size: tuple[int, int],
) -> None:
    """Across the whole frame: a window changes only where the places change, never per pixel.

    The person's centre is always inside the window chosen for them, at least half the window
    less half a step (3/8 of it) from its edges where the frame allows; and moving the box by a
    few pixels changes the window only at the few points half-way between two places.
    """
    width, height = size
    span = FOUR_THIRDS * height
    places = window_places(width, span)
    changes = 0
    previous = None
    for centre in np.linspace(0, width, 400):
        window = window_around(size, Box(centre - 5, 0, centre + 5, 10), FOUR_THIRDS)
        assert window is not None
        assert window.xmin in places
        assert window.width == pytest.approx(span)
        assert window.xmin <= centre <= window.xmax
        margin = min(centre, width - centre, (0.5 - WINDOW_STEP / 2) * span)
        assert min(centre - window.xmin, window.xmax - centre) >= margin - 1e-6
        changes += previous is not None and window != previous
        previous = window
    assert changes == len(places) - 1  # once between each two neighbouring places


def test_a_person_walking_in_a_real_wide_frame_is_read_in_few_windows(
    engine_factory: EngineFactory,
) -> None:
    """GMDCSA (a real 16:9 camera): someone walking across the room, five frames a second.

    The window around them is one of the frame's three and moves only when they have walked
    about a quarter of its width (here once, as they walk past 760 pixels): a frame read in
    the same window as the one before shows the person the way the one before did, while a
    window re-centred on every frame cuts the room at another column each time, and the
    model's keypoints of the same pose move with the cut (Le2i Coffee_room_01_video_26 framed
    16:9: the faller on the floor read with a torso score of 0.33 in one window, 0.25 in the
    window 5 pixels to the right, and not at all 10 pixels to the right). Measured
    (``benchmarks/README.md``, session 29): fewer false alarms and more falls caught in 16:9
    framings of the benchmark.
    """
    engine = engine_factory(LIGHTNING)
    pipeline = FramePipeline(engine)
    windows: list[Box] = []
    centres: list[float] = []
    for t, image in frames(require(WIDE_CLIP), 5.0):
        result = pipeline.process(image, t)
        if result.pose.crops and result.tracks:
            windows.extend(result.pose.crops)
            centres.append(result.tracks[0][1].box.centre[0])
    assert len(windows) >= 15  # the person is followed in a window most of the clip
    width, height = 1280, 720
    assert {w.xmin for w in windows} <= set(window_places(width, FOUR_THIRDS * height))
    kept = sum(a == b for a, b in pairwise(windows))
    assert kept >= len(windows) // 2  # most frames are read in the window of the frame before
    assert max(centres) - min(centres) > 0.15 * width  # and yet the person walked 200 pixels


def test_cut_keeps_the_frames_pixels_and_scale() -> None:
    """A window cut from a frame decoded at half size still reports frame pixels."""
    pixels = np.arange(36 * 64 * 3, dtype=np.uint8).reshape(36, 64, 3)
    decoded = open_image(pixels)
    view, scale = cut(decoded, Box(16.0, 0.0, 64.0, 36.0))
    assert view.source_size == (48, 36)
    assert scale == pytest.approx(1.0)
    assert np.array_equal(np.asarray(view.image), pixels[:, 16:64])
    half = Decoded(decoded.image.resize((32, 18)), (64, 36))  # decoded at reduced size
    view, scale = cut(half, Box(16.0, 0.0, 64.0, 36.0))
    assert view.source_size == (48, 36)
    assert view.image.size == (24, 18)


def _first_person(engine: PoseEngine, decoded: Decoded) -> Person:
    result = estimate_people(engine, decoded, (), THRESHOLD)
    return max(result.people, key=lambda p: spine(p, THRESHOLD).score)


def test_a_real_wide_frame_is_read_around_the_person(engine_factory: EngineFactory) -> None:
    """On a real 16:9 camera the person followed is read in a 4:3 window, and found there."""
    engine = engine_factory(LIGHTNING)
    stills = [image for t, image in frames(require(WIDE_CLIP), 1.0) if round(t) in (2, 3)]
    first, second = (open_image(image) for image in stills)
    assert second.source_size == (1280, 720)
    person = _first_person(engine, first)
    followed = estimate_people(
        engine, second, (person.box,), THRESHOLD, sizes=(person.box.longer_side,)
    )
    (window,) = followed.crops
    assert window.width == pytest.approx(960.0)
    assert window.height == pytest.approx(720.0)
    found = max(followed.people, key=lambda p: spine(p, THRESHOLD).score)
    assert spine(found, THRESHOLD).score >= THRESHOLD
    centre = (found.box.xmin + found.box.xmax) / 2
    assert window.xmin <= centre <= window.xmax
    whole = estimate_people(
        engine,
        second,
        (person.box,),
        THRESHOLD,
        PeopleConfig(window_aspect=0.0),
        sizes=(person.box.longer_side,),
    )
    assert whole.crops == ()  # switched off: the whole frame, as before
    same = max(whole.people, key=lambda p: spine(p, THRESHOLD).score)
    assert found.box.iou(same.box) > 0.5  # the same person, read in the window


def test_no_window_on_a_four_thirds_frame(engine_factory: EngineFactory) -> None:
    """A 4:3 camera is read on its whole frame, as before."""
    engine = engine_factory(LIGHTNING)
    stills = [image for t, image in frames(require(UR_FALL_01), 1.0) if round(t) in (1, 2)]
    first, second = (open_image(image) for image in stills)
    person = _first_person(engine, first)
    followed = estimate_people(
        engine, second, (person.box,), THRESHOLD, sizes=(person.box.longer_side,)
    )
    assert followed.crops == ()
    assert followed.people


def test_someone_who_left_the_window_is_found_on_the_whole_frame(
    engine_factory: EngineFactory,
) -> None:
    """The window finds no torso where the person was: the whole frame finds them elsewhere.

    A real 4:3 frame at the left of a frame twice as wide; the box followed at the far right
    (the person moved out of the window between two frames).
    """
    engine = engine_factory(LIGHTNING)
    (still,) = [image for t, image in frames(require(UR_FALL_01), 1.0) if round(t) == 3]
    height, width = still.shape[:2]
    wide = open_image(on_grey(still, 2 * width, height, 0, 0))
    person = _first_person(engine, open_image(still))
    far = Box(1.9 * width, 100.0, 2.0 * width, 200.0)
    result = estimate_people(engine, wide, (far,), THRESHOLD)
    window = window_around(wide.source_size, far, FOUR_THIRDS)
    assert window is not None
    assert window.xmin > person.box.xmax  # the person is outside the window
    assert result.crops == ()  # read on the whole frame
    found = max(result.people, key=lambda p: spine(p, THRESHOLD).score)
    assert found.box.iou(person.box) > 0.5


def _sixteen_by_nine(image: np.ndarray) -> np.ndarray:
    height, width = image.shape[:2]
    return on_grey(image, round(height * 16 / 9), height, 0, 0)


@pytest.mark.parametrize(
    ("people", "caught"), [(DEFAULT_PEOPLE, True), (PeopleConfig(window_aspect=0.0), False)]
)
def test_a_fall_in_a_wide_frame_is_caught_in_the_window(
    engine_factory: EngineFactory, checker: PoseEngine, people: PeopleConfig, caught: bool
) -> None:
    """Le2i Coffee_room_01_video_14 framed 16:9: caught only in the window.

    The faller on the mat is read lying only at the size a 4:3 camera shows them; the whole
    16:9 frame reads them upright for 4 s.
    """
    replayed = replay_clip(
        engine_factory(LIGHTNING),
        require(COFFEE_14),
        25.0,
        checker=checker,
        people=people,
        framing=_sixteen_by_nine,
    )
    alerts = [e.timestamp for e in replayed.alerts]
    start, end = COFFEE_14_LABEL
    assert any(start - 0.5 <= t <= end + 5.0 for t in alerts) is caught
    assert all(start - 0.5 <= t for t in alerts)  # nothing before the fall


def _still(path: Path, second: int) -> np.ndarray:
    (image,) = [image for t, image in frames(require(path), 1.0) if round(t) == second]
    return image


def test_two_people_side_by_side_are_each_read_in_their_window(
    engine_factory: EngineFactory,
) -> None:
    """Two real 4:3 rooms side by side (8:3): each person is read in their own window.

    Each person followed is read in the 4:3 window around them, as one person alone is, and
    found there; with the window switched off, a square crop each, as before.
    """
    engine = engine_factory(LIGHTNING)
    left, right = _still(UR_FALL_01, 1), _still(UR_ADL_01, 2)
    width = left.shape[1]
    wide = open_image(np.hstack([left, right]))
    one = _first_person(engine, open_image(left)).box
    two = _first_person(engine, open_image(right)).box
    two = Box(two.xmin + width, two.ymin, two.xmax + width, two.ymax)
    result = estimate_people(engine, wide, (one, two), THRESHOLD, discover=False)
    assert result.crops == (
        window_around(wide.source_size, one, FOUR_THIRDS),
        window_around(wide.source_size, two, FOUR_THIRDS),
    )
    assert len(result.people) == 2
    for person, followed in zip(result.people, (one, two), strict=True):
        assert spine(person, THRESHOLD).score >= THRESHOLD
        assert person.box.iou(followed) > 0.5
    squares = estimate_people(
        engine, wide, (one, two), THRESHOLD, PeopleConfig(window_aspect=0.0), discover=False
    )
    assert squares.crops == tuple(crop_square(wide.source_size, b, 1.6) for b in (one, two))


def test_a_window_that_shows_nobody_there_falls_back_to_the_crop(
    engine_factory: EngineFactory,
) -> None:
    """A window with nobody confident where the person was: the square crop is read instead.

    Of two people followed, one box lies in an empty part of the wide frame (they left); the
    crop around it finds nobody. The other is read in their window and found.
    """
    engine = engine_factory(LIGHTNING)
    still = _still(UR_FALL_01, 3)
    height, width = still.shape[:2]
    wide = open_image(on_grey(still, 2 * width, height, 0, 0))
    person = _first_person(engine, open_image(still)).box
    gone = Box(1.8 * width, 100.0, 1.9 * width, 200.0)
    result = estimate_people(engine, wide, (person, gone), THRESHOLD, discover=False)
    assert result.crops == (
        window_around(wide.source_size, person, FOUR_THIRDS),
        crop_square(wide.source_size, gone, DEFAULT_PEOPLE.crop_grow),
    )
    (found,) = result.people
    assert found.box.iou(person) > 0.5


def test_two_people_in_one_window_cost_one_reading_of_it(
    engine_factory: EngineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two people followed whose windows coincide (near a frame's edge): the window is read once.

    Here the same person is followed twice (two tracks on one body): the window finds them
    for the first; for the second the same reading of the window shows only the person
    already found, so the square crop is read, as before. The model runs as often as for
    one reading of the window and one of the crop.
    """
    engine = engine_factory(LIGHTNING)
    still = _still(UR_FALL_01, 3)
    height, width = still.shape[:2]
    wide = open_image(on_grey(still, 2 * width, height, 0, 0))
    person = _first_person(engine, open_image(still)).box
    window = window_around(wide.source_size, person, FOUR_THIRDS)
    square = crop_square(wide.source_size, person, DEFAULT_PEOPLE.crop_grow)
    assert window is not None
    passes = 0
    infer = engine.infer

    def counted(prepared: Prepared) -> dict[str, np.ndarray]:
        nonlocal passes
        passes += 1
        return infer(prepared)

    monkeypatch.setattr(engine, "infer", counted)
    estimate_in_window(engine, wide, window, THRESHOLD)
    estimate_in_crop(engine, wide, square, THRESHOLD)
    once_each, passes = passes, 0
    result = estimate_people(engine, wide, (person, person), THRESHOLD, discover=False)
    assert passes == once_each
    assert result.crops == (window, square)
    (found,) = result.people
    assert found.box.iou(person) > 0.5
