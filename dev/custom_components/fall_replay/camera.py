"""A camera that replays a recorded clip, so the fall detector can be watched working.

The clip is decoded once into JPEG frames with the integration's own clip reader.  The loop
is: the first frame held for ``lead_in`` seconds (someone standing), the clip at its own
speed, the last frame held for ``hold`` seconds (someone on the floor), then again.  Which
frame is shown depends on the time since the camera was created, like a live camera.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import voluptuous as vol
from homeassistant.components.camera import PLATFORM_SCHEMA as CAMERA_PLATFORM_SCHEMA
from homeassistant.components.camera import Camera
from homeassistant.const import CONF_NAME
from homeassistant.helpers import config_validation as cv

# scripts/develop links the integration beside this one; its clip reader is reused here
from custom_components.fall_detection.core.video import video_jpegs

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddEntitiesCallback
    from homeassistant.helpers.typing import ConfigType, DiscoveryInfoType

CONF_CLIP = "clip"
CONF_LEAD_IN = "lead_in"
CONF_HOLD = "hold"
SAMPLE_FPS = 10.0

PLATFORM_SCHEMA = CAMERA_PLATFORM_SCHEMA.extend(
    {
        vol.Required(CONF_CLIP): cv.string,
        vol.Optional(CONF_NAME, default="Living room"): cv.string,
        vol.Optional(CONF_LEAD_IN, default=8.0): vol.Coerce(float),
        vol.Optional(CONF_HOLD, default=30.0): vol.Coerce(float),
    }
)


@dataclass(frozen=True)
class Timeline:
    """JPEG frames of the clip and how long each part of the loop lasts."""

    frames: tuple[bytes, ...]
    lead_in: float
    hold: float

    @property
    def clip_seconds(self) -> float:
        """Length of the clip itself."""
        return len(self.frames) / SAMPLE_FPS

    @property
    def period(self) -> float:
        """Length of one loop."""
        return self.lead_in + self.clip_seconds + self.hold

    def frame_at(self, seconds: float) -> bytes:
        """The frame shown ``seconds`` after the start."""
        offset = seconds % self.period - self.lead_in
        index = min(max(int(offset * SAMPLE_FPS), 0), len(self.frames) - 1)
        return self.frames[index]


async def async_setup_platform(
    hass: HomeAssistant,
    config: ConfigType,
    async_add_entities: AddEntitiesCallback,
    discovery_info: DiscoveryInfoType | None = None,  # noqa: ARG001
) -> None:
    """Decode the clip off the event loop and add the camera."""
    path = Path(hass.config.path(config[CONF_CLIP]))
    frames = await hass.async_add_executor_job(video_jpegs, path, SAMPLE_FPS)
    timeline = Timeline(tuple(frames), config[CONF_LEAD_IN], config[CONF_HOLD])
    async_add_entities([ReplayCamera(config[CONF_NAME], path.stem, timeline)])


class ReplayCamera(Camera):
    """Serves the frame of the loop that is due now."""

    _attr_is_streaming = False

    def __init__(self, name: str, clip_id: str, timeline: Timeline) -> None:
        """Start the loop now."""
        super().__init__()
        self._attr_name = name
        self._attr_unique_id = f"fall_replay_{clip_id}"
        self._timeline = timeline
        self._start = time.monotonic()

    async def async_camera_image(
        self,
        width: int | None = None,  # noqa: ARG002
        height: int | None = None,  # noqa: ARG002
    ) -> bytes | None:
        """Return the frame due now."""
        return self._timeline.frame_at(time.monotonic() - self._start)
