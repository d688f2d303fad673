"""The checker model reads a person again before a fall is raised (detector/second.py).

With the catalog's checker (MoveNet Thunder int8) the second readings are its own, not the
first model's mirrored ones; when it sees the fall too, a burst raises it at once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from custom_components.fall_detection.core.backends import BackendKind
from custom_components.fall_detection.core.catalog import load_catalog
from custom_components.fall_detection.core.detector import DetectorConfig
from custom_components.fall_detection.core.engine import PoseEngine, load_checker
from custom_components.fall_detection.core.mirror import checked_reading
from custom_components.fall_detection.core.preprocess import open_image
from custom_components.fall_detection.core.resolve import ModelResolver
from custom_components.fall_detection.core.video import frames
from tests.core.models import LIGHTNING, EngineFactory
from tests.core.replay import replay_clip
from tests.paths import FIXTURES, MODELS, require

CONFIG = DetectorConfig()


def test_the_catalog_names_a_checker_more_accurate_than_the_default() -> None:
    """The checker is a single-pose model other than the default (its own mistakes)."""
    catalog = load_catalog()
    assert catalog.checker is not None
    checker = catalog.get(catalog.checker)
    assert checker.name != catalog.default
    assert not checker.multi_person
    assert not checker.edgetpu  # it runs on the CPU beside any configured model
    assert checker.input_width > catalog.get(catalog.default).input_width


def test_the_checker_reads_the_same_person_in_place(
    engine_factory: EngineFactory, checker: PoseEngine
) -> None:
    """On a real frame the checker finds the person Lightning found, where they are."""
    clip = require(FIXTURES / "benchmark" / "urfd" / "fall-01-cam0-rgb.mp4")
    image = next(np.asarray(frame) for _, frame in frames(clip, 1.0))
    decoded = open_image(image)
    (person,) = engine_factory(LIGHTNING).estimate(decoded).people
    again = checked_reading(checker, decoded, person, CONFIG.keypoint_threshold)
    assert again is not None
    assert again.box.iou(person.box) > 0.5
    assert not np.allclose(again.keypoints, person.keypoints)  # its own reading


@pytest.mark.parametrize("with_checker", [True, False])
def test_a_fall_at_the_end_of_a_clip_is_raised_on_the_frame_that_shows_it(
    engine_factory: EngineFactory, checker: PoseEngine, with_checker: bool
) -> None:
    """UR fall-15 (tune split): a fall seen in the clip's last frames is raised at 2.0 s.

    The fall (0.9 to 1.9 s) is first seen at 2.0 s, and the clip ends at 2.37 s. With the
    checker, which sees the fall in that frame too, it is raised there. Without it, the
    mirrored Lightning reading of that frame finds the torso 38 degrees from vertical and
    used to veto the fall (nothing was raised); its hips, two torso lengths below where the
    person stood, put it on the floor (``second.FLOOR_HIPS``), so the fall stands.
    """
    clip = require(FIXTURES / "benchmark" / "urfd" / "fall-15-cam0-rgb.mp4")
    second = checker if with_checker else None
    alerts = replay_clip(engine_factory(LIGHTNING), clip, 30.0, checker=second).alerts
    assert [round(e.timestamp, 1) for e in alerts] == [2.0]


@pytest.mark.parametrize("with_checker", [True, False])
def test_the_checker_vetoes_a_misread_frame(
    engine_factory: EngineFactory, checker: PoseEngine, with_checker: bool
) -> None:
    """UR adl-23 (tune split), second frame 0.75 s later: the checker vetoes a sofa "fall".

    Lying back on a sofa in the dark reads as a fall at 4.97 s, and the mirrored reading
    does not overrule it; the checker's reading does.
    """
    clip = require(FIXTURES / "benchmark" / "urfd" / "adl-23-cam0-rgb.mp4")
    second = checker if with_checker else None
    alerts = replay_clip(engine_factory(LIGHTNING), clip, 30.0, delay=0.75, checker=second).alerts
    if with_checker:
        assert alerts == []
    else:
        assert [round(e.timestamp, 1) for e in alerts] == [5.0]


def test_a_faller_read_upright_on_the_floor_is_not_vetoed(
    engine_factory: EngineFactory, checker: PoseEngine
) -> None:
    """Le2i Coffee_room_01_video_31 (tune split), second frame 0.25 s later: raised at 6.68 s.

    The faller lands on a mat with the feet towards the ceiling camera (fall 6.28 to 7.0 s).
    Lightning reads the torso across the image; the checker, around where the person was,
    reads it 4 to 40 degrees from vertical, as the image shows it, so every frame of the burst
    was vetoed as someone "still up" and no fall was raised. Its hips, almost two torso
    lengths below where the person stood a second before, put it on the floor
    (``second.FLOOR_HIPS``).
    """
    clip = require(FIXTURES / "benchmark" / "le2i" / "Coffee_room_01_video_31.mp4")
    alerts = replay_clip(engine_factory(LIGHTNING), clip, 25.0, delay=0.25, checker=checker)
    assert [round(e.timestamp, 2) for e in alerts.alerts] == [6.68]


def test_load_checker_finds_its_file_or_gives_none(tmp_path: Path) -> None:
    """Found in a model folder (on the CPU even beside an Edge TPU), else None, never raised."""
    models = require(MODELS)
    found = load_checker(ModelResolver(explicit=models, allow_download=False))
    assert found is not None
    assert found.spec.name == load_catalog().checker
    found.close()
    on_cpu = load_checker(ModelResolver(explicit=models, allow_download=False), BackendKind.EDGETPU)
    assert on_cpu is not None
    assert on_cpu.backend.kind is not BackendKind.EDGETPU
    on_cpu.close()
    assert (
        load_checker(ModelResolver(explicit=tmp_path, env_dir=None, allow_download=False)) is None
    )
    # The configured model is the checker itself: no second copy of it.
    name = load_catalog().checker
    assert (
        load_checker(ModelResolver(explicit=models, allow_download=False), configured=name) is None
    )
