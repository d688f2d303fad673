"""The catalog of supported pose models (``catalog.json``, built by ``models/build_catalog.py``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

CATALOG_PATH = Path(__file__).with_name("catalog.json")


class OutputFormat(StrEnum):
    """How a model's outputs are decoded."""

    MOVENET_SINGLEPOSE = "movenet_singlepose"
    MOVENET_MULTIPOSE = "movenet_multipose"
    POSENET = "posenet"
    POSENET_CORAL_RAW = "posenet_coral_raw"


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """One model file and everything needed to run and decode it."""

    name: str
    title: str
    file: str
    family: str
    output_format: OutputFormat
    sha256: str
    size_bytes: int
    input_width: int
    input_height: int
    dtype: str
    outputs: dict[str, str]
    license: str
    keypoint_count: int = 17
    url: str | None = None
    edgetpu: bool = False
    input_mean: float | None = None
    input_std: float | None = None
    output_stride: int = 16
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def multi_person(self) -> bool:
        """Whether the model can find more than one person."""
        return self.output_format is not OutputFormat.MOVENET_SINGLEPOSE


_FIELDS = set(ModelSpec.__dataclass_fields__) - {"extra"}


def _spec(raw: dict[str, Any]) -> ModelSpec:
    known = {k: v for k, v in raw.items() if k in _FIELDS}
    known["output_format"] = OutputFormat(known["output_format"])
    return ModelSpec(**known, extra={k: v for k, v in raw.items() if k not in _FIELDS})


@dataclass(frozen=True, slots=True)
class Catalog:
    """All models, by name, the default one, and the checker (``core.detector.second``)."""

    models: dict[str, ModelSpec]
    default: str
    checker: str | None = None
    """A more accurate single-pose model that reads a person again before a fall seen in one
    frame is raised; used when its file is found (it has no download address)."""

    def get(self, name: str) -> ModelSpec:
        """Return a model by name; ``KeyError`` names the choices."""
        try:
            return self.models[name]
        except KeyError:
            raise KeyError(f"Unknown model {name!r}; known: {', '.join(self.models)}") from None

    def cpu_models(self) -> list[ModelSpec]:
        """Models that run without an Edge TPU."""
        return [m for m in self.models.values() if not m.edgetpu]


@cache
def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    """Read the catalog (cached)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    models = {m["name"]: _spec(m) for m in raw["models"]}
    return Catalog(models, raw["default"], raw.get("checker"))
