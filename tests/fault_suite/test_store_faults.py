"""Hostile or damaged label stores and imports, odd settings and frames, non-admin callers.

Each test is a row of the fault table: it asserts what the row's name claims, that nothing
escapes to Home Assistant's handlers (the suite's autouse fixture), and that no label is lost.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import threading
import time
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Context
from homeassistant.exceptions import ServiceValidationError, Unauthorized
from homeassistant.helpers import issue_registry as ir
from PIL import Image
from pytest_homeassistant_custom_component.common import (
    MockUser,
    async_capture_events,
)

from custom_components.fall_detection import coordinator as coordinator_module
from custom_components.fall_detection.const import DOMAIN
from custom_components.fall_detection.core.learning.dataset import Dataset
from custom_components.fall_detection.learning import ISSUE_DATASET
from tests.fault_suite.conftest import FRONT, FRONT_PEOPLE, World
from tests.faults import FaultRow, pair_jpeg, person_jpeg
from tests.labels import write_dataset
from tests.paths import PAIRS, require

PERSON_PNG = PAIRS / "images" / "fall_img_1.png"
FRONT_EVENT = "event.front_door_fall"


def _stored(world: World) -> dict[str, Any]:
    return json.loads(world.ledger.path.read_text())


def _nested(depth: int) -> bytes:
    return b'{"schema": 1, "samples": ' + b"[" * depth + b"]" * depth + b"}"


async def _call(world: World, service: str, context: Context | None = None, **data: Any) -> Any:
    return await world.hass.services.async_call(
        DOMAIN,
        service,
        data,
        blocking=True,
        context=context,
        return_response=service != "delete_dataset",
    )


def _damage_store(world: World, kind: str) -> None:
    path = world.ledger.path
    data = _stored(world)
    if kind == "invalid UTF-8 byte":
        text = path.read_bytes()
        cut = text.index(b'"camera"')
        path.write_bytes(text[:cut] + b'"note": "\xff\xfe", ' + text[cut:])
        return
    if kind == "deeply nested JSON":
        path.write_bytes(_nested(100_000))
        return
    if kind == "samples is a number":
        data["samples"] = 5
    elif kind == "labelled_total is text":
        data["labelled_total"] = "abc"
    elif kind == "labelled_total is null":
        data["labelled_total"] = None
    elif kind == "thumbnail is a number":
        data["samples"][0]["thumbnail"] = 123
    path.write_text(json.dumps(data))


STORE_DAMAGE = [
    "invalid UTF-8 byte",
    "samples is a number",
    "labelled_total is text",
    "labelled_total is null",
    "deeply nested JSON",
    "thumbnail is a number",
]
RECOVERABLE = {"invalid UTF-8 byte", "labelled_total is text", "labelled_total is null"}


@pytest.mark.parametrize("kind", STORE_DAMAGE)
async def test_damaged_store(world: World, fault: FaultRow, kind: str) -> None:
    """Setup succeeds, the file is kept aside byte for byte, a repair issue says how to import."""
    fault.fault, fault.expected = f"label store: {kind}", "loads, kept aside, repair issue"
    _damage_store(world, kind)
    damaged = world.ledger.path.read_bytes()
    entry = await world.setup()
    assert entry.state is ConfigEntryState.LOADED
    (aside,) = world.ledger.path.parent.glob("dataset.corrupt-*.json")
    assert aside.read_bytes() == damaged
    issue = ir.async_get(world.hass).async_get_issue(DOMAIN, ISSUE_DATASET)
    assert issue is not None
    assert issue.translation_placeholders["filename"] == aside.name
    await world.tick()
    assert world.hass.states.get(FRONT_PEOPLE).state == "1"
    fault.other_cameras = await world.healthy_still_analysed()
    if kind in RECOVERABLE:  # the samples are intact: importing the kept file brings all back
        response = await _call(world, "import_dataset", filename=aside.name)
        assert response["new_samples"] == len(world.ledger.ids)
    elif kind == "thumbnail is a number":  # the bad name is dropped, the sample kept
        response = await _call(world, "import_dataset", filename=aside.name)
        assert response["dropped_thumbnails"] == 1
    else:  # nothing usable in it; the bytes are kept for a person to look at
        world.ledger.ids = set()
    world.check_no_label_lost(fault)


async def test_classifier_file_nested(world: World, fault: FaultRow) -> None:
    """A deeply nested classifier.json: the bootstrap is used, the heuristic decides."""
    fault.fault, fault.expected = "classifier file deeply nested", "bootstrap, heuristic"
    (world.ledger.path.parent / "classifier.json").write_bytes(_nested(100_000))
    entry = await world.setup()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.learning.active == "heuristic"
    assert entry.runtime_data.learning.model.is_finite()
    fault.other_cameras = await world.healthy_still_analysed()
    world.check_no_label_lost(fault)


async def test_classifier_file_nan(world: World, fault: FaultRow) -> None:
    """A classifier.json with NaN weights that claims to be active is never used."""
    fault.fault, fault.expected = "classifier file with NaN weights", "bootstrap, heuristic"
    weights = [math.nan] * 9
    stored = {
        "model": {"mean": [0] * 9, "std": [1] * 9, "weights": weights, "bias": 0.0},
        "evaluation": {
            "classifier_accuracy": 1.0,
            "heuristic_accuracy": 0.5,
            "test_samples": 50,
            "active": "classifier",
        },
    }
    (world.ledger.path.parent / "classifier.json").write_text(json.dumps(stored))
    entry = await world.setup()
    assert entry.runtime_data.learning.active == "heuristic"
    assert entry.runtime_data.learning.scorer() is None
    world.check_no_label_lost(fault)


def _import_file(world: World, name: str, edit: Any) -> str:
    path = world.ledger.path.parent / name
    write_dataset(path, 20, prefix="imp")
    data = json.loads(path.read_text())
    edit(data["samples"])
    path.write_text(json.dumps(data))
    return path.name


async def test_import_nan_keypoints(world: World, fault: FaultRow) -> None:
    """NaN keypoints are dropped at import: the classifier stays finite, falls are still seen."""
    fault.fault, fault.expected = "import: NaN keypoints", "dropped and counted"

    def poison(samples: list[dict[str, Any]]) -> None:
        for sample in samples[:5]:
            sample["sequence"][0][1][5][0] = math.nan

    name = _import_file(world, "nan.json", poison)
    await world.setup()
    response = await _call(world, "import_dataset", filename=name)
    assert response == {"new_samples": 15, "dropped_samples": 5, "dropped_thumbnails": 0}
    await _call(world, "retrain")
    learning = world.entry.runtime_data.learning  # type: ignore[union-attr]
    assert learning.model.is_finite()
    assert all(np.isfinite(s.keypoints()[0][1]).all() for s in learning.dataset.samples.values())
    world.ledger.ids |= {f"imp{i}" for i in range(5, 20)}
    world.check_no_label_lost(fault)


async def test_import_string_booleans(world: World, fault: FaultRow) -> None:
    """A "fall": "false" is not a boolean: the sample is dropped, never stored as a fall."""
    fault.fault, fault.expected = 'import: "fall": "false"', "dropped and counted"

    def stringify(samples: list[dict[str, Any]]) -> None:
        samples[0]["fall"] = "false"

    name = _import_file(world, "strings.json", stringify)
    await world.setup()
    response = await _call(world, "import_dataset", filename=name)
    assert response["dropped_samples"] == 1
    assert "imp0" not in world.labels_in_memory()
    world.ledger.ids |= {f"imp{i}" for i in range(1, 20)}
    world.check_no_label_lost(fault)


async def test_import_thumbnail_traversal(world: World, fault: FaultRow, tmp_path: Path) -> None:
    """Thumbnail names that leave the folder are dropped; retention and delete touch nothing."""
    fault.fault, fault.expected = "import: thumbnail path traversal", "dropped, no file deleted"
    secrets = Path(world.hass.config.path("secrets.yaml"))
    secrets.parent.mkdir(parents=True, exist_ok=True)
    secrets.write_text("password: 1234\n")
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(b"jpeg")
    names = ["../../secrets.yaml", str(outside), "../dataset.json", "imp3.jpg.exe"]

    def traverse(samples: list[dict[str, Any]]) -> None:
        for sample, name in zip(samples, names, strict=False):
            sample["thumbnail"] = name
            sample["created"] = "2020-01-01T00:00:00+00:00"  # old: retention deletes images

    name = _import_file(world, "traversal.json", traverse)
    await world.setup()
    response = await _call(world, "import_dataset", filename=name)
    assert response["dropped_thumbnails"] == len(names)
    learning = world.entry.runtime_data.learning  # type: ignore[union-attr]
    await learning.async_expire(image_days=1, sample_days=0)
    world.ledger.ids |= {f"imp{i}" for i in range(20)}
    world.check_no_label_lost(fault)
    await _call(world, "delete_dataset")
    assert secrets.read_text() == "password: 1234\n"
    assert outside.read_bytes() == b"jpeg"


@pytest.mark.parametrize(
    "filename", ["classifier.json", "dataset.json", "models/x.json", "thumbnails/a.jpg"]
)
async def test_export_over_own_files(world: World, fault: FaultRow, filename: str) -> None:
    """An export never overwrites the integration's own files."""
    fault.fault, fault.expected = f"export over {filename}", "refused, translated"
    await world.setup()
    folder = world.ledger.path.parent
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    with pytest.raises(ServiceValidationError) as err:
        await _call(world, "export_dataset", filename=filename)
    assert err.value.translation_key == "export_not_allowed"
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    world.check_no_label_lost(fault)


async def test_delete_with_folder_in_thumbnails(world: World, fault: FaultRow) -> None:
    """A folder among the thumbnails: delete completes, memory and disk agree, folder kept."""
    fault.fault, fault.expected = "delete with a folder in thumbnails/", "all deleted, folder kept"
    folder = world.ledger.path.parent
    (folder / "thumbnails" / "mine").mkdir(parents=True)
    (folder / "thumbnails" / "seed0.jpg").write_bytes(b"jpeg")
    (folder / ".dataset.json.x1.tmp").write_bytes(b"half")  # an interrupted save
    await world.setup()
    await _call(world, "delete_dataset")
    assert world.labels_in_memory() == set()
    assert not world.ledger.path.exists()
    assert not (folder / "thumbnails" / "seed0.jpg").exists()
    assert not list(folder.glob(".*.tmp"))
    assert (folder / "thumbnails" / "mine").is_dir()
    world.ledger.ids = set()  # deleted on purpose
    world.check_no_label_lost(fault)


async def test_label_during_reload(
    world: World, fault: FaultRow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A label saved (slowly) while the entry reloads is in the reloaded store, not lost."""
    fault.fault, fault.expected = "label while the entry reloads", "saved or refused"
    entry = await world.setup()
    world.detections("r0", "r1", "r2")
    real_save = Dataset.save

    def slow_save(self: Dataset, path: Path) -> None:
        time.sleep(1.5)  # a slow SD card: the reload starts while this label is being saved
        real_save(self, path)

    monkeypatch.setattr(Dataset, "save", slow_save)

    async def label(i: int) -> bool:
        try:
            await _call(world, "label", verdict="agree", detection_id=f"r{i}")
        except ServiceValidationError:
            return False  # refused with a translated error: the caller knows
        return True

    first = world.hass.async_create_task(label(0))
    await asyncio.sleep(0.05)  # the first label is now being written
    results = await asyncio.gather(
        world.hass.config_entries.async_reload(entry.entry_id), first, label(1), label(2)
    )
    await world.hass.async_block_till_done()
    assert results[1] is True
    world.ledger.ids |= {f"r{i}" for i, ok in enumerate(results[1:]) if ok}
    assert world.labels_in_memory() == world.ledger.ids  # the new manager has every label
    world.check_no_label_lost(fault)


@pytest.mark.parametrize(
    "service", ["retrain", "export_dataset", "import_dataset", "delete_dataset"]
)
async def test_non_admin_dataset_service(
    world: World, fault: FaultRow, service: str, hass_read_only_user: MockUser
) -> None:
    """Dataset services need an administrator."""
    fault.fault, fault.expected = f"non-admin calls {service}", "Unauthorized, nothing changed"
    await world.setup()
    before = world.ledger.path.read_bytes()
    with pytest.raises(Unauthorized):
        await _call(world, service, Context(user_id=hass_read_only_user.id))
    assert world.ledger.path.read_bytes() == before
    world.check_no_label_lost(fault)


@cache
def _png(size: tuple[int, int], mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_large_png_frame(world: World, fault: FaultRow) -> None:
    """A 6000x6000 PNG (over the 4K limit for formats decoded whole) is refused and counted."""
    fault.fault, fault.expected = "36 MP PNG frame", "refused before decoding, counted"
    await world.setup()
    world.camera.payload = _png((6000, 6000))
    await world.tick()
    assert world.coordinator(FRONT).state.skipped_frames == 1
    fault.other_cameras = await world.healthy_still_analysed()
    world.check_no_label_lost(fault)


async def test_sixteen_bit_frame(world: World, fault: FaultRow) -> None:
    """A 16-bit grayscale PNG is scaled to 8 bits (not white): the person is found."""
    fault.fault, fault.expected = "16-bit grayscale frame", "analysed, person found"
    with Image.open(require(PERSON_PNG)) as image:
        gray = np.asarray(image.convert("L"), np.uint16) * 257
    buffer = io.BytesIO()
    Image.fromarray(gray).save(buffer, format="PNG")
    await world.setup()
    world.camera.payload = buffer.getvalue()
    await world.tick()
    assert world.coordinator(FRONT).state.skipped_frames == 0
    assert world.hass.states.get(FRONT_PEOPLE).state == "1"
    world.check_no_label_lost(fault)


async def test_exif_rotated_frame(world: World, fault: FaultRow) -> None:
    """A phone-style still stored sideways with EXIF orientation 6 is analysed upright."""
    fault.fault, fault.expected = "EXIF-rotated frame", "turned upright, person found"
    with Image.open(io.BytesIO(person_jpeg())) as image:
        upright_size = image.size
        sideways = image.transpose(Image.Transpose.ROTATE_90)  # stored turned
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    buffer = io.BytesIO()
    sideways.save(buffer, format="JPEG", exif=exif.tobytes())
    await world.setup()
    world.camera.payload = buffer.getvalue()
    await world.tick()
    assert world.hass.states.get(FRONT_PEOPLE).state == "1"
    decoded = world.coordinator(FRONT).pipeline.decode(world.camera.payload)
    assert decoded.source_size == upright_size
    assert decoded.image.size[0] > decoded.image.size[1]  # landscape again, as shot
    world.check_no_label_lost(fault)


async def test_no_refire_after_camera_failure(
    world: World, fault: FaultRow, freezer: FrozenDateTimeFactory
) -> None:
    """After a detection, a failed camera refresh never fires the same detection again."""
    fault.fault, fault.expected = "camera fails right after a fall", "event fired once"
    await world.setup()
    events = async_capture_events(world.hass, "state_changed")
    for name in ("fall_img_1.png", "fall_img_2.png"):
        world.camera.payload = pair_jpeg(name)
        freezer.tick(2)
        await world.tick()
    world.camera.mode = "raise"
    freezer.tick(2)
    await world.tick()
    world.camera.mode = "ok"
    freezer.tick(2)
    await world.tick()
    detected = {
        e.data["new_state"].state
        for e in events
        if e.data["entity_id"] == FRONT_EVENT
        and e.data["new_state"] is not None
        and e.data["new_state"].attributes.get("event_type") == "fall_detected"
    }
    assert len(detected) == 1  # one fall, one trigger
    world.check_no_label_lost(fault)


async def test_stuck_analysis(
    world: World, fault: FaultRow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One camera's frame hangs: it is dropped and counted, the other camera keeps going."""
    fault.fault, fault.expected = "one camera's analysis hangs", "frame dropped, others go on"
    monkeypatch.setattr(coordinator_module, "FRAME_TIME_LIMIT", 1.5)  # a healthy frame: < 0.1 s
    await world.setup()
    front = world.coordinator(FRONT)
    release = threading.Event()
    real = front.pipeline.process

    def hang(image: object, timestamp: float) -> object:
        release.wait(10)
        return real(image, timestamp)

    monkeypatch.setattr(front.pipeline, "process", hang)
    await world.tick()
    assert front.state.timed_out_frames == 1
    assert world.hass.states.get(FRONT_PEOPLE).state == "unavailable"
    fault.other_cameras = await world.healthy_still_analysed()  # not stalled behind it
    release.set()
    monkeypatch.setattr(front.pipeline, "process", real)
    for _ in range(100):  # the abandoned frame finishes on its own
        if FRONT not in front._inference._busy:
            break
        await asyncio.sleep(0.05)
    await world.tick()
    assert world.hass.states.get(FRONT_PEOPLE).state == "1"
    world.check_no_label_lost(fault)


FLOOR_DAMAGE = [
    "not JSON",
    "a NaN count",
    "nested 100,000 deep",
    "a folder where the file was",
    "a symlink to secrets.yaml",
]


def _damage_floor(path: Path, kind: str, secrets: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    if kind == "not JSON":
        path.write_bytes(b"\xff\xfe{{{")
    elif kind == "a NaN count":
        path.write_text('{"version": 1, "grid": [24, 32], "cells": [[3, 4, NaN]]}')
    elif kind == "nested 100,000 deep":
        path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    elif kind == "a folder where the file was":
        path.mkdir()
        (path / "keep.txt").write_text("not ours")
    else:
        path.symlink_to(secrets)


@pytest.mark.parametrize("kind", FLOOR_DAMAGE)
async def test_damaged_floor_store(world: World, fault: FaultRow, kind: str) -> None:
    """A camera's learned floor file is damaged: setup succeeds, the floor is learned again.

    Nothing but our own floor files is ever written (secrets.yaml stays as it was).
    """
    fault.fault = f"learned floor: {kind}"
    fault.expected = "loads, relearns, nothing else written"
    hass = world.hass
    entry = await world.setup()
    await world.tick()
    cameras = list(entry.subentries)
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    secrets = Path(hass.config.path("secrets.yaml"))
    secrets.write_text("api_password: do-not-touch\n")
    folder = Path(hass.config.path(DOMAIN, "floor"))
    for camera in cameras:
        _damage_floor(folder / f"{camera}.json", kind, secrets)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    for coordinator in entry.runtime_data.cameras.values():
        assert coordinator.pipeline.detector.floor.samples <= 1  # starting again
    fault.other_cameras = await world.healthy_still_analysed()
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert secrets.read_text() == "api_password: do-not-touch\n"
    if kind == "a folder where the file was":
        assert all((folder / f"{c}.json" / "keep.txt").exists() for c in cameras)
    world.entry = None
    world.check_no_label_lost(fault)
