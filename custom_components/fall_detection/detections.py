"""A camera's fall events as Home Assistant sees them: detections with ids, and bus events.

A fall keeps one detection id from ``fall_detected`` through ``person_on_floor`` to its
dismissal, so a label or an automation can follow it. The bus events carry the camera's
sensor and last-fall image entity ids, which link them to the device in automations and
the logbook.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from homeassistant.util.ulid import ulid_now

from .const import DOMAIN
from .core.detector import FallEvent, FallEventType
from .state import Detection

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant


class CameraDetections:
    """Turns one camera's ``FallEvent``s into ``Detection``s and fires their events."""

    def __init__(self, hass: HomeAssistant, camera_entity_id: str, subentry_id: str) -> None:
        """For the camera of the subentry ``subentry_id``."""
        self.hass = hass
        self.camera_entity_id = camera_entity_id
        self.subentry_id = subentry_id
        self._open: dict[tuple[int, float], str] = {}  # (track, fall time) -> detection id

    def detection(self, event: FallEvent) -> Detection:
        """The detection of ``event``: a new id for a fall, the fall's id for what follows."""
        key = (event.track_id, event.fall_timestamp)
        if event.type is FallEventType.DETECTED:
            self._open[key] = ulid_now()
        detection_id = self._open.get(key) or ulid_now()
        if event.type is FallEventType.DISMISSED:
            self._open.pop(key, None)
        now = dt_util.utcnow()
        since = None
        if event.type is FallEventType.ON_FLOOR:
            since = now - timedelta(seconds=max(0.0, event.timestamp - event.fall_timestamp))
        return Detection(
            detection_id=detection_id,
            event_type=event.type.value,
            camera_entity_id=self.camera_entity_id,
            track_id=event.track_id,
            confidence=event.confidence,
            leaning_angle=event.leaning_angle,
            reason=event.reason,
            time=now,
            since=since,
        )

    def fire(self, detection: Detection, event: str, sensor: str) -> None:
        """Fire ``event`` on the bus, linked to the camera's binary sensor ``sensor``."""
        registry = er.async_get(self.hass)
        prefix = self.subentry_id
        self.hass.bus.async_fire(
            event,
            detection.as_event_data()
            | {
                # The camera's sensor (Fall, Person on the floor): automations and the
                # logbook link the event to it.
                ATTR_ENTITY_ID: registry.async_get_entity_id(
                    "binary_sensor", DOMAIN, f"{prefix}_{sensor}"
                ),
                "image_entity_id": registry.async_get_entity_id(
                    "image", DOMAIN, f"{prefix}_last_fall"
                ),
            },
        )
