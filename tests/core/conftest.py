"""Fixtures for engine tests: real models from ../shared/models, loaded once."""

from __future__ import annotations

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
def checker(catalog: Catalog, engine_factory: Callable[[str], PoseEngine]) -> PoseEngine:
    """The catalog's checker model (``detector.second``), loaded once like every model."""
    assert catalog.checker is not None
    return engine_factory(catalog.checker)
