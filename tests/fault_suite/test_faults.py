"""Fault injection in Home Assistant's test harness.

Every fault is visible, recovered from, confined to its camera, and loses no stored label.
The test run ends with a table of the faults tried (see ``tests/conftest.py``).
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
from pathlib import Path

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_UNAVAILABLE
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir

from custom_components.fall_detection.const import DOMAIN
from custom_components.fall_detection.core.catalog import load_catalog
from custom_components.fall_detection.core.learning.dataset import Dataset
from tests.fault_suite.conftest import FRONT, FRONT_FALL, FRONT_PEOPLE, World
from tests.faults import (
    BAD_FRAMES,
    ODD_FRAMES,
    FaultRow,
    bad_frames,
    odd_frames,
    person_jpeg,
)
from tests.helpers import camera_subentry, fall_entry
from tests.paths import MODELS, require

CAMERA_FAULTS = {
    "camera times out": "timeout",
    "camera raises": "raise",
    "camera returns no image": "none",
    "camera returns empty bytes": "empty",
}


@pytest.mark.parametrize("name", list(CAMERA_FAULTS))
async def test_camera_fault(
    world: World, fault: FaultRow, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Entities unavailable, one log line, back-off; recovery when the camera is back."""
    fault.fault, fault.expected = name, "entities unavailable, recovers"
    await world.setup()
    mode = CAMERA_FAULTS[name]
    world.camera.mode = "ok" if mode == "empty" else mode
    if mode == "empty":
        world.camera.payload = b""
    front = world.coordinator(FRONT)
    base = front.update_interval
    caplog.clear()
    await world.tick()
    assert world.hass.states.get(FRONT_FALL).state == STATE_UNAVAILABLE
    fault.other_cameras = await world.healthy_still_analysed()
    await world.tick()  # still failing
    assert front.update_interval == base * 8  # three failed refreshes: 2, 4, then 8 s
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING and FRONT in r.getMessage()]
    assert len(logged) == 1, [r.getMessage() for r in logged]  # one line, not one per frame

    world.camera.mode, world.camera.payload = "ok", person_jpeg()
    await world.tick()
    assert front.update_interval == base
    assert world.hass.states.get(FRONT_FALL).state == STATE_OFF
    assert world.hass.states.get(FRONT_PEOPLE).state == "1"
    assert world.labels_in_memory() == world.ledger.ids
    world.check_no_label_lost(fault)


@pytest.mark.parametrize("name", BAD_FRAMES)
async def test_bad_frame(world: World, fault: FaultRow, name: str) -> None:
    """A frame that cannot be decoded is skipped and counted."""
    fault.fault, fault.expected = name, "frame skipped and counted"
    await world.setup()
    world.camera.payload = bad_frames()[name]
    await world.tick()
    assert world.coordinator(FRONT).state.skipped_frames >= 1
    fault.other_cameras = await world.healthy_still_analysed()
    world.check_no_label_lost(fault)


@pytest.mark.parametrize("name", ODD_FRAMES)
async def test_odd_frame(world: World, fault: FaultRow, name: str) -> None:
    """Tiny, grayscale and CMYK frames are analysed like any other."""
    fault.fault, fault.expected = name, "analysed (people counted)"
    await world.setup()
    world.camera.payload, people = odd_frames()[name]
    await world.tick()
    assert world.coordinator(FRONT).state.skipped_frames == 0
    assert world.hass.states.get(FRONT_PEOPLE).state == str(people)
    fault.other_cameras = await world.healthy_still_analysed()
    world.check_no_label_lost(fault)


def _damage(kind: str, good: bytes) -> bytes | None:
    middle = len(good) // 2
    return {
        "missing": None,
        "truncated": good[:middle],
        "wrong hash": good[:middle] + bytes([good[middle] ^ 0xFF]) + good[middle + 1 :],
        "not a TFLite file": b"<html>not a model</html>".ljust(len(good), b" "),
    }[kind]


@pytest.mark.parametrize("kind", ["missing", "truncated", "wrong hash", "not a TFLite file"])
async def test_model_file_fault(
    world: World,
    fault: FaultRow,
    kind: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bad model file: setup error with a repair issue naming it; nothing else touched."""
    fault.fault, fault.expected = f"model file {kind}", "setup error + repair issue"
    spec = load_catalog().get("movenet_thunder_fp16")  # no download address: never fetched
    folder = tmp_path / "models"
    folder.mkdir()
    damaged = _damage(kind, require(MODELS / spec.file).read_bytes())
    if damaged is not None:
        (folder / spec.file).write_bytes(damaged)
    monkeypatch.setenv("FALL_DETECTION_MODEL_DIR", str(folder))
    world.entry = fall_entry(camera_subentry(FRONT), model="movenet_thunder_fp16")
    world.entry.add_to_hass(world.hass)
    assert not await world.hass.config_entries.async_setup(world.entry.entry_id)
    assert world.entry.state is ConfigEntryState.SETUP_ERROR
    issue_key = "model_not_found" if kind == "missing" else "model_corrupt"
    issue = ir.async_get(world.hass).async_get_issue(DOMAIN, issue_key)
    assert issue is not None
    assert spec.file in issue.translation_placeholders["detail"]
    world.check_no_label_lost(fault)


async def test_edgetpu_absent(world: World, fault: FaultRow) -> None:
    """Edge TPU chosen but not plugged in: retried later, repair issue."""
    fault.fault, fault.expected = "Edge TPU requested, absent", "setup retry + repair issue"
    world.entry = fall_entry(camera_subentry(FRONT), model="movenet_lightning_edgetpu")
    world.entry.add_to_hass(world.hass)
    await world.hass.config_entries.async_setup(world.entry.entry_id)
    assert world.entry.state is ConfigEntryState.SETUP_RETRY
    assert ir.async_get(world.hass).async_get_issue(DOMAIN, "edgetpu_not_found") is not None
    world.check_no_label_lost(fault)


async def test_native_runtime_missing(
    world: World, fault: FaultRow, no_native_runtime: None
) -> None:
    """No LiteRT (as on Alpine): Automatic runs on the portable backend, cameras work."""
    fault.fault, fault.expected = "native runtime missing", "portable backend, cameras work"
    entry = await world.setup()
    assert entry.state is ConfigEntryState.LOADED
    assert type(entry.runtime_data.engine.backend).__name__ == "PortableBackend"
    await world.tick()
    assert world.hass.states.get(FRONT_PEOPLE).state == "1"
    fault.other_cameras = await world.healthy_still_analysed()
    world.check_no_label_lost(fault)


async def test_label_store_unreadable(
    world: World, fault: FaultRow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An I/O error reading the labels: the file is kept aside and imports back whole."""
    fault.fault, fault.expected = "label store unreadable (I/O error)", "kept aside, importable"
    real_read = Path.read_bytes

    def failing(path: Path) -> bytes:
        if path.name == "dataset.json":
            raise OSError(errno.EIO, "Input/output error")
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", failing)
    await world.setup()
    monkeypatch.setattr(Path, "read_bytes", real_read)  # the disk is back
    (aside,) = world.ledger.path.parent.glob("dataset.corrupt-*.json")
    assert world.labels_in_memory() == set()
    fault.other_cameras = await world.healthy_still_analysed()
    await world.hass.services.async_call(
        DOMAIN, "import_dataset", {"filename": aside.name}, blocking=True, return_response=True
    )
    assert world.labels_in_memory() == world.ledger.ids
    world.check_no_label_lost(fault)


async def test_label_store_corrupt_json(world: World, fault: FaultRow) -> None:
    """Damaged JSON: kept aside byte for byte, the integration starts with an empty store."""
    fault.fault, fault.expected = "label store corrupt JSON", "kept aside byte for byte"
    original = world.ledger.path.read_bytes()
    world.ledger.path.write_bytes(original[:-40])  # cut off mid-way
    await world.setup()
    (aside,) = world.ledger.path.parent.glob("dataset.corrupt-*.json")
    assert aside.read_bytes() == original[:-40]
    fault.other_cameras = await world.healthy_still_analysed()
    world.check_no_label_lost(fault, aside)  # every sample's bytes are kept aside


async def test_disk_full_while_saving(
    world: World, fault: FaultRow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC when saving a label: translated error, label kept and saved with the next one."""
    fault.fault, fault.expected = "disk full while saving a label", "error shown, saved later"
    await world.setup()
    world.detections("a", "b")
    real_save = Dataset.save

    def full(self: Dataset, path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Dataset, "save", full)
    with pytest.raises(HomeAssistantError) as err:
        await world.hass.services.async_call(
            DOMAIN, "label", {"verdict": "agree", "detection_id": "a"}, blocking=True
        )
    assert err.value.translation_key == "save_failed"
    monkeypatch.setattr(Dataset, "save", real_save)
    await world.hass.services.async_call(
        DOMAIN, "label", {"verdict": "disagree", "detection_id": "b"}, blocking=True
    )
    world.ledger.ids |= {"a", "b"}
    assert world.ledger.on_disk() == world.ledger.ids
    fault.other_cameras = await world.healthy_still_analysed()
    world.check_no_label_lost(fault)


async def test_home_assistant_stops_mid_training(
    world: World, fault: FaultRow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Home Assistant stops while the classifier trains: labels stay, training resumes later."""
    fault.fault, fault.expected = "Home Assistant stops mid-training", "labels kept, thread ended"
    from custom_components.fall_detection import learning as learning_module

    entry = await world.setup()
    started, release = asyncio.Event(), asyncio.Event()
    loop = world.hass.loop
    real = learning_module._retrain_from_bootstrap

    def slow_training(dataset: Dataset) -> object:
        loop.call_soon_threadsafe(started.set)
        asyncio.run_coroutine_threadsafe(release.wait(), loop).result(timeout=30)
        return real(dataset)

    monkeypatch.setattr(learning_module, "_retrain_from_bootstrap", slow_training)
    training = world.hass.async_create_task(
        world.hass.services.async_call(DOMAIN, "retrain", {}, blocking=True, return_response=True)
    )
    await started.wait()
    stopping = world.hass.async_create_task(world.hass.async_stop())
    await asyncio.sleep(0.1)
    release.set()  # the training in flight finishes; Home Assistant finishes stopping
    await stopping
    (outcome,) = await asyncio.gather(training, return_exceptions=True)
    # The training in flight finished, or the stop cancelled the call: never an error.
    assert not isinstance(outcome, Exception), outcome
    stored = json.loads(world.ledger.path.read_text())
    trained = (world.ledger.path.parent / "classifier.json").exists()
    assert trained or stored["new_since_training"] > 0  # else it is trained at the next start
    assert not entry.runtime_data.inference.executor._threads or all(
        not t.is_alive() for t in entry.runtime_data.inference.executor._threads
    )
    assert world.ledger.on_disk() == world.ledger.ids
    assert not list(world.ledger.path.parent.glob(".*.tmp"))  # atomic writes left no debris
    world.check_no_label_lost(fault)


async def test_camera_entity_removed(world: World, fault: FaultRow) -> None:
    """The watched camera disappears: its entities go unavailable, the others keep working."""
    fault.fault, fault.expected = "camera entity removed while watched", "entities unavailable"
    await world.setup()
    er.async_get(world.hass).async_remove(FRONT)
    await world.camera.async_remove()
    await world.tick()
    assert world.hass.states.get(FRONT_FALL).state == STATE_UNAVAILABLE
    fault.other_cameras = await world.healthy_still_analysed()
    world.check_no_label_lost(fault)


async def test_concurrent_label_calls(world: World, fault: FaultRow) -> None:
    """30 label calls at once on 20 detections: 20 new samples, none lost or duplicated."""
    fault.fault, fault.expected = "30 concurrent label calls", "no loss, no duplicate"
    await world.setup()
    world.detections(*(f"d{i}" for i in range(20)))
    await asyncio.gather(
        *(
            world.hass.services.async_call(
                DOMAIN,
                "label",
                {"verdict": "agree" if i % 3 else "disagree", "detection_id": f"d{i % 20}"},
                blocking=True,
            )
            for i in range(30)
        )
    )
    world.ledger.ids |= {f"d{i}" for i in range(20)}
    assert world.labels_in_memory() == world.ledger.ids
    assert world.ledger.on_disk() == world.ledger.ids
    fault.other_cameras = await world.healthy_still_analysed()
    world.check_no_label_lost(fault)
