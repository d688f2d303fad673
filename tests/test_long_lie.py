"""Person on the floor in Home Assistant: the sensor, the event, the logbook, the stored floor.

Real frames (the Ambianic pairs) through the real model. The camera's floor is given as a
stored floor file covering the lower third of the image (what ``FloorModel`` learns from
people walking there; learning it from real clips is tested in tests/core/test_floor.py).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Event, HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.fall_detection.const import DOMAIN, EVENT_PERSON_ON_FLOOR, FLOOR_FOLDER
from custom_components.fall_detection.core.detector.floor import COLUMNS, ROWS, FloorModel
from tests.helpers import (
    CAMERA,
    FrameFile,
    camera_subentry,
    fall_entry,
)

ON_FLOOR = "binary_sensor.living_room_person_on_the_floor"
EVENT = "event.living_room_fall"
SUBENTRY = "01JFLOORCAMERA0000000000AA"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom_components/."""


def _floor_file(hass: HomeAssistant) -> Path:
    return Path(hass.config.path(DOMAIN, FLOOR_FOLDER, f"{SUBENTRY}.json"))


def _store_lower_third_floor(hass: HomeAssistant) -> None:
    floor = FloorModel()
    floor.counts[2 * ROWS // 3 :, :] = 5.0
    path = _floor_file(hass)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(floor.to_dict()))


async def _setup(hass: HomeAssistant, **options: object) -> object:
    entry = fall_entry(camera_subentry(subentry_id=SUBENTRY, long_lie_seconds=10, **options))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float = 2.0) -> None:
    freezer.tick(seconds)
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    for coordinator in entry.runtime_data.cameras.values():
        await coordinator.async_refresh()
    await hass.async_block_till_done()


async def test_person_lying_on_the_floor_turns_the_sensor_on_then_off(
    hass: HomeAssistant, model_dir: Path, frames: FrameFile, freezer: FrozenDateTimeFactory
) -> None:
    _store_lower_third_floor(hass)
    fired = async_capture_events(hass, EVENT_PERSON_ON_FLOOR)
    entry = await _setup(hass)
    assert hass.states.get(ON_FLOOR).state == STATE_OFF
    frames.show("fall_img_12.png")  # lying on the floor
    for _ in range(4):  # 8 s: not yet
        await _tick(hass, freezer)
    assert hass.states.get(ON_FLOOR).state == STATE_OFF
    assert fired == []
    for _ in range(2):
        await _tick(hass, freezer)
    assert hass.states.get(ON_FLOOR).state == STATE_ON
    (event,) = fired
    assert event.data["camera_entity_id"] == CAMERA
    assert event.data["entity_id"] == ON_FLOOR
    assert event.data["reason"] == "long_lie"
    since = dt_util.parse_datetime(event.data["since"])
    assert since is not None
    assert (dt_util.parse_datetime(event.data["timestamp"]) - since).total_seconds() >= 10
    assert hass.states.get(EVENT).attributes["event_type"] == "person_on_floor"
    for _ in range(4):  # still there: reported once
        await _tick(hass, freezer)
    assert len(fired) == 1
    frames.show("fall_img_1.png")  # up again
    await _tick(hass, freezer)
    await _tick(hass, freezer)
    assert hass.states.get(ON_FLOOR).state == STATE_OFF

    from homeassistant.components.logbook.const import LOGBOOK_ENTRY_ENTITY_ID

    from custom_components.fall_detection.logbook import async_describe_events

    described: dict[str, Callable[[Event], dict[str, str]]] = {}
    async_describe_events(hass, lambda _domain, name, fn: described.update({name: fn}))
    assert described[EVENT_PERSON_ON_FLOOR](event)[LOGBOOK_ENTRY_ENTITY_ID] == ON_FLOOR
    await hass.config_entries.async_unload(entry.entry_id)


async def test_no_long_lie_before_the_floor_is_learned(
    hass: HomeAssistant, model_dir: Path, frames: FrameFile, freezer: FrozenDateTimeFactory
) -> None:
    """A new camera knows no floor yet: lying anywhere (a bed?) is not reported."""
    fired = async_capture_events(hass, EVENT_PERSON_ON_FLOOR)
    entry = await _setup(hass)
    frames.show("fall_img_12.png")
    for _ in range(8):
        await _tick(hass, freezer)
    assert fired == []
    assert hass.states.get(ON_FLOOR).state == STATE_OFF
    await hass.config_entries.async_unload(entry.entry_id)


async def test_learned_floor_is_kept_across_a_restart(
    hass: HomeAssistant, model_dir: Path, frames: FrameFile, freezer: FrozenDateTimeFactory
) -> None:
    entry = await _setup(hass)
    for _ in range(3):  # a standing person: their feet are floor
        await _tick(hass, freezer)
    assert not _floor_file(hass).exists()  # saved at most every few minutes ...
    await hass.config_entries.async_unload(entry.entry_id)
    stored = FloorModel.from_dict(json.loads(_floor_file(hass).read_text()))  # ... and at unload
    assert stored.samples == 4  # the frame at setup and three more
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    coordinator = next(iter(entry.runtime_data.cameras.values()))
    # The stored floor, plus the standing person of the frame analysed at setup.
    assert coordinator.pipeline.detector.floor.samples == stored.samples + 1
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe not json",
        b'{"version": 1, "grid": [24, 32], "cells": [[0, 0, NaN]]}',
        json.dumps({"version": 1, "grid": [ROWS, COLUMNS], "cells": [[99, 0, 1]]}).encode(),
        b"[]",
    ],
)
async def test_damaged_floor_store_relearns_and_never_blocks_setup(
    hass: HomeAssistant,
    model_dir: Path,
    frames: FrameFile,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    content: bytes,
) -> None:
    path = _floor_file(hass)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING):
        entry = await _setup(hass)
    assert entry.state is ConfigEntryState.LOADED
    assert "Learned floor of a camera unreadable" in caplog.text
    coordinator = next(iter(entry.runtime_data.cameras.values()))
    assert coordinator.pipeline.detector.floor.samples == 1  # learning again from the first frame
    await hass.config_entries.async_unload(entry.entry_id)
    assert FloorModel.from_dict(json.loads(path.read_text())).samples == 1  # replaced


async def test_floor_of_a_removed_camera_is_deleted_and_nothing_else(
    hass: HomeAssistant, model_dir: Path, frames: FrameFile
) -> None:
    folder = _floor_file(hass).parent
    folder.mkdir(parents=True)
    gone = folder / "01JREMOVEDCAMERA000000000A.json"
    gone.write_text("{}")
    mine = _floor_file(hass)
    _store_lower_third_floor(hass)
    kept = [folder / "notes.txt", folder / "backup.json.old", folder.parent / "my_notes.json"]
    for path in kept:
        path.write_text("user file")
    (folder / ".x.json.123.tmp").write_text("interrupted save")
    entry = await _setup(hass)
    assert not gone.exists()
    assert mine.exists()
    assert all(path.read_text() == "user file" for path in kept)
    assert not (folder / ".x.json.123.tmp").exists()
    await hass.config_entries.async_unload(entry.entry_id)
