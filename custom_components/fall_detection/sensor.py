"""Diagnostic sensors: inference time, analysed frame rate, people in view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfTime
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo

from .const import DOMAIN
from .core.learning.learner import CLASSIFIER, HEURISTIC
from .entity import FallDetectionEntity

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import CameraCoordinator
    from .data import FallDetectionConfigEntry
    from .learning import LearningManager
    from .state import CameraState

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class FallSensorDescription(SensorEntityDescription):
    """How a sensor reads the camera state."""

    value_fn: Callable[[CameraState], float | int | None]


DESCRIPTIONS: tuple[FallSensorDescription, ...] = (
    FallSensorDescription(
        key="inference_time",
        translation_key="inference_time",
        entity_registry_enabled_default=False,  # changes with every frame: recorder churn
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda state: state.inference_ms,
    ),
    FallSensorDescription(
        key="analysis_rate",
        translation_key="analysis_rate",
        entity_registry_enabled_default=False,  # changes with every frame: recorder churn
        native_unit_of_measurement="fps",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda state: state.analysed_fps,
    ),
    FallSensorDescription(
        key="people",
        translation_key="people",
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda state: state.people,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: FallDetectionConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the diagnostic sensors of every camera, and the learning sensors of the entry."""
    for subentry_id, coordinator in entry.runtime_data.cameras.items():
        async_add_entities(
            [FallSensor(coordinator, d) for d in DESCRIPTIONS], config_subentry_id=subentry_id
        )
    async_add_entities(
        [LearningSensor(entry, d) for d in LEARNING_DESCRIPTIONS], config_subentry_id=None
    )


class FallSensor(FallDetectionEntity, SensorEntity):
    """A diagnostic sensor of one camera."""

    entity_description: FallSensorDescription

    def __init__(self, coordinator: CameraCoordinator, description: FallSensorDescription) -> None:
        """Describe the sensor."""
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> float | int | None:
        """The current value."""
        return self.entity_description.value_fn(self.coordinator.state)


@dataclass(frozen=True, kw_only=True)
class LearningSensorDescription(SensorEntityDescription):
    """How a sensor reads the learning state."""

    value_fn: Callable[[LearningManager], str | float | int | None]
    attributes_fn: Callable[[LearningManager], dict[str, Any]] | None = None


LEARNING_DESCRIPTIONS: tuple[LearningSensorDescription, ...] = (
    LearningSensorDescription(
        key="active_detector",
        translation_key="active_detector",
        device_class=SensorDeviceClass.ENUM,
        options=[HEURISTIC, CLASSIFIER],
        value_fn=lambda learning: learning.active,
    ),
    LearningSensorDescription(
        key="classifier_accuracy",
        translation_key="classifier_accuracy",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda learning: (
            None
            if learning.evaluation.classifier_accuracy is None
            else 100 * learning.evaluation.classifier_accuracy
        ),
        attributes_fn=lambda learning: {
            "heuristic_accuracy": learning.evaluation.heuristic_accuracy,
            "test_samples": learning.evaluation.test_samples,
        },
    ),
    LearningSensorDescription(
        key="labelled_samples",
        translation_key="labelled_samples",
        state_class=SensorStateClass.TOTAL,
        value_fn=lambda learning: len(learning.dataset.samples),
        attributes_fn=lambda learning: learning.dataset.counts(),
    ),
)


class LearningSensor(SensorEntity):
    """What the on-device learning is doing, on the integration's own device."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    entity_description: LearningSensorDescription

    def __init__(
        self, entry: FallDetectionConfigEntry, description: LearningSensorDescription
    ) -> None:
        """Attach to the entry's device."""
        self.entity_description = description
        self._learning = entry.runtime_data.learning
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            name="Fall Detection",
            manufacturer="Fall Detection",
            model="On-device learning",
            entry_type=DeviceEntryType.SERVICE,
        )

    async def async_added_to_hass(self) -> None:
        """Follow the learning state."""
        self.async_on_remove(self._learning.async_add_listener(self.async_write_ha_state))

    @property
    def native_value(self) -> str | float | int | None:
        """The current value."""
        return self.entity_description.value_fn(self._learning)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Counts behind the value."""
        fn = self.entity_description.attributes_fn
        return fn(self._learning) if fn else None
