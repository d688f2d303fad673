"""End to end in Home Assistant: a real local_file camera, real frames, the real model."""

from __future__ import annotations

import asyncio
import io
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState, ConfigSubentry
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from PIL import Image
from pytest_homeassistant_custom_component.common import (
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.fall_detection.const import (
    DOMAIN,
    EVENT_FALL_DETECTED,
    IDLE_INTERVAL_SECONDS,
)
from tests.helpers import (
    CAMERA,
    FrameFile,
    add_local_file_camera,
    camera_subentry,
    fall_entry,
)

FALL = "binary_sensor.living_room_fall"
PERSON = "binary_sensor.living_room_person"
EVENT = "event.living_room_fall"
IMAGE = "image.living_room_last_fall"
PEOPLE = "sensor.living_room_people_in_view"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom_components/."""


@pytest.fixture
async def hall(hass: HomeAssistant, tmp_path: Path) -> FrameFile:
    """A second real camera, camera.hall, showing a standing person."""
    other = FrameFile(tmp_path / "other.png")
    other.show("fall_img_1.png")
    await add_local_file_camera(hass, other.path, "Hall")
    return other


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float = 2.0) -> None:
    """Let time pass and run the camera loop once."""
    freezer.tick(seconds)
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    for coordinator in entry.runtime_data.cameras.values():
        await coordinator.async_refresh()
    await hass.async_block_till_done()


async def _setup(hass: HomeAssistant, *subentries) -> object:
    entry = fall_entry(*subentries)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_standing_then_fall_turns_fall_on(
    hass: HomeAssistant,
    model_dir: Path,
    frames: FrameFile,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    fired = async_capture_events(hass, EVENT_FALL_DETECTED)
    entry = await _setup(hass, camera_subentry())
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(PERSON).state == STATE_ON
    assert hass.states.get(FALL).state == STATE_OFF
    assert hass.states.get(PEOPLE).state == "1"

    frames.show("fall_img_2.png")
    await _tick(hass, freezer)

    assert hass.states.get(FALL).state == STATE_ON
    (event,) = fired
    assert event.data["camera_entity_id"] == CAMERA
    assert event.data["confidence"] >= 0.5
    assert event.data["image_entity_id"] == IMAGE
    assert event.data["entity_id"] == FALL
    assert event.data["detection_id"]
    state = hass.states.get(EVENT)
    assert state.attributes["event_type"] == "fall_detected"
    assert state.attributes["detection_id"] == event.data["detection_id"]

    client = await hass_client()
    response = await client.get(hass.states.get(IMAGE).attributes["entity_picture"])
    assert response.status == 200
    assert response.content_type == "image/jpeg"
    jpeg = await response.read()
    image = Image.open(io.BytesIO(jpeg)).convert("RGB")
    assert image.size == (640, 480)
    pixels = image.load()
    reds = sum(
        1
        for x in range(0, 640, 2)
        for y in range(0, 480, 2)
        if pixels[x, y][0] > 200 and pixels[x, y][1] < 80 and pixels[x, y][2] < 80
    )
    assert reds > 50  # the skeleton of the fallen person is drawn in red

    await hass.config_entries.async_unload(entry.entry_id)


async def test_empty_scene_keeps_fall_off(
    hass: HomeAssistant, model_dir: Path, frames: FrameFile, freezer: FrozenDateTimeFactory
) -> None:
    fired = async_capture_events(hass, EVENT_FALL_DETECTED)
    frames.show("background.jpg")
    entry = await _setup(hass, camera_subentry())
    for _ in range(3):
        await _tick(hass, freezer)
    assert hass.states.get(FALL).state == STATE_OFF
    assert hass.states.get(PERSON).state == STATE_OFF
    assert hass.states.get(IMAGE).state == "unknown"
    assert fired == []
    await hass.config_entries.async_unload(entry.entry_id)


async def test_fall_dismissed_when_person_gets_up(
    hass: HomeAssistant, model_dir: Path, frames: FrameFile, freezer: FrozenDateTimeFactory
) -> None:
    entry = await _setup(hass, camera_subentry())
    frames.show("fall_img_2.png")
    await _tick(hass, freezer)
    assert hass.states.get(FALL).state == STATE_ON
    detection = hass.states.get(EVENT).attributes["detection_id"]
    frames.show("fall_img_1.png")
    await _tick(hass, freezer)
    assert hass.states.get(FALL).state == STATE_OFF
    assert hass.states.get(EVENT).attributes["event_type"] == "fall_dismissed"
    assert hass.states.get(EVENT).attributes["detection_id"] == detection
    await hass.config_entries.async_unload(entry.entry_id)


async def test_privacy_option_keeps_no_image(
    hass: HomeAssistant, model_dir: Path, frames: FrameFile, freezer: FrozenDateTimeFactory
) -> None:
    entry = await _setup(hass, camera_subentry(keep_images=False))
    frames.show("fall_img_2.png")
    await _tick(hass, freezer)
    assert hass.states.get(FALL).state == STATE_ON
    assert hass.states.get(IMAGE) is None
    assert entry.runtime_data.cameras[next(iter(entry.subentries))].state.last_fall_image is None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_camera_failure_marks_unavailable_then_recovers(
    hass: HomeAssistant,
    model_dir: Path,
    frames: FrameFile,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    entry = await _setup(hass, camera_subentry())
    coordinator = next(iter(entry.runtime_data.cameras.values()))
    frames.path.unlink()  # the camera now fails to read its file
    await _tick(hass, freezer)
    await _tick(hass, freezer)
    assert hass.states.get(FALL).state == STATE_UNAVAILABLE
    assert hass.states.get(PERSON).state == STATE_UNAVAILABLE
    assert coordinator.update_interval.total_seconds() > 1  # backing off
    assert caplog.text.count("Could not get an image from camera.living_room") == 1
    frames.show("fall_img_1.png")
    await _tick(hass, freezer)
    assert hass.states.get(PERSON).state == STATE_ON
    assert coordinator.update_interval.total_seconds() == 1
    assert "recovered" in caplog.text
    await hass.config_entries.async_unload(entry.entry_id)


async def test_bad_frame_is_skipped_and_counted(
    hass: HomeAssistant, model_dir: Path, frames: FrameFile, freezer: FrozenDateTimeFactory
) -> None:
    entry = await _setup(hass, camera_subentry())
    coordinator = next(iter(entry.runtime_data.cameras.values()))
    frames.path.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    await _tick(hass, freezer)
    assert coordinator.state.skipped_frames == 1
    assert hass.states.get(FALL).state == STATE_UNAVAILABLE
    frames.show("fall_img_1.png")
    await _tick(hass, freezer)
    assert hass.states.get(PERSON).state == STATE_ON
    await hass.config_entries.async_unload(entry.entry_id)


async def test_other_cameras_unaffected_by_a_failing_one(
    hass: HomeAssistant,
    model_dir: Path,
    frames: FrameFile,
    freezer: FrozenDateTimeFactory,
    hall: FrameFile,
) -> None:
    entry = await _setup(hass, camera_subentry(), camera_subentry("camera.hall"))
    hall.path.unlink()
    await _tick(hass, freezer)
    assert hass.states.get("binary_sensor.hall_person").state == STATE_UNAVAILABLE
    assert hass.states.get(PERSON).state == STATE_ON
    await hass.config_entries.async_unload(entry.entry_id)


async def test_device_per_camera_and_unique_ids(
    hass: HomeAssistant, model_dir: Path, frames: FrameFile
) -> None:
    entry = await _setup(hass, camera_subentry())
    subentry_id = next(iter(entry.subentries))
    # async_get_device is deprecated from 2026.10 on; this look-up exists in every version.
    (device,) = [
        d
        for d in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
        if (DOMAIN, subentry_id) in d.identifiers
    ]
    assert device.name == "Living room"
    entities = er.async_entries_for_device(
        er.async_get(hass), device.id, include_disabled_entities=True
    )
    assert {e.unique_id for e in entities} == {
        f"{subentry_id}_{key}"
        for key in (
            "fall",
            "person_on_floor",
            "person",
            "fall_event",
            "last_fall",
            "inference_time",
            "analysis_rate",
            "people",
            "monitoring",
        )
    }
    assert all(e.config_subentry_id == subentry_id for e in entities)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_unload_stops_everything(
    hass: HomeAssistant, model_dir: Path, frames: FrameFile
) -> None:
    entry = await _setup(hass, camera_subentry())
    executor = entry.runtime_data.inference.executor
    assert any(t.name.startswith(f"{DOMAIN}_inference") for t in threading.enumerate())
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert executor._shutdown
    assert not any(t.name.startswith(f"{DOMAIN}_inference") for t in threading.enumerate())
    assert hass.states.get(FALL).state == STATE_UNAVAILABLE


async def test_adding_a_camera_takes_effect_without_restart(
    hass: HomeAssistant, model_dir: Path, frames: FrameFile, hall: FrameFile
) -> None:
    entry = await _setup(hass, camera_subentry())
    assert hass.states.get("binary_sensor.hall_person") is None
    hass.config_entries.async_add_subentry(
        entry,
        ConfigSubentry(
            data=camera_subentry("camera.hall").get("data"),
            subentry_type="camera",
            title="Hall",
            unique_id="camera.hall",
        ),
    )
    await hass.async_block_till_done()
    assert hass.states.get("binary_sensor.hall_person").state == STATE_ON
    await hass.config_entries.async_unload(entry.entry_id)


async def test_missing_model_raises_repair_issue(
    hass: HomeAssistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FALL_DETECTION_MODEL_DIR", str(tmp_path))  # no models there
    entry = fall_entry(model="movenet_thunder_fp16")  # no download URL
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    issue = ir.async_get(hass).async_get_issue(DOMAIN, "model_not_found")
    assert issue is not None
    assert "movenet_singlepose_thunder_256_fp16.tflite" in issue.translation_placeholders["detail"]


async def test_edgetpu_absent_retries_and_raises_repair_issue(
    hass: HomeAssistant, model_dir: Path
) -> None:
    entry = fall_entry(model="movenet_lightning_edgetpu")
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert ir.async_get(hass).async_get_issue(DOMAIN, "edgetpu_not_found") is not None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_inference_runs_off_the_event_loop(
    hass: HomeAssistant, model_dir: Path, frames: FrameFile, freezer: FrozenDateTimeFactory
) -> None:
    """While a (deliberately slow) analysis runs, the loop keeps serving other work."""
    entry = await _setup(hass, camera_subentry())
    coordinator = next(iter(entry.runtime_data.cameras.values()))
    loop_thread = threading.get_ident()
    analysis_threads: list[int] = []
    real_process = coordinator.pipeline.process

    def slow_process(image: bytes, timestamp: float):
        analysis_threads.append(threading.get_ident())
        time.sleep(0.5)
        return real_process(image, timestamp)

    coordinator.pipeline.process = slow_process  # type: ignore[method-assign]
    ticks = 0

    async def heartbeat() -> None:
        nonlocal ticks
        while True:  # timers are frozen by the freezer: yield to the loop instead
            await asyncio.sleep(0)
            ticks += 1

    beat = asyncio.ensure_future(heartbeat())
    freezer.tick(2)
    await coordinator.async_refresh()
    beat.cancel()
    assert analysis_threads
    assert loop_thread not in analysis_threads
    assert ticks >= 100  # the loop kept running during the 0.5 s analysis
    await hass.config_entries.async_unload(entry.entry_id)


async def test_monitoring_problem_when_no_frame_is_analysed(
    hass: HomeAssistant, model_dir: Path, frames: FrameFile, freezer: FrozenDateTimeFactory
) -> None:
    """The camera keeps failing: after problem_after_seconds the problem sensor turns on."""
    entry = await _setup(hass, camera_subentry(problem_after_seconds=60))
    problem = "binary_sensor.living_room_monitoring"
    assert hass.states.get(problem).state == STATE_OFF
    frames.path.unlink()
    for _ in range(4):  # 4 x 20 s of failures
        freezer.tick(20)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    assert hass.states.get(FALL).state == STATE_UNAVAILABLE
    assert hass.states.get(problem).state == STATE_ON  # available, and on
    frames.show("fall_img_1.png")
    await _tick(hass, freezer)  # the camera works again
    freezer.tick(10)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(PERSON).state == STATE_ON
    assert hass.states.get(problem).state == STATE_OFF
    await hass.config_entries.async_unload(entry.entry_id)


async def test_camera_entity_removed_while_watched(
    hass: HomeAssistant,
    model_dir: Path,
    frames: FrameFile,
    freezer: FrozenDateTimeFactory,
    hall: FrameFile,
) -> None:
    entry = await _setup(hass, camera_subentry(), camera_subentry("camera.hall"))
    hall = next(e for e in hass.config_entries.async_entries("local_file") if e.title == "Hall")
    assert await hass.config_entries.async_remove(hall.entry_id)
    await hass.async_block_till_done()
    await _tick(hass, freezer)
    assert hass.states.get("binary_sensor.hall_person").state == STATE_UNAVAILABLE
    assert hass.states.get(PERSON).state == STATE_ON  # the other camera keeps working
    await hass.config_entries.async_unload(entry.entry_id)


async def test_logbook_describes_a_fall_on_its_fall_sensor(
    hass: HomeAssistant, model_dir: Path, freezer: FrozenDateTimeFactory, frames: FrameFile
) -> None:
    """The logbook shows the bus event as '<camera> detected a fall' linked to the Fall sensor."""
    from homeassistant.components.logbook.const import (
        LOGBOOK_ENTRY_ENTITY_ID,
        LOGBOOK_ENTRY_MESSAGE,
        LOGBOOK_ENTRY_NAME,
    )

    from custom_components.fall_detection.logbook import async_describe_events

    fired = async_capture_events(hass, EVENT_FALL_DETECTED)
    frames.show("fall_img_1.png")
    await _setup(hass, camera_subentry())
    frames.show("fall_img_2.png")
    await _tick(hass, freezer)
    (event,) = fired

    described: dict[str, tuple[str, Callable[[Event], dict[str, str]]]] = {}
    async_describe_events(hass, lambda domain, name, fn: described.update({name: (domain, fn)}))
    domain, describe = described[EVENT_FALL_DETECTED]
    entry = describe(event)

    assert domain == DOMAIN
    assert entry[LOGBOOK_ENTRY_NAME] == "Living room"
    assert entry[LOGBOOK_ENTRY_ENTITY_ID] == FALL
    assert entry[LOGBOOK_ENTRY_MESSAGE] == (
        f"detected a fall (confidence {event.data['confidence']:.0%})"
    )


async def test_rate_lowered_while_nobody_is_in_view(
    hass: HomeAssistant, model_dir: Path, frames: FrameFile, freezer: FrozenDateTimeFactory
) -> None:
    """An empty room is analysed every 3 s after 30 s; a person brings the full rate back."""
    frames.show("background.jpg")
    entry = await _setup(hass, camera_subentry())
    coordinator = next(iter(entry.runtime_data.cameras.values()))
    assert coordinator.update_interval == timedelta(seconds=1)
    for _ in range(16):  # 32 s of an empty room
        await _tick(hass, freezer)
    assert coordinator.update_interval == timedelta(seconds=IDLE_INTERVAL_SECONDS)
    frames.show("fall_img_1.png")
    await _tick(hass, freezer)
    assert hass.states.get(PERSON).state == STATE_ON
    assert coordinator.update_interval == timedelta(seconds=1)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_per_frame_diagnostics_disabled_by_default(
    hass: HomeAssistant, model_dir: Path, frames: FrameFile
) -> None:
    """Sensors that change with every frame would fill the recorder: off until enabled."""
    entry = await _setup(hass, camera_subentry())
    registry = er.async_get(hass)
    for entity_id in ("sensor.living_room_inference_time", "sensor.living_room_analysis_rate"):
        assert registry.async_get(entity_id).disabled_by is er.RegistryEntryDisabler.INTEGRATION
        assert hass.states.get(entity_id) is None
    assert hass.states.get(PEOPLE).state == "1"
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(("bursts", "expected"), [(True, 0.2), (False, 1.0), (None, 0.2)])
async def test_bursts_look_faster_after_a_fast_drop(
    hass: HomeAssistant,
    model_dir: Path,
    frames: FrameFile,
    freezer: FrozenDateTimeFactory,
    bursts: bool | None,
    expected: float,
) -> None:
    """With "Look faster when someone goes down", a fall-like drop brings 5 fps for a moment.

    ``None``: a camera stored without the option (added before it existed): on by default.
    """
    entry = await _setup(hass, camera_subentry(**({} if bursts is None else {"bursts": bursts})))
    coordinator = next(iter(entry.runtime_data.cameras.values()))
    assert coordinator.update_interval == timedelta(seconds=1)
    frames.show("fall_img_2.png")
    await _tick(hass, freezer, 1.0)
    assert coordinator.update_interval == timedelta(seconds=expected)
    for _ in range(6):  # 1.2 s later the burst is over
        await _tick(hass, freezer, coordinator.update_interval.total_seconds())
    assert coordinator.update_interval == timedelta(seconds=1)
    await hass.config_entries.async_unload(entry.entry_id)
