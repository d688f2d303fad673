"""The checker model in Home Assistant: loaded when its file is found, optional otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant

from custom_components.fall_detection.const import DOMAIN
from custom_components.fall_detection.core.catalog import load_catalog
from custom_components.fall_detection.diagnostics import async_get_config_entry_diagnostics
from tests.helpers import (
    FrameFile,
    camera_subentry,
    fall_entry,
)

FALL = "binary_sensor.living_room_fall"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom_components/."""


async def _fall_seen(hass: HomeAssistant, frames: FrameFile, freezer: FrozenDateTimeFactory) -> str:
    """Set up one camera, show the fall, and return the fall sensor's state."""
    entry = fall_entry(camera_subentry())
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(FALL).state == STATE_OFF
    frames.show("fall_img_2.png")
    freezer.tick(2.0)
    for coordinator in entry.runtime_data.cameras.values():
        await coordinator.async_refresh()
    await hass.async_block_till_done()
    return hass.states.get(FALL).state


async def test_the_checker_is_loaded_and_used_when_its_file_is_found(
    hass: HomeAssistant, model_dir: Path, frames: FrameFile, freezer: FrozenDateTimeFactory
) -> None:
    assert await _fall_seen(hass, frames, freezer) == STATE_ON
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    checker = entry.runtime_data.checker
    assert checker is not None
    assert checker.spec.name == load_catalog().checker
    for coordinator in entry.runtime_data.cameras.values():
        assert coordinator.pipeline.checker is checker
    await hass.config_entries.async_unload(entry.entry_id)


async def test_without_the_checker_file_setup_and_detection_go_on(
    hass: HomeAssistant,
    tmp_path: Path,
    model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    frames: FrameFile,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Only the configured model's file: no checker, nothing fails, the fall is still seen."""
    only = tmp_path / "only_the_default"
    only.mkdir()
    default = load_catalog().get(load_catalog().default)
    (only / default.file).symlink_to(model_dir / default.file)
    monkeypatch.setenv("FALL_DETECTION_MODEL_DIR", str(only))
    assert await _fall_seen(hass, frames, freezer) == STATE_ON
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert entry.runtime_data.checker is None
    assert not (Path(hass.config.config_dir) / DOMAIN / "models").exists()  # nothing fetched
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["checker"] is None
    await hass.config_entries.async_unload(entry.entry_id)
