"""Each camera's learned floor, kept under ``<config>/fall_detection/floor/``.

The file holds only what ``FloorModel.to_dict`` writes. A missing, unreadable or
damaged file never blocks setup: the camera starts with an empty floor and learns it
again from the people it sees (the damaged file is overwritten at the next save).
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .const import DOMAIN, FLOOR_FOLDER
from .core.detector import FloorError, FloorModel
from .core.learning.dataset import DatasetError, write_atomic
from .core.learning.validate import read_json

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

_LOGGER = logging.getLogger(__name__)
_SAFE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class FloorStore:
    """The floor file of one camera (config subentry)."""

    def __init__(self, hass: HomeAssistant, subentry_id: str) -> None:
        """Name the file after the subentry id (checked: it never leaves the folder)."""
        if not _SAFE.fullmatch(subentry_id):
            raise ValueError(f"unexpected subentry id {subentry_id!r}")
        self.hass = hass
        self.path = Path(hass.config.path(DOMAIN, FLOOR_FOLDER, f"{subentry_id}.json"))

    def load(self) -> FloorModel:
        """The stored floor, or an empty one (blocking: run in an executor)."""
        try:
            return FloorModel.from_dict(read_json(self.path))
        except FileNotFoundError:
            return FloorModel()
        except (DatasetError, FloorError, OSError, ValueError) as err:
            _LOGGER.warning(
                "Learned floor of a camera unreadable (%s: %s); learning it again", self.path, err
            )
            return FloorModel()

    def save(self, data: dict[str, object]) -> None:
        """Write a floor snapshot atomically (blocking: run in an executor)."""
        write_atomic(self.path, json.dumps(data, separators=(",", ":")).encode())

    @staticmethod
    def prune(hass: HomeAssistant, keep: set[str]) -> list[str]:
        """Delete the floors of cameras no longer watched (our ``<id>.json`` files only)."""
        folder = Path(hass.config.path(DOMAIN, FLOOR_FOLDER))
        if not folder.is_dir():
            return []
        removed = []
        for path in folder.iterdir():
            name = path.name
            if name.startswith(".") and name.endswith(".tmp") and path.is_file():
                path.unlink(missing_ok=True)  # an interrupted save
                continue
            stem = name.removesuffix(".json")
            if (
                name.endswith(".json")
                and _SAFE.fullmatch(stem)
                and stem not in keep
                and path.is_file()
                and not path.is_symlink()
            ):
                path.unlink(missing_ok=True)
                removed.append(stem)
        return removed

    async def async_load(self) -> FloorModel:
        """Load in Home Assistant's executor."""
        return await self.hass.async_add_executor_job(self.load)

    async def async_save(self, data: dict[str, object]) -> None:
        """Save in Home Assistant's executor; a failed write is logged, never raised."""
        try:
            await self.hass.async_add_executor_job(self.save, data)
        except OSError as err:
            _LOGGER.warning("Could not save the learned floor to %s: %s", self.path, err)
