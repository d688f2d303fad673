"""Diagnostic sensors: inference time, analysed frame rate, people in view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfTime

from .entity import FallDetectionEntity

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import CameraCoordinator, CameraState
    from .data import FallDetectionConfigEntry

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class FallSensorDescription(SensorEntityDescription):
    """How a sensor reads the camera state."""

    value_fn: Callable[[CameraState], float | int | None]


DESCRIPTIONS: tuple[FallSensorDescription, ...] = (
    FallSensorDescription(
        key="inference_time",
        translation_key="inference_time",
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
    """Add the diagnostic sensors of every camera."""
    for subentry_id, coordinator in entry.runtime_data.cameras.items():
        async_add_entities(
            [FallSensor(coordinator, d) for d in DESCRIPTIONS], config_subentry_id=subentry_id
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
