"""Runtime data of a Fall Detection config entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from .coordinator import CameraCoordinator
    from .core.engine import PoseEngine
    from .inference import InferenceThread
    from .learning import LearningManager


@dataclass(slots=True)
class FallDetectionData:
    """The loaded model, its executor and one coordinator per camera subentry."""

    engine: PoseEngine
    inference: InferenceThread
    learning: LearningManager
    cameras: dict[str, CameraCoordinator] = field(default_factory=dict)
    checker: PoseEngine | None = None
    """The model that reads a person again before a fall is raised (``load_checker``)."""


type FallDetectionConfigEntry = ConfigEntry[FallDetectionData]
