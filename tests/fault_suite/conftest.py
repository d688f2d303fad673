"""The world every fault is injected into: Home Assistant with a faulty and a healthy camera."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    setup_test_component_platform,
)

from custom_components.fall_detection import coordinator as coordinator_module
from custom_components.fall_detection.const import DOMAIN
from tests.faults import FAULT_TABLE, FaultRow, FaultyCamera, LabelLedger
from tests.helpers import CAMERA, FrameFile, add_local_file_camera, camera_subentry, fall_entry
from tests.labels import write_dataset

FRONT = "camera.front_door"
FRONT_FALL = "binary_sensor.front_door_fall"
FRONT_PEOPLE = "sensor.front_door_people_in_view"
HEALTHY_PERSON = "binary_sensor.living_room_person"
SEEDED_LABELS = 12
EXPECTED_SETUP_ERROR = "Error setting up entry Fall Detection"  # the model faults' log line
ESCAPE_MARKERS = ("Error doing job", "Task exception", "Unexpected error", "Traceback")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom_components/."""


@pytest.fixture
def fault(request: pytest.FixtureRequest) -> Iterator[FaultRow]:
    """A row of the fault table; survived when the test passed."""
    row = FaultRow(fault="", expected="")
    yield row
    report = getattr(request.node, "report_call", None)
    row.survived = bool(report is not None and report.passed)
    FAULT_TABLE.append(row)


@dataclass
class World:
    """Home Assistant with a faulty camera, a healthy camera and 12 stored labels."""

    hass: HomeAssistant
    camera: FaultyCamera
    healthy: FrameFile
    ledger: LabelLedger
    entry: MockConfigEntry | None = None

    async def setup(self) -> MockConfigEntry:
        """Add the Fall Detection entry watching both cameras."""
        self.entry = fall_entry(camera_subentry(FRONT), camera_subentry(CAMERA))
        self.entry.add_to_hass(self.hass)
        await self.hass.config_entries.async_setup(self.entry.entry_id)
        await self.hass.async_block_till_done()
        return self.entry

    async def tick(self) -> None:
        """Every camera loop runs once now (real clock: a hung camera really times out)."""
        assert self.entry is not None
        await asyncio.gather(*(c.async_refresh() for c in self.entry.runtime_data.cameras.values()))
        await self.hass.async_block_till_done()

    def coordinator(self, camera: str) -> coordinator_module.CameraCoordinator:
        """The loop of one camera."""
        assert self.entry is not None
        return next(
            c for c in self.entry.runtime_data.cameras.values() if c.camera_entity_id == camera
        )

    async def healthy_still_analysed(self) -> str:
        """The other camera analyses its next frame: 'kept working' for the table."""
        before = self.coordinator(CAMERA).last_analysed
        await self.tick()
        assert self.coordinator(CAMERA).last_analysed != before
        assert self.hass.states.get(HEALTHY_PERSON).state == STATE_ON
        return "kept working"

    def check_no_label_lost(self, fault: FaultRow, *kept_aside: Path) -> None:
        """Record the labels lost for the table, and fail the row unless it is none.

        Every label of the ledger is on disk once (no duplicate), in memory, or in a file kept
        aside byte for byte.
        """
        fault.labels_lost = self.ledger.lost(*kept_aside)
        assert fault.labels_lost == 0
        assert self.ledger.duplicates() == 0
        if self.entry is not None and self.entry.state is ConfigEntryState.LOADED:
            assert self.ledger.ids <= self.labels_in_memory() | self.ledger.kept(*kept_aside)

    def detections(self, *ids: str) -> None:
        """Detections of the faulty camera waiting for a label (its last seconds of keypoints)."""
        assert self.entry is not None
        sequence = self.coordinator(FRONT).recent_sequence()
        for detection_id in ids:
            self.entry.runtime_data.learning.register_detection(detection_id, FRONT, sequence, None)

    def labels_in_memory(self) -> set[str]:
        """Sample ids the running integration holds."""
        assert self.entry is not None
        return set(self.entry.runtime_data.learning.dataset.samples)


@pytest.fixture
async def world(
    hass: HomeAssistant,
    model_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[World]:
    """The Home Assistant every fault is injected into."""
    hass.config.config_dir = str(tmp_path / "config")
    dataset = tmp_path / "config" / DOMAIN / "dataset.json"
    write_dataset(dataset, SEEDED_LABELS, prefix="seed")
    ledger = LabelLedger(dataset, {f"seed{i}" for i in range(SEEDED_LABELS)})
    monkeypatch.setattr(coordinator_module, "CAMERA_TIMEOUT", 0.2)  # a hung camera, quickly

    camera = FaultyCamera()
    setup_test_component_platform(hass, "camera", [camera])
    assert await async_setup_component(hass, "camera", {"camera": {"platform": "test"}})
    healthy = FrameFile(tmp_path / "living_room.png")
    healthy.show("fall_img_1.png")
    await add_local_file_camera(hass, healthy.path)
    world = World(hass, camera, healthy, ledger)
    yield world
    if world.entry is not None and world.entry.state is ConfigEntryState.LOADED:
        await hass.config_entries.async_unload(world.entry.entry_id)


@pytest.fixture(autouse=True)
def nothing_escapes(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """No exception reaches Home Assistant's own error handlers."""
    caplog.set_level(logging.INFO)
    yield
    escaped = [
        r.getMessage()
        for r in caplog.get_records("call")
        if (r.exc_info or any(m in r.getMessage() for m in ESCAPE_MARKERS))
        and not r.getMessage().startswith(EXPECTED_SETUP_ERROR)
    ]
    assert not escaped, escaped
