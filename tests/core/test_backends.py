"""Backend selection and the errors users see when hardware or runtimes are missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from custom_components.fall_detection.core.backends import BackendKind, load_backend
from custom_components.fall_detection.core.backends.litert import import_runtime
from custom_components.fall_detection.core.catalog import Catalog
from custom_components.fall_detection.core.errors import (
    BackendUnavailableError,
    EdgeTPUNotFoundError,
    ModelError,
)
from tests.paths import MODELS, require


def test_edgetpu_absent_is_a_clear_error(catalog: Catalog) -> None:
    spec = catalog.get("movenet_lightning_edgetpu")
    with pytest.raises(EdgeTPUNotFoundError, match="Edge TPU not found"):
        load_backend(BackendKind.EDGETPU, spec, require(MODELS / spec.file), edgetpu_device="usb")


def test_auto_with_edgetpu_model_tries_the_tpu(catalog: Catalog) -> None:
    spec = catalog.get("movenet_lightning_edgetpu")
    with pytest.raises(EdgeTPUNotFoundError):
        load_backend(BackendKind.AUTO, spec, require(MODELS / spec.file))


def test_edgetpu_model_refused_on_cpu(catalog: Catalog) -> None:
    spec = catalog.get("movenet_lightning_edgetpu")
    with pytest.raises(ModelError, match="only runs on a Coral Edge TPU"):
        load_backend(BackendKind.LITERT, spec, require(MODELS / spec.file))


def test_cpu_model_refused_on_edgetpu(catalog: Catalog) -> None:
    spec = catalog.get("movenet_lightning_int8")
    with pytest.raises(ModelError, match="not compiled for the Edge TPU"):
        load_backend(BackendKind.EDGETPU, spec, require(MODELS / spec.file))


def test_not_a_model_file_is_a_model_error(catalog: Catalog, tmp_path: Path) -> None:
    spec = catalog.get("movenet_lightning_int8")
    bogus = tmp_path / "bogus.tflite"
    bogus.write_bytes(b"\0\0\0\0TFL3" + b"\0" * 64)
    with pytest.raises(ModelError, match="bogus.tflite"):
        load_backend(BackendKind.LITERT, spec, bogus)


def test_no_native_runtime_is_reported(no_native_runtime: None) -> None:
    with pytest.raises(BackendUnavailableError, match="No native TFLite runtime"):
        import_runtime()


def test_runtime_found() -> None:
    assert hasattr(import_runtime(), "Interpreter")
