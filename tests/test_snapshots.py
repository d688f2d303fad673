"""Snapshots of every entity and of the diagnostics download."""

from __future__ import annotations

from pathlib import Path

import pytest
from homeassistant.components import image as image_component
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import snapshot_platform
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.fall_detection import PLATFORMS
from tests.helpers import FrameFile, add_local_file_camera, camera_subentry, fall_entry

SUBENTRY_ID = "01JCAMERALIVINGROOM0000000"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom_components/."""


@pytest.fixture
def platforms() -> list[Platform]:
    return list(PLATFORMS)


@pytest.fixture
async def entry(
    hass: HomeAssistant,
    model_dir: Path,
    tmp_path: Path,
    platforms: list[Platform],
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr("custom_components.fall_detection.PLATFORMS", platforms)
    # the image entity's access token is random: fix it, as core's image tests do
    # The image entity's access token (``_RND`` in homeassistant.components.image, 2025 and 2026).
    monkeypatch.setattr(image_component._RND, "getrandbits", lambda _bits: 0x1234ABCD)
    frame = FrameFile(tmp_path / "frame.png")
    frame.show("fall_img_1.png")
    await add_local_file_camera(hass, frame.path)
    entry = fall_entry(camera_subentry(subentry_id=SUBENTRY_ID))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize("platforms", [[p] for p in PLATFORMS], ids=lambda p: p[0].value)
async def test_entities(
    hass: HomeAssistant,
    entity_registry_enabled_by_default: None,
    entry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    # measured values (inference time, rate) vary run to run: keep them out of the states
    for entity_id in ("sensor.living_room_inference_time", "sensor.living_room_analysis_rate"):
        if (state := hass.states.get(entity_id)) is not None:
            hass.states.async_set(entity_id, "measured", state.attributes)
    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)


async def test_diagnostics(
    hass: HomeAssistant,
    entry,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
) -> None:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    for camera in diagnostics["cameras"]:
        assert camera["inference_ms"] > 0
    assert diagnostics == snapshot(exclude=props("inference_ms", "analysed_fps"))
    assert "camera.living_room" not in str(diagnostics)
