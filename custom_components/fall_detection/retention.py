"""Retention of labelled detections: old thumbnails and samples are deleted once a day."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.helpers.event import async_track_time_interval

from .const import (
    CONF_IMAGE_RETENTION,
    CONF_SAMPLE_RETENTION,
    DEFAULT_IMAGE_RETENTION,
    DEFAULT_SAMPLE_RETENTION,
)

if TYPE_CHECKING:
    from datetime import datetime

    from homeassistant.core import HomeAssistant

    from .data import FallDetectionConfigEntry
    from .learning import LearningManager

_LOGGER = logging.getLogger(__name__)
INTERVAL = timedelta(days=1)


async def async_setup_retention(
    hass: HomeAssistant, entry: FallDetectionConfigEntry, learning: LearningManager
) -> None:
    """Apply the retention settings now and every day until the entry unloads."""
    image_days = int(entry.options.get(CONF_IMAGE_RETENTION, DEFAULT_IMAGE_RETENTION))
    sample_days = int(entry.options.get(CONF_SAMPLE_RETENTION, DEFAULT_SAMPLE_RETENTION))

    async def expire(_now: datetime | None = None) -> None:
        try:
            images, samples = await learning.async_expire(image_days, sample_days)
        except OSError as err:  # disk trouble: retry tomorrow, never break setup
            _LOGGER.warning("Fall Detection retention could not update the dataset: %s", err)
            return
        if images or samples:
            _LOGGER.info(
                "Fall Detection retention: deleted %s thumbnails and %s samples", images, samples
            )

    await expire()
    entry.async_on_unload(async_track_time_interval(hass, expire, INTERVAL))
