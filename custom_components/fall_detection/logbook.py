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

from .const import DOMAIN, EVENT_FALL_DETECTED, EVENT_PERSON_ON_FLOOR

if TYPE_CHECKING:
    from collections.abc import Callable


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe falls and long lies on their sensors.

    A fall reads "<camera> detected a fall (confidence 87%)", a long lie "<camera> sees
    someone who has been on the floor for a while".
    """

    def entry(event: Event, message: str) -> dict[str, str]:
        camera = str(event.data.get("camera_entity_id", ""))
        state = hass.states.get(camera)
        name = state.name if state is not None else camera
        described = {LOGBOOK_ENTRY_NAME: name, LOGBOOK_ENTRY_MESSAGE: message}
        if entity_id := event.data.get(ATTR_ENTITY_ID):
            described[LOGBOOK_ENTRY_ENTITY_ID] = str(entity_id)
        return described

    @callback
    def describe_fall(event: Event) -> dict[str, str]:
        confidence = float(event.data.get("confidence", 0.0))
        return entry(event, f"detected a fall (confidence {confidence:.0%})")

    @callback
    def describe_on_floor(event: Event) -> dict[str, str]:
        return entry(event, "sees someone who has been on the floor for a while")

    async_describe_event(DOMAIN, EVENT_FALL_DETECTED, describe_fall)
    async_describe_event(DOMAIN, EVENT_PERSON_ON_FLOOR, describe_on_floor)
