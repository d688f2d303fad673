"""The blueprints (Agree/Disagree, on the floor), run by Home Assistant's automation engine."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.fall_detection.const import DOMAIN, FLOOR_FOLDER
from custom_components.fall_detection.core.detector.floor import ROWS, FloorModel
from tests.helpers import CAMERA, FrameFile, add_local_file_camera, camera_subentry, fall_entry

BLUEPRINT = Path(__file__).resolve().parent.parent / "blueprints" / "automation" / "fall_detection"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom_components/."""


async def _caregiver_automation(
    hass: HomeAssistant, blueprint: str, frame: FrameFile, subentry: ConfigSubentryData
) -> tuple[list[ServiceCall], MockConfigEntry]:
    """A camera showing ``frame``, Fall Detection watching it, an automation from ``blueprint``.

    The automation notifies a stand-in for the caregiver's phone; returns the calls it got.
    """
    target = Path(hass.config.path("blueprints", "automation", "fall_detection"))
    target.mkdir(parents=True)
    shutil.copy(BLUEPRINT / blueprint, target)
    sent: list[ServiceCall] = []

    async def phone(call: ServiceCall) -> None:  # stands in for the caregiver's phone
        sent.append(call)

    hass.services.async_register("notify", "caregiver_phone", phone)
    await add_local_file_camera(hass, frame.path)
    entry = fall_entry(subentry)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "use_blueprint": {
                    "path": f"fall_detection/{blueprint}",
                    "input": {"notify_action": "notify.caregiver_phone", "cameras": [CAMERA]},
                }
            }
        },
    )
    await hass.async_block_till_done()
    return sent, entry


async def _yield_until(done: Callable[[], bool], turns: int) -> bool:
    """Let the event loop run up to ``turns`` times, until ``done()``; whether it is."""
    for _ in range(turns):
        if done():
            return True
        await asyncio.sleep(0)
    return done()


@pytest.mark.parametrize(("answer", "fall"), [("AGREE", True), ("DISAGREE", False)])
async def test_caregiver_answer_labels_the_detection(
    hass: HomeAssistant,
    model_dir: Path,
    tmp_path: Path,
    answer: str,
    fall: bool,
) -> None:
    hass.config.config_dir = str(tmp_path / "config")
    frame = FrameFile(tmp_path / "frame.png")
    frame.show("fall_img_1.png")
    sent, entry = await _caregiver_automation(
        hass, "notify_agree_disagree.yaml", frame, camera_subentry()
    )

    frame.show("fall_img_2.png")
    # Real time: the detector compares frames >= 1 s apart. Keep analysing as the camera
    # would: the frame that first shows the fall may fall in a burst (the camera's own
    # refresh can land just under 1 s), which then needs a second frame to agree.
    coordinator = next(iter(entry.runtime_data.cameras.values()))
    await asyncio.sleep(1.1)
    for _ in range(10):
        await coordinator.async_refresh()
        # The automation now waits for the answer: let it run up to its wait, without
        # block_till_done (which would wait for the answer too).
        if await _yield_until(lambda: bool(sent), 200):
            break
        await asyncio.sleep(0.3)
    for _ in range(50):  # let the run reach its wait_for_trigger
        await asyncio.sleep(0)

    (notification,) = sent
    buttons = notification.data["data"]["actions"]
    assert [b["title"] for b in buttons] == ["Agree: it is a fall", "Disagree: no fall"]
    detection = notification.data["data"]["tag"]
    assert notification.data["data"]["image"] == "/api/image_proxy/image.living_room_last_fall"

    hass.bus.async_fire("mobile_app_notification_action", {"action": f"FALL_{answer}_{detection}"})
    await hass.async_block_till_done()
    sample = entry.runtime_data.learning.dataset.samples[detection]
    assert sample.fall is fall
    await hass.config_entries.async_unload(entry.entry_id)


async def test_person_on_floor_blueprint_notifies(
    hass: HomeAssistant, model_dir: Path, tmp_path: Path, freezer: FrozenDateTimeFactory
) -> None:
    """A long lie (real frames, a stored floor) reaches the caregiver through the blueprint."""
    hass.config.config_dir = str(tmp_path / "config")
    floor = FloorModel()
    floor.counts[2 * ROWS // 3 :, :] = 5.0  # the lower third of the image is floor
    stored = Path(hass.config.path(DOMAIN, FLOOR_FOLDER, "01JFLOORCAMERA0000000000AA.json"))
    stored.parent.mkdir(parents=True)
    stored.write_text(json.dumps(floor.to_dict()))
    frame = FrameFile(tmp_path / "frame.png")
    frame.show("fall_img_12.png")  # someone lying on the floor
    subentry = camera_subentry(subentry_id="01JFLOORCAMERA0000000000AA", long_lie_seconds=10)
    sent, entry = await _caregiver_automation(hass, "notify_person_on_floor.yaml", frame, subentry)
    coordinator = next(iter(entry.runtime_data.cameras.values()))
    for _ in range(6):
        freezer.tick(2)
        await coordinator.async_refresh()
        await hass.async_block_till_done()
    (notification,) = sent
    assert notification.data["title"] == "Someone is on the floor"
    assert "Living room has seen someone lying on the floor since" in notification.data["message"]
    assert notification.data["data"]["priority"] == "high"
    await hass.config_entries.async_unload(entry.entry_id)
