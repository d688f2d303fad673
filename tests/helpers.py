"""Home Assistant test helpers: a real local_file camera serving fixture frames."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.fall_detection.const import (
    CONF_ACTIVE_SECONDS,
    CONF_BACKEND,
    CONF_CAMERA,
    CONF_FPS,
    CONF_KEEP_IMAGES,
    CONF_MODEL,
    CONF_PROBLEM_SECONDS,
    CONF_ROTATION,
    CONF_THRESHOLD,
    DOMAIN,
    SUBENTRY_CAMERA,
)
from tests.paths import PAIRS, require

CAMERA = "camera.living_room"


class FrameFile:
    """The file a local_file camera serves; ``show`` swaps in a fixture frame."""

    def __init__(self, path: Path) -> None:
        """Remember where the camera reads from."""
        self.path = path

    def show(self, name: str) -> None:
        """Serve ``pairs/images/<name>`` from now on."""
        shutil.copyfile(require(PAIRS / "images" / name), self.path)


async def add_local_file_camera(hass: HomeAssistant, path: Path, name: str = "Living room") -> str:
    """Set up a real local_file camera entity reading ``path``."""
    entry = MockConfigEntry(
        domain="local_file", title=name, options={"name": name, "file_path": str(path)}
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return f"camera.{name.lower().replace(' ', '_')}"


async def standing_camera(hass: HomeAssistant, folder: Path) -> FrameFile:
    """A real local_file camera (camera.living_room) showing a person standing, feet seen."""
    frame = FrameFile(folder / "frame.png")
    frame.show("fall_img_1.png")
    await add_local_file_camera(hass, frame.path)
    return frame


def camera_subentry(
    camera: str = CAMERA, subentry_id: str | None = None, **overrides: Any
) -> ConfigSubentryData:
    """Subentry data as the camera subentry flow creates it."""
    data = {
        CONF_CAMERA: camera,
        CONF_FPS: 1.0,
        CONF_THRESHOLD: 0.5,
        CONF_ACTIVE_SECONDS: 120,
        CONF_ROTATION: "0",
        CONF_KEEP_IMAGES: True,
        CONF_PROBLEM_SECONDS: 120,
    } | overrides
    subentry = ConfigSubentryData(
        data=data,
        subentry_type=SUBENTRY_CAMERA,
        title=camera.split(".", 1)[1].replace("_", " ").capitalize(),
        unique_id=camera,
    )
    if subentry_id is not None:  # a fixed id, as when loaded from storage (for snapshots)
        subentry["subentry_id"] = subentry_id  # type: ignore[typeddict-unknown-key]
    return subentry


def fall_entry(
    *subentries: ConfigSubentryData,
    model: str = "movenet_lightning_int8",
    options: dict[str, Any] | None = None,
) -> MockConfigEntry:
    """Return the integration's config entry as the config flow creates it."""
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id="01JFALLDETECTIONENTRY00000",
        title="Fall Detection",
        data={CONF_BACKEND: "auto", CONF_MODEL: model},
        options=options or {},
        subentries_data=list(subentries),
    )
