"""Labelling and on-device learning, driven through the services of a real Home Assistant."""

from __future__ import annotations

import asyncio
import errno
import io
import json
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
from PIL import Image
from pytest_homeassistant_custom_component.common import (
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.fall_detection.const import DOMAIN, EVENT_FALL_DETECTED
from custom_components.fall_detection.core.learning.dataset import (
    Dataset,
)
from custom_components.fall_detection.learning import EVENT_DETECTOR_CHANGED, EVENT_LABELLED
from tests.helpers import CAMERA, FrameFile, add_local_file_camera, camera_subentry, fall_entry
from tests.labels import write_dataset

SAMPLES = "sensor.fall_detection_labelled_samples"
ACTIVE = "sensor.fall_detection_active_detector"
ACCURACY = "sensor.fall_detection_classifier_test_accuracy"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom_components/."""


@pytest.fixture
async def setup(hass: HomeAssistant, model_dir: Path, tmp_path: Path):
    hass.config.config_dir = str(tmp_path / "config")  # user data lands here, not in site-packages
    frame = FrameFile(tmp_path / "frame.png")
    frame.show("fall_img_1.png")
    await add_local_file_camera(hass, frame.path)
    entry = fall_entry(camera_subentry())
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    yield entry, frame
    await hass.config_entries.async_unload(entry.entry_id)


async def _fall(
    hass: HomeAssistant, entry, frame: FrameFile, freezer: FrozenDateTimeFactory
) -> str:
    """Stand, fall: return the detection id of the bus event."""
    fired = async_capture_events(hass, EVENT_FALL_DETECTED)
    for name in ("fall_img_1.png", "fall_img_2.png"):
        frame.show(name)
        freezer.tick(2)
        for coordinator in entry.runtime_data.cameras.values():
            await coordinator.async_refresh()
        await hass.async_block_till_done()
    frame.show("fall_img_1.png")  # get up again, ready for the next fall
    freezer.tick(2)
    for coordinator in entry.runtime_data.cameras.values():
        await coordinator.async_refresh()
    await hass.async_block_till_done()
    (event,) = fired
    return event.data["detection_id"]


async def _call(hass: HomeAssistant, service: str, **data):
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=service != "delete_dataset"
    )


async def test_agree_disagree_and_relabel(
    hass: HomeAssistant, setup, freezer: FrozenDateTimeFactory
) -> None:
    entry, frame = setup
    labelled = async_capture_events(hass, EVENT_LABELLED)
    detection = await _fall(hass, entry, frame, freezer)

    response = await _call(hass, "label", verdict="agree", detection_id=detection)
    assert response == {"detection_id": detection, "split": "train", "train": 1, "test": 0}
    assert hass.states.get(SAMPLES).state == "1"
    assert labelled[-1].data["fall"] is True

    await _call(hass, "label", verdict="disagree", detection_id=detection)  # replaces
    learning = entry.runtime_data.learning
    assert len(learning.dataset.samples) == 1
    assert learning.dataset.samples[detection].fall is False
    assert hass.states.get(SAMPLES).state == "1"

    folder = Path(hass.config.config_dir) / DOMAIN
    stored = json.loads((folder / "dataset.json").read_text())
    assert len(stored["samples"]) == 1
    assert len(stored["samples"][0]["sequence"]) >= 2
    assert (folder / "thumbnails" / f"{detection}.jpg").read_bytes()[:2] == b"\xff\xd8"

    second = await _fall(hass, entry, frame, freezer)
    response = await _call(hass, "label", verdict="agree", camera_entity_id=CAMERA)
    assert response["detection_id"] == second  # the camera's latest detection


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"verdict": "agree", "detection_id": "nope"}, "unknown_detection"),
        ({"verdict": "maybe", "detection_id": "nope"}, "unknown_verdict"),
        ({"verdict": "agree", "camera_entity_id": "camera.elsewhere"}, "unknown_camera"),
        ({"verdict": "agree", "camera_entity_id": CAMERA}, "no_detection_for_camera"),
    ],
)
async def test_bad_label_calls_are_translated_errors(
    hass: HomeAssistant, setup, data: dict, key: str
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "label", **data)
    assert err.value.translation_key == key
    assert err.value.translation_domain == DOMAIN


async def test_report_missed_fall(
    hass: HomeAssistant, setup, freezer: FrozenDateTimeFactory
) -> None:
    entry, frame = setup
    for _ in range(2):
        freezer.tick(2)
        await next(iter(entry.runtime_data.cameras.values())).async_refresh()
    response = await _call(hass, "report_missed_fall", camera_entity_id=CAMERA)
    sample = entry.runtime_data.learning.dataset.samples[response["detection_id"]]
    assert sample.fall is True
    assert len(sample.sequence) >= 2
    # the thumbnail shows the moment reported (no fall was ever detected here), small
    assert sample.thumbnail == f"{sample.sample_id}.jpg"
    stored = Path(hass.config.path(DOMAIN, "thumbnails", sample.thumbnail)).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert max(image.size) <= 320


async def test_retrain_after_100_labels_promotes_then_demotes(
    hass: HomeAssistant, setup, freezer: FrozenDateTimeFactory
) -> None:
    entry, frame = setup
    changes = async_capture_events(hass, EVENT_DETECTOR_CHANGED)
    folder = Path(hass.config.config_dir) / DOMAIN
    write_dataset(folder / "import.json", 99)
    assert await _call(hass, "import_dataset", filename="import.json") == {
        "new_samples": 99,
        "dropped_samples": 0,
        "dropped_thumbnails": 0,
    }
    learning = entry.runtime_data.learning
    assert learning.dataset.counts() == {"train": 90, "test": 9}
    assert hass.states.get(ACTIVE).state == "heuristic"  # 9 test samples: not enough

    detection = await _fall(hass, entry, frame, freezer)
    response = await _call(hass, "label", verdict="agree", detection_id=detection)
    assert response["split"] == "test"  # the 100th label
    assert learning.dataset.new_since_training == 0  # retrained
    assert hass.states.get(ACTIVE).state == "classifier"
    assert float(hass.states.get(ACCURACY).state) >= 90
    assert changes[-1].data["active"] == "classifier"
    assert changes[-1].data["test_samples"] == 10
    for coordinator in entry.runtime_data.cameras.values():
        assert coordinator.pipeline.detector.scorer is not None  # the classifier now decides

    # survives a restart of the entry
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(ACTIVE).state == "classifier"
    assert hass.states.get(SAMPLES).state == "100"

    # labels that contradict it: demoted at the next evaluation
    write_dataset(folder / "contra.json", 100, contradict=True, prefix="c")
    await _call(hass, "import_dataset", filename="contra.json")
    await _call(hass, "retrain")
    assert hass.states.get(ACTIVE).state == "heuristic"
    assert changes[-1].data["active"] == "heuristic"


async def test_export_delete_and_path_confinement(
    hass: HomeAssistant, setup, freezer: FrozenDateTimeFactory
) -> None:
    entry, frame = setup
    detection = await _fall(hass, entry, frame, freezer)
    await _call(hass, "label", verdict="agree", detection_id=detection)
    response = await _call(hass, "export_dataset", filename="backup.json")
    exported = json.loads(Path(response["path"]).read_text())
    assert [s["id"] for s in exported["samples"]] == [detection]
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "export_dataset", filename="../secrets.yaml")
    assert err.value.translation_key == "path_not_allowed"
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "import_dataset", filename="missing.json")
    assert err.value.translation_key == "bad_dataset"

    await _call(hass, "delete_dataset")
    assert hass.states.get(SAMPLES).state == "0"
    folder = Path(hass.config.config_dir) / DOMAIN
    assert not (folder / "dataset.json").exists()
    assert list((folder / "thumbnails").iterdir()) == []


async def test_corrupt_dataset_is_kept_aside(
    hass: HomeAssistant, model_dir: Path, tmp_path: Path
) -> None:
    hass.config.config_dir = str(tmp_path)
    folder = tmp_path / DOMAIN
    folder.mkdir()
    (folder / "dataset.json").write_text("{broken")
    entry = fall_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert hass.states.get(SAMPLES).state == "0"
    kept = list(folder.glob("dataset.corrupt-*.json"))
    assert len(kept) == 1
    assert kept[0].read_text() == "{broken"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_concurrent_labels_lose_and_duplicate_nothing(
    hass: HomeAssistant, setup, freezer: FrozenDateTimeFactory
) -> None:
    entry, frame = setup
    learning = entry.runtime_data.learning
    sequence = entry.runtime_data.cameras[next(iter(entry.subentries))].recent_sequence()
    for i in range(30):
        learning.register_detection(f"d{i}", CAMERA, sequence, None)
    await asyncio.gather(
        *(
            _call(
                hass, "label", verdict="agree" if i % 3 else "disagree", detection_id=f"d{i % 20}"
            )
            for i in range(30)
        )
    )
    assert len(learning.dataset.samples) == 20  # 10 of the 30 calls relabelled
    assert learning.dataset.counts() == {"train": 18, "test": 2}
    stored = json.loads((Path(hass.config.config_dir) / DOMAIN / "dataset.json").read_text())
    assert sorted(s["id"] for s in stored["samples"]) == sorted(f"d{i}" for i in range(20))


async def test_disk_full_keeps_the_label_and_saves_it_later(
    hass: HomeAssistant, setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry, _frame = setup
    learning = entry.runtime_data.learning
    sequence = [(0.0, np.zeros((17, 3), np.float32)), (1.0, np.zeros((17, 3), np.float32))]
    learning.register_detection("a", CAMERA, sequence, None)
    learning.register_detection("b", CAMERA, sequence, None)

    real_save = Dataset.save

    def full(self: Dataset, path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Dataset, "save", full)
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "label", verdict="agree", detection_id="a")
    assert err.value.translation_key == "save_failed"
    assert "a" in learning.dataset.samples  # kept in memory
    monkeypatch.setattr(Dataset, "save", real_save)
    await _call(hass, "label", verdict="agree", detection_id="b")
    stored = json.loads((Path(hass.config.config_dir) / DOMAIN / "dataset.json").read_text())
    assert sorted(s["id"] for s in stored["samples"]) == ["a", "b"]  # nothing lost


async def test_training_interrupted_by_a_stop_resumes_at_start(
    hass: HomeAssistant, model_dir: Path, tmp_path: Path
) -> None:
    """100 labels saved but never trained (Home Assistant stopped): trained at the next start."""
    hass.config.config_dir = str(tmp_path)
    folder = tmp_path / DOMAIN
    write_dataset(folder / "dataset.json", 100)  # new_since_training == 100
    entry = fall_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert entry.runtime_data.learning.dataset.new_since_training == 0
    assert json.loads((folder / "classifier.json").read_text())["evaluation"]["test_samples"] == 10
    await hass.config_entries.async_unload(entry.entry_id)


async def test_retention_deletes_old_thumbnails_and_samples(
    hass: HomeAssistant, model_dir: Path, tmp_path: Path, freezer: FrozenDateTimeFactory
) -> None:
    """Thumbnails older than 30 days go; samples older than a year go; the rest stays."""
    hass.config.config_dir = str(tmp_path)
    folder = tmp_path / DOMAIN
    write_dataset(folder / "dataset.json", 3)
    raw = json.loads((folder / "dataset.json").read_text())
    (folder / "thumbnails").mkdir()
    for sample, age in zip(raw["samples"], (1, 40, 400), strict=True):
        sample["created"] = (dt_util.utcnow() - timedelta(days=age)).isoformat()
        sample["thumbnail"] = f"{sample['id']}.jpg"
        (folder / "thumbnails" / sample["thumbnail"]).write_bytes(b"jpeg")
    (folder / "dataset.json").write_text(json.dumps(raw))
    entry = fall_entry(options={"image_retention_days": 30, "sample_retention_days": 365})
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)

    stored = json.loads((folder / "dataset.json").read_text())["samples"]
    assert [(s["id"], s["thumbnail"]) for s in stored] == [("s0", "s0.jpg"), ("s1", None)]
    assert sorted(p.name for p in (folder / "thumbnails").iterdir()) == ["s0.jpg"]
    assert hass.states.get(SAMPLES).state == "2"

    freezer.tick(timedelta(days=40))  # a day-by-day check removes the last thumbnail later
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(days=1, seconds=1), fire_all=True)
    await hass.async_block_till_done(wait_background_tasks=True)  # interval jobs run as such
    assert list((folder / "thumbnails").iterdir()) == []
    await hass.config_entries.async_unload(entry.entry_id)
