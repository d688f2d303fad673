"""The Fall event entity: fall_detected, fall_confirmed, fall_dismissed, person_on_floor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import callback

from .const import EVENT_TYPES
from .entity import FallDetectionEntity

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import CameraCoordinator
    from .data import FallDetectionConfigEntry

PARALLEL_UPDATES = 0

DESCRIPTION = EventEntityDescription(
    key="fall_event", translation_key="fall", event_types=list(EVENT_TYPES)
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: FallDetectionConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the event entity of every camera."""
    for subentry_id, coordinator in entry.runtime_data.cameras.items():
        async_add_entities([FallEventEntity(coordinator)], config_subentry_id=subentry_id)


class FallEventEntity(FallDetectionEntity, EventEntity):
    """Fires for each detection, confirmation and dismissal of a fall, and for a long lie."""

    entity_description = DESCRIPTION

    def __init__(self, coordinator: CameraCoordinator) -> None:
        """Describe the entity."""
        super().__init__(coordinator, DESCRIPTION.key)

    @callback
    def _handle_coordinator_update(self) -> None:
        for detection in self.coordinator.state.new_detections:
            self._trigger_event(detection.event_type, detection.as_event_data())
        super()._handle_coordinator_update()
