"""Fall, Person on the floor, Person and Monitoring binary sensors."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import callback
from homeassistant.helpers.event import async_track_time_interval

from .entity import FallDetectionEntity

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import CameraCoordinator
    from .data import FallDetectionConfigEntry
    from .state import CameraState

PARALLEL_UPDATES = 0
CHECK_SECONDS = 10


@dataclass(frozen=True, kw_only=True)
class FallBinarySensorDescription(BinarySensorEntityDescription):
    """How a binary sensor reads the camera state."""

    is_on_fn: Callable[[CameraState], bool]


DESCRIPTIONS: tuple[FallBinarySensorDescription, ...] = (
    FallBinarySensorDescription(
        key="fall",
        translation_key="fall",
        device_class=BinarySensorDeviceClass.SAFETY,
        is_on_fn=lambda state: state.fall_active,
    ),
    FallBinarySensorDescription(
        key="person_on_floor",
        translation_key="person_on_floor",
        device_class=BinarySensorDeviceClass.SAFETY,
        is_on_fn=lambda state: state.person_on_floor,
    ),
    FallBinarySensorDescription(
        key="person",
        translation_key="person",
        device_class=BinarySensorDeviceClass.OCCUPANCY,
        is_on_fn=lambda state: state.people > 0,
    ),
)


class MonitoringProblemSensor(FallDetectionEntity, BinarySensorEntity):
    """On when no frame of this camera could be analysed for a while: monitoring has stopped.

    It stays available while the camera fails (that is when it matters) and
    re-checks on its own timer, since a failing camera produces no updates.
    """

    _attr_device_class = BinarySensorDeviceClass.PROBLEM
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_translation_key = "monitoring"

    def __init__(self, coordinator: CameraCoordinator) -> None:
        """Describe the sensor."""
        super().__init__(coordinator, "monitoring")

    async def async_added_to_hass(self) -> None:
        """Re-check every few seconds."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_track_time_interval(self.hass, self._tick, timedelta(seconds=CHECK_SECONDS))
        )

    @callback
    def _tick(self, _now: datetime) -> None:
        self.async_write_ha_state()

    @property
    def available(self) -> bool:
        """Always: it reports the camera's failure."""
        return True

    @property
    def is_on(self) -> bool:
        """Whether monitoring has stopped."""
        return self.coordinator.monitoring_stopped(time.monotonic())


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: FallDetectionConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of every camera."""
    for subentry_id, coordinator in entry.runtime_data.cameras.items():
        async_add_entities(
            [
                *(FallBinarySensor(coordinator, d) for d in DESCRIPTIONS),
                MonitoringProblemSensor(coordinator),
            ],
            config_subentry_id=subentry_id,
        )


class FallBinarySensor(FallDetectionEntity, BinarySensorEntity):
    """A binary sensor of one camera."""

    entity_description: FallBinarySensorDescription

    def __init__(
        self, coordinator: CameraCoordinator, description: FallBinarySensorDescription
    ) -> None:
        """Describe the sensor."""
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    def is_on(self) -> bool:
        """Whether the condition holds."""
        return self.entity_description.is_on_fn(self.coordinator.state)
