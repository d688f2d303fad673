"""Base entity: one device per camera subentry."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import CameraCoordinator


class FallDetectionEntity(CoordinatorEntity[CameraCoordinator]):
    """An entity of one watched camera."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: CameraCoordinator, key: str) -> None:
        """Attach to the camera's device; the unique id comes from the subentry."""
        super().__init__(coordinator)
        subentry = coordinator.subentry
        self._attr_unique_id = f"{subentry.subentry_id}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, subentry.subentry_id)},
            name=subentry.title,
            manufacturer="Fall Detection",
            model=coordinator.pipeline.engine.spec.title,
        )
