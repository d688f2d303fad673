"""The Last fall image: the frame of the last fall with the skeletons drawn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.image import ImageEntity, ImageEntityDescription
from homeassistant.core import callback

from .entity import FallDetectionEntity

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import CameraCoordinator
    from .data import FallDetectionConfigEntry

PARALLEL_UPDATES = 0

DESCRIPTION = ImageEntityDescription(key="last_fall", translation_key="last_fall")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FallDetectionConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the image of every camera whose privacy setting allows keeping images."""
    for subentry_id, coordinator in entry.runtime_data.cameras.items():
        if coordinator.keep_images:
            async_add_entities([LastFallImage(hass, coordinator)], config_subentry_id=subentry_id)


class LastFallImage(FallDetectionEntity, ImageEntity):
    """JPEG of the last detected fall."""

    entity_description = DESCRIPTION
    _attr_content_type = "image/jpeg"

    def __init__(self, hass: HomeAssistant, coordinator: CameraCoordinator) -> None:
        """Describe the entity."""
        super().__init__(coordinator, DESCRIPTION.key)
        ImageEntity.__init__(self, hass)
        self._attr_image_last_updated = coordinator.state.last_fall_time

    @property
    def available(self) -> bool:
        """The last fall stays viewable while the camera is unavailable."""
        return True

    @callback
    def _handle_coordinator_update(self) -> None:
        if self.coordinator.state.last_fall_time != self._attr_image_last_updated:
            self._attr_image_last_updated = self.coordinator.state.last_fall_time
            self._cached_image = None
        super()._handle_coordinator_update()

    async def async_image(self) -> bytes | None:
        """Return the JPEG bytes, or None before the first fall."""
        return self.coordinator.state.last_fall_image
