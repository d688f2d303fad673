"""Fixtures for engine tests: real models from ../shared/models, loaded once."""

from __future__ import annotations

import builtins
import sys
from collections.abc import Callable, Iterator

import pytest

from custom_components.fall_detection.core.catalog import Catalog, load_catalog
from custom_components.fall_detection.core.engine import PoseEngine
from tests.paths import MODELS, require


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def engine_factory(catalog: Catalog) -> Iterator[Callable[[str], PoseEngine]]:
    """Load each model once per session on the native runtime."""
    cache: dict[str, PoseEngine] = {}

    def get(name: str) -> PoseEngine:
        if name not in cache:
            spec = catalog.get(name)
            cache[name] = PoseEngine.load(spec, require(MODELS / spec.file))
        return cache[name]

    yield get
    for engine in cache.values():
        engine.close()


@pytest.fixture
def no_native_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ai-edge-litert, tflite-runtime and tensorflow unimportable (as on Alpine)."""
    real_import = builtins.__import__

    def blocked(name: str, *args: object, **kwargs: object) -> object:
        if name.split(".")[0] in {"ai_edge_litert", "tflite_runtime", "tensorflow"}:
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    for mod in [m for m in sys.modules if m.startswith(("ai_edge_litert", "tflite_runtime"))]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setattr(builtins, "__import__", blocked)
