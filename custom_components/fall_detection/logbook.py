"""Describe Fall Detection's bus events in the logbook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import Event, HomeAssistant, callback

from .const import DOMAIN, EVENT_FALL_DETECTED

if TYPE_CHECKING:
    from collections.abc import Callable


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Show each fall as "<camera> detected a fall (confidence 87%)" on its Fall sensor."""

    @callback
    def describe_fall(event: Event) -> dict[str, str]:
        camera = str(event.data.get("camera_entity_id", ""))
        state = hass.states.get(camera)
        name = state.name if state is not None else camera
        confidence = float(event.data.get("confidence", 0.0))
        entry = {
            LOGBOOK_ENTRY_NAME: name,
            LOGBOOK_ENTRY_MESSAGE: f"detected a fall (confidence {confidence:.0%})",
        }
        if entity_id := event.data.get(ATTR_ENTITY_ID):
            entry[LOGBOOK_ENTRY_ENTITY_ID] = str(entity_id)
        return entry

    async_describe_event(DOMAIN, EVENT_FALL_DETECTED, describe_fall)
