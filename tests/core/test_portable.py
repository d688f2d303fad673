"""The portable numpy backend against LiteRT, on every CPU model and real images."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from custom_components.fall_detection.core.backends import BackendKind, load_backend
from custom_components.fall_detection.core.backends.portable import PortableBackend
from custom_components.fall_detection.core.catalog import Catalog, load_catalog
from custom_components.fall_detection.core.engine import PoseEngine
from custom_components.fall_detection.core.errors import ModelError
from custom_components.fall_detection.core.golden import match, read_reference
from tests.core.models import EngineFactory
from tests.paths import MODELS, PAIRS, REFERENCE, require

CPU_MODELS = [m.name for m in load_catalog().cpu_models()]
IMAGES = [
    REFERENCE / "squat.bmp",
    REFERENCE / "posenet_test_image.bmp",
    *sorted((PAIRS / "images").glob("*") if (PAIRS / "images").exists() else []),
]


@pytest.fixture(scope="module")
def portable_engines(catalog: Catalog) -> dict[str, PoseEngine]:
    return {
        name: PoseEngine(
            catalog.get(name), PortableBackend(require(MODELS / catalog.get(name).file))
        )
        for name in CPU_MODELS
    }


@pytest.mark.parametrize("model", CPU_MODELS)
def test_same_people_and_keypoints_as_litert(
    engine_factory: EngineFactory, portable_engines: dict[str, PoseEngine], model: str
) -> None:
    """Every keypoint scoring > 0.3 within 0.01 (normalised) of LiteRT, same number of people."""
    native, portable = engine_factory(model), portable_engines[model]
    assert IMAGES
    for image in IMAGES:
        data = require(image).read_bytes()
        a, b = native.estimate(data), portable.estimate(data)
        assert len(a.people) == len(b.people), image.name
        size = np.array([a.image_width, a.image_height], np.float32)
        for pa, pb in zip(a.people, b.people, strict=True):
            confident = pa.keypoints[:, 2] > 0.3
            err = np.abs(pa.keypoints[confident, :2] - pb.keypoints[confident, :2]) / size
            assert err.max(initial=0) <= 0.01, (image.name, err.max())
            assert abs(pa.score - pb.score) < 0.01


def test_unimplemented_operator_named_at_load(catalog: Catalog) -> None:
    spec = catalog.get("movenet_lightning_edgetpu")
    with pytest.raises(ModelError, match="edgetpu-custom-op"):
        PortableBackend(require(MODELS / spec.file))


def test_not_a_model(tmp_path: Path) -> None:
    bogus = tmp_path / "x.tflite"
    bogus.write_bytes(b"\0\0\0\0TFL3" + b"\xff" * 50)
    with pytest.raises(ModelError, match=r"x\.tflite"):
        PortableBackend(bogus)


def test_outputs_are_named_like_litert(engine_factory: EngineFactory, catalog: Catalog) -> None:
    for name in CPU_MODELS:
        spec = catalog.get(name)
        portable = PortableBackend(require(MODELS / spec.file))
        assert {o.name for o in portable.outputs} == {
            o.name for o in engine_factory(name).backend.outputs
        }
        assert portable.input.shape == engine_factory(name).backend.input.shape


def test_engine_without_native_runtime_passes_golden_checks(
    no_native_runtime: None, catalog: Catalog
) -> None:
    """With ai-edge-litert and friends unimportable, ``auto`` runs the portable backend."""
    lightning = catalog.get("movenet_lightning_int8")
    backend = load_backend(BackendKind.AUTO, lightning, require(MODELS / lightning.file))
    assert backend.kind is BackendKind.PORTABLE
    squat = require(REFERENCE / "squat.bmp").read_bytes()
    result = PoseEngine(lightning, backend).estimate(squat)
    (err,) = match(
        result,
        read_reference(require(REFERENCE / "movenet_single_pose_lightning_ptq_reference.csv")),
    )
    assert err.max() <= 0.025
    assert err.mean() <= 0.015

    thunder = catalog.get("movenet_thunder_fp16")
    backend = load_backend(BackendKind.AUTO, thunder, require(MODELS / thunder.file))
    result = PoseEngine(thunder, backend).estimate(squat)
    (err,) = match(
        result, read_reference(require(REFERENCE / "movenet_single_pose_thunder_ptq_reference.csv"))
    )
    assert err.max() <= 0.022

    posenet = catalog.get("posenet_mobilenet_v1_075_fp16")
    backend = load_backend(BackendKind.AUTO, posenet, require(MODELS / posenet.file))
    two = require(REFERENCE / "posenet_test_image.bmp").read_bytes()
    result = PoseEngine(posenet, backend).estimate(two)
    assert len(result.people) == 2
    refs = read_reference(
        require(REFERENCE / "posenet_mobilenet_v1_075_481_641_16_quant_decoder_reference.csv")
    )
    for err in match(result, refs):
        assert err.max() <= 0.02
