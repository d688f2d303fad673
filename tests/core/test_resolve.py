"""Model resolution: order of places, verification, download into the cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from custom_components.fall_detection.core.catalog import Catalog, ModelSpec
from custom_components.fall_detection.core.errors import (
    ModelIntegrityError,
    ModelNotFoundError,
)
from custom_components.fall_detection.core.resolve import ModelResolver, verify_model_file
from tests.paths import MODELS, require


@pytest.fixture
def spec(catalog: Catalog) -> ModelSpec:
    return catalog.get("movenet_lightning_int8")


@pytest.fixture
def good_file(spec: ModelSpec) -> Path:
    return require(MODELS / spec.file)


def _copy(src: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(src, folder / src.name))


def test_order_explicit_then_cache_then_env(
    tmp_path: Path, spec: ModelSpec, good_file: Path
) -> None:
    explicit, cache, env = tmp_path / "explicit", tmp_path / "cache", tmp_path / "env"
    for folder in (explicit, cache, env):
        _copy(good_file, folder)
    resolver = ModelResolver(explicit=explicit, cache_dir=cache, env_dir=env, allow_download=False)
    assert resolver.resolve(spec) == explicit / spec.file
    (explicit / spec.file).unlink()
    assert resolver.resolve(spec) == cache / spec.file
    (cache / spec.file).unlink()
    assert resolver.resolve(spec) == env / spec.file


def test_explicit_file_path(tmp_path: Path, spec: ModelSpec, good_file: Path) -> None:
    copy = _copy(good_file, tmp_path / "x")
    assert ModelResolver(explicit=copy, env_dir=None, allow_download=False).resolve(spec) == copy


def test_env_variable_is_read(monkeypatch: pytest.MonkeyPatch, spec: ModelSpec) -> None:
    monkeypatch.setenv("FALL_DETECTION_MODEL_DIR", str(require(MODELS)))
    resolver = ModelResolver(allow_download=False)
    assert resolver.env_dir == MODELS
    assert resolver.resolve(spec).name == spec.file


def test_wrong_hash_is_skipped_and_named(tmp_path: Path, spec: ModelSpec, good_file: Path) -> None:
    bad = _copy(good_file, tmp_path / "cache")
    data = bytearray(bad.read_bytes())
    data[1000] ^= 0xFF
    bad.write_bytes(bytes(data))
    resolver = ModelResolver(cache_dir=tmp_path / "cache", env_dir=None, allow_download=False)
    with pytest.raises(ModelIntegrityError, match="sha256") as err:
        resolver.resolve(spec)
    assert str(bad) in str(err.value)
    # a good copy further down the list is used instead of the bad one
    resolver.env_dir = good_file.parent
    assert resolver.resolve(spec) == good_file


def test_truncated_file(tmp_path: Path, spec: ModelSpec, good_file: Path) -> None:
    bad = tmp_path / spec.file
    bad.write_bytes(good_file.read_bytes()[: spec.size_bytes // 2])
    with pytest.raises(ModelIntegrityError, match="truncated"):
        verify_model_file(bad, spec)


def test_not_a_tflite_file(tmp_path: Path, spec: ModelSpec) -> None:
    bad = tmp_path / spec.file
    bad.write_bytes(b"<html>not found</html>" * 100)
    with pytest.raises(ModelIntegrityError, match="not a TFLite model"):
        verify_model_file(bad, spec)


def test_missing_everywhere_names_places(tmp_path: Path, spec: ModelSpec) -> None:
    resolver = ModelResolver(cache_dir=tmp_path, env_dir=None, allow_download=False)
    with pytest.raises(ModelNotFoundError, match=str(tmp_path)):
        resolver.resolve(spec)


def test_download_verifies_and_lands_in_cache(
    tmp_path: Path, spec: ModelSpec, good_file: Path
) -> None:
    fetched: list[str] = []

    def serve(url: str, dest: Path) -> None:  # stands in for the network only
        fetched.append(url)
        dest.write_bytes(good_file.read_bytes())

    resolver = ModelResolver(cache_dir=tmp_path / "cache", env_dir=None, downloader=serve)
    path = resolver.resolve(spec)
    assert path == tmp_path / "cache" / spec.file
    assert fetched == [spec.url]
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [spec.file]


def test_download_of_wrong_bytes_leaves_nothing(tmp_path: Path, spec: ModelSpec) -> None:
    def serve(_url: str, dest: Path) -> None:
        dest.write_bytes(b"\0\0\0\0TFL3" + b"\0" * 100)

    resolver = ModelResolver(cache_dir=tmp_path / "cache", env_dir=None, downloader=serve)
    with pytest.raises(ModelIntegrityError):
        resolver.resolve(spec)
    assert list((tmp_path / "cache").iterdir()) == []


def test_download_network_error_is_model_error(tmp_path: Path, spec: ModelSpec) -> None:
    def serve(_url: str, _dest: Path) -> None:
        raise OSError("network unreachable")

    resolver = ModelResolver(cache_dir=tmp_path, env_dir=None, downloader=serve)
    with pytest.raises(ModelNotFoundError, match="network unreachable"):
        resolver.resolve(spec)
