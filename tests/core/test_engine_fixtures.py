"""Every CPU model in the catalog runs on real fixture images and finds what is there."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from custom_components.fall_detection.core.catalog import Catalog, load_catalog
from custom_components.fall_detection.core.types import Person
from tests.core.models import EngineFactory
from tests.paths import NEGATIVES, PAIRS, require

CPU_MODELS = [m.name for m in load_catalog().cpu_models()]
MOVENET_MODELS = [m for m in CPU_MODELS if m.startswith("movenet")]


def _image(name: str) -> bytes:
    return require(PAIRS / "images" / name).read_bytes()


def _upright(person: Person) -> bool:
    """Shoulders above hips above ankles, in image coordinates."""
    kp = {n: person.keypoint(n) for n in ("left_shoulder", "left_hip", "left_ankle")}
    return kp["left_shoulder"][1] < kp["left_hip"][1] < kp["left_ankle"][1]


def test_catalog_cpu_models(catalog: Catalog) -> None:
    assert len(CPU_MODELS) == 7
    assert all(not catalog.get(m).edgetpu for m in CPU_MODELS)


@pytest.mark.parametrize("model", CPU_MODELS)
def test_standing_person_found_upright(engine_factory: EngineFactory, model: str) -> None:
    result = engine_factory(model).estimate(_image("fall_img_1.png"))
    assert result.people, model
    best = max(result.people, key=lambda p: p.score)
    assert _upright(best)


@pytest.mark.parametrize("model", CPU_MODELS)
def test_doorbell_person_found(engine_factory: EngineFactory, model: str) -> None:
    result = engine_factory(model).estimate(
        require(NEGATIVES / "edge_person-couch.jpg").read_bytes()
    )
    assert result.people
    assert max(p.score for p in result.people) > 0.4


@pytest.mark.parametrize("model", MOVENET_MODELS)
def test_empty_room_has_nobody(engine_factory: EngineFactory, model: str) -> None:
    assert engine_factory(model).estimate(_image("background.jpg")).people == ()


@pytest.mark.parametrize("model", ["movenet_multipose_fp16", "posenet_mobilenet_v1_075_fp16"])
def test_two_people_in_doorbell_view(engine_factory: EngineFactory, model: str) -> None:
    people = (
        engine_factory(model)
        .estimate(require(NEGATIVES / "edge_person2-face1.jpg").read_bytes())
        .people
    )
    assert len(people) >= 2
    assert people[0].box.iou(people[1].box) < 0.3


@pytest.mark.parametrize("model", MOVENET_MODELS)
def test_lying_person_is_not_upright(engine_factory: EngineFactory, model: str) -> None:
    """fall_img_2 shows the person on the floor: the torso is far from vertical."""
    (person, *_) = engine_factory(model).estimate(_image("fall_img_2.png")).people
    (sx, sy, _), (hx, hy, _) = person.keypoint("left_shoulder"), person.keypoint("left_hip")
    standing = engine_factory(model).estimate(_image("fall_img_1.png")).people[0]
    (tx, ty, _), (ux, uy, _) = standing.keypoint("left_shoulder"), standing.keypoint("left_hip")
    # torso direction turned away from vertical between the two frames
    before = np.degrees(np.arctan2(abs(ux - tx), abs(uy - ty)))
    after = np.degrees(np.arctan2(abs(hx - sx), abs(hy - sy)))
    assert after - before > 30


def test_one_engine_shared_by_threads_gives_sequential_results(
    engine_factory: EngineFactory,
) -> None:
    engine = engine_factory("movenet_lightning_int8")
    images = [_image(n) for n in ("fall_img_1.png", "fall_img_2.png", "fall_img_4.png")] * 4
    sequential = [engine.estimate(i).people[0].keypoints for i in images]
    with ThreadPoolExecutor(4) as pool:
        parallel = [r.people[0].keypoints for r in pool.map(engine.estimate, images)]
    for a, b in zip(sequential, parallel, strict=True):
        np.testing.assert_array_equal(a, b)
