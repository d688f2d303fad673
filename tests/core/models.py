"""What the engine tests share: how they ask for a model, and the default model's name."""

from __future__ import annotations

from collections.abc import Callable

from custom_components.fall_detection.core.engine import PoseEngine

EngineFactory = Callable[[str], PoseEngine]
"""The ``engine_factory`` fixture (``conftest``): a loaded model by catalog name, loaded once."""
LIGHTNING = "movenet_lightning_int8"
"""The catalog's default model."""
