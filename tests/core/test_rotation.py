"""The turned retry on real frames: lying people found, no "person" strung across furniture."""

from __future__ import annotations

import pytest

from custom_components.fall_detection.core.geometry import spine
from custom_components.fall_detection.core.pipeline import FramePipeline
from custom_components.fall_detection.core.rotation import (
    MAX_TURNED_TORSO,
    estimate_upright_or_rotated,
)
from custom_components.fall_detection.core.types import Person
from custom_components.fall_detection.core.video import video_frames
from tests.core.models import EngineFactory
from tests.paths import FIXTURES, require

THRESHOLD = 0.11


def _lying(person: Person) -> bool:
    s = spine(person, THRESHOLD)
    return s.score >= THRESHOLD and s.tilt is not None and s.tilt > 60


def _frame(name: str, seconds: float) -> object:
    clip = require(FIXTURES / "benchmark" / name)
    return next(rgb for t, rgb in video_frames(clip, 5.0) if t >= seconds - 1e-6)


@pytest.mark.parametrize("seconds", [4.2, 4.4])
def test_no_person_strung_across_the_floor_and_a_bed_next_to_someone_crouching(
    engine_factory: EngineFactory, seconds: float
) -> None:
    """UR adl-03: someone crouches by a shelf; nobody is found lying.

    The turned frame finds a "person" lying across the rug and the bed, with a torso nearly
    half the frame long.
    """
    engine = engine_factory("movenet_lightning_int8")
    pipeline = FramePipeline(engine)
    decoded = pipeline.decode(_frame("urfd/adl-03-cam0-rgb.mp4", seconds))  # type: ignore[arg-type]
    unlimited = estimate_upright_or_rotated(engine, decoded, THRESHOLD, THRESHOLD)
    assert unlimited.rotation in (90, 270)  # the upright pass found no torso
    assert any(_lying(p) for p in unlimited.people)  # ... and the turned one a huge one
    longest = max(spine(p, THRESHOLD).length for p in unlimited.people)
    assert longest > MAX_TURNED_TORSO * max(decoded.source_size)
    assert not any(_lying(p) for p in pipeline.estimate(decoded).people)


@pytest.mark.parametrize(
    ("name", "seconds"),
    [("urfd/fall-01-cam0-rgb.mp4", 3.8), ("le2i/Home_02_video_31.mp4", 11.0)],
)
def test_a_fallen_person_found_only_on_the_turned_frame_is_kept(
    engine_factory: EngineFactory, name: str, seconds: float
) -> None:
    """Lying after a fall, found only once the frame is turned (UR and a ceiling camera)."""
    engine = engine_factory("movenet_lightning_int8")
    pipeline = FramePipeline(engine)
    decoded = pipeline.decode(_frame(name, seconds))  # type: ignore[arg-type]
    result = pipeline.estimate(decoded)
    assert result.rotation in (90, 270)
    assert any(_lying(p) for p in result.people)
