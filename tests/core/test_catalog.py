"""The catalog agrees with the verified shared model list and the files on disk."""

from __future__ import annotations

import json

from custom_components.fall_detection.core.catalog import Catalog, OutputFormat
from custom_components.fall_detection.core.resolve import sha256_of
from tests.paths import MODELS, require


def test_default_is_lightning_int8_with_public_url(catalog: Catalog) -> None:
    default = catalog.get(catalog.default)
    assert default.file == "movenet_single_pose_lightning_ptq.tflite"
    assert default.url is not None
    assert default.url.startswith("https://")


def test_catalog_matches_shared_models_json(catalog: Catalog) -> None:
    shared = json.loads(require(MODELS / "models.json").read_text())
    by_file = {m["file"]: m for m in shared["models"]}
    for spec in catalog.models.values():
        source = by_file[spec.file]
        assert spec.sha256 == source["sha256"]
        assert spec.size_bytes == source["size_bytes"]
        assert [spec.input_height, spec.input_width] == source["input_size"]
        assert spec.license == source["license"]


def test_catalog_files_have_the_listed_bytes(catalog: Catalog) -> None:
    for spec in catalog.models.values():
        path = require(MODELS / spec.file)
        assert path.stat().st_size == spec.size_bytes
        assert sha256_of(path) == spec.sha256, spec.file


def test_every_family_is_covered(catalog: Catalog) -> None:
    formats = {spec.output_format for spec in catalog.cpu_models()}
    assert formats == set(OutputFormat)
    assert [m.name for m in catalog.models.values() if m.edgetpu] == ["movenet_lightning_edgetpu"]


def test_unknown_model_names_the_choices(catalog: Catalog) -> None:
    try:
        catalog.get("nope")
    except KeyError as err:
        assert "movenet_lightning_int8" in str(err)
    else:
        raise AssertionError("expected KeyError")
