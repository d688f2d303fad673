"""Fall and Person binary sensors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)

from .entity import FallDetectionEntity

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import CameraCoordinator, CameraState
    from .data import FallDetectionConfigEntry

PARALLEL_UPDATES = 0


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
        key="person",
        translation_key="person",
        device_class=BinarySensorDeviceClass.OCCUPANCY,
        is_on_fn=lambda state: state.people > 0,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: FallDetectionConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of every camera."""
    for subentry_id, coordinator in entry.runtime_data.cameras.items():
        async_add_entities(
            [FallBinarySensor(coordinator, d) for d in DESCRIPTIONS],
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
