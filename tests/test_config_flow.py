"""Config flow, camera subentry flow, reconfigure and options: every path."""

from __future__ import annotations

from pathlib import Path

import pytest
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.fall_detection.const import (
    CONF_ACTIVE_SECONDS,
    CONF_BACKEND,
    CONF_BURSTS,
    CONF_CAMERA,
    CONF_FPS,
    CONF_KEEP_IMAGES,
    CONF_LONG_LIE_SECONDS,
    CONF_MODEL,
    CONF_PROBLEM_SECONDS,
    CONF_ROTATION,
    CONF_THRESHOLD,
    DOMAIN,
    SUBENTRY_CAMERA,
)
from custom_components.fall_detection.core.errors import BackendUnavailableError
from tests.helpers import CAMERA, FrameFile, add_local_file_camera, camera_subentry, fall_entry

CAMERA_INPUT = {
    CONF_CAMERA: CAMERA,
    CONF_FPS: 2.0,
    CONF_BURSTS: True,
    CONF_THRESHOLD: 0.6,
    CONF_ACTIVE_SECONDS: 60,
    CONF_LONG_LIE_SECONDS: 120,
    CONF_ROTATION: "90",
    CONF_KEEP_IMAGES: False,
    CONF_PROBLEM_SECONDS: 60,
}


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom_components/."""


@pytest.fixture
async def camera(hass: HomeAssistant, tmp_path: Path) -> str:
    frame = FrameFile(tmp_path / "frame.png")
    frame.show("fall_img_1.png")
    return await add_local_file_camera(hass, frame.path)


async def test_user_flow_creates_entry(hass: HomeAssistant, model_dir: Path) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BACKEND: "auto", CONF_MODEL: "movenet_lightning_int8"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Fall Detection"
    assert result["data"] == {CONF_BACKEND: "auto", CONF_MODEL: "movenet_lightning_int8"}
    entry = result["result"]
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    ("user_input", "error"),
    [
        ({CONF_BACKEND: "auto", CONF_MODEL: "movenet_lightning_edgetpu"}, "edgetpu_not_found"),
        (
            {
                CONF_BACKEND: "edgetpu",
                CONF_MODEL: "movenet_lightning_edgetpu",
                "edgetpu_device": "usb:0",
            },
            "edgetpu_not_found",
        ),
        ({CONF_BACKEND: "edgetpu", CONF_MODEL: "movenet_lightning_int8"}, "model_load_failed"),
        ({CONF_BACKEND: "litert", CONF_MODEL: "movenet_lightning_edgetpu"}, "model_load_failed"),
    ],
)
async def test_user_flow_errors_then_recovers(
    hass: HomeAssistant, model_dir: Path, user_input: dict, error: str
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BACKEND: "auto", CONF_MODEL: "movenet_lightning_int8"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_user_flow_model_missing(
    hass: HomeAssistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FALL_DETECTION_MODEL_DIR", str(tmp_path))
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BACKEND: "auto", CONF_MODEL: "movenet_thunder_fp16"}
    )
    assert result["errors"] == {"base": "model_not_found"}


async def test_user_flow_model_corrupt(
    hass: HomeAssistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_dir: Path
) -> None:
    broken = tmp_path / "movenet_singlepose_thunder_256_fp16.tflite"
    broken.write_bytes((model_dir / broken.name).read_bytes()[:100_000])
    monkeypatch.setenv("FALL_DETECTION_MODEL_DIR", str(tmp_path))
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BACKEND: "auto", CONF_MODEL: "movenet_thunder_fp16"}
    )
    assert result["errors"] == {"base": "model_corrupt"}


async def test_user_flow_runtime_unavailable(
    hass: HomeAssistant, model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A system without a native runtime (e.g. Home Assistant OS before the portable backend)."""

    def no_runtime() -> None:
        raise BackendUnavailableError("No native TFLite runtime is installed")

    monkeypatch.setattr(
        "custom_components.fall_detection.core.backends.litert.import_runtime", no_runtime
    )
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BACKEND: "litert", CONF_MODEL: "movenet_lightning_int8"}
    )
    assert result["errors"] == {"base": "runtime_unavailable"}


async def test_single_instance(hass: HomeAssistant) -> None:
    fall_entry().add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "single_instance_allowed"


async def _loaded_entry(hass: HomeAssistant, *subentries):
    entry = fall_entry(*subentries)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_add_camera_subentry(hass: HomeAssistant, model_dir: Path, camera: str) -> None:
    entry = await _loaded_entry(hass)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_CAMERA), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], CAMERA_INPUT)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Living room"
    await hass.async_block_till_done()
    (subentry,) = entry.subentries.values()
    assert subentry.unique_id == camera
    assert dict(subentry.data) == CAMERA_INPUT
    # the new camera is watched at once, with its settings
    coordinator = entry.runtime_data.cameras[subentry.subentry_id]
    assert coordinator.fps == 2.0
    assert coordinator.pipeline.camera_rotation == 90
    assert hass.states.get("binary_sensor.living_room_fall") is not None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_new_camera_looks_faster_by_default(
    hass: HomeAssistant, model_dir: Path, camera: str
) -> None:
    """Only the camera chosen: the form's defaults are stored, bursts on."""
    entry = await _loaded_entry(hass)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_CAMERA), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_CAMERA: CAMERA}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = entry.subentries.values()
    assert subentry.data[CONF_BURSTS] is True
    assert subentry.data[CONF_FPS] == 1.0
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(entry.entry_id)


async def test_add_camera_unknown_entity(hass: HomeAssistant, model_dir: Path) -> None:
    entry = await _loaded_entry(hass)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_CAMERA), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], CAMERA_INPUT | {CONF_CAMERA: "camera.nowhere"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_CAMERA: "camera_not_found"}
    await hass.config_entries.async_unload(entry.entry_id)


async def test_add_camera_twice_aborts(hass: HomeAssistant, model_dir: Path, camera: str) -> None:
    entry = await _loaded_entry(hass, camera_subentry())
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_CAMERA), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], CAMERA_INPUT)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_camera(hass: HomeAssistant, model_dir: Path, camera: str) -> None:
    entry = await _loaded_entry(hass, camera_subentry())
    subentry_id = next(iter(entry.subentries))
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_CAMERA),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    changes = {k: v for k, v in CAMERA_INPUT.items() if k != CONF_CAMERA}
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], changes)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.subentries[subentry_id].data[CONF_FPS] == 2.0
    assert entry.subentries[subentry_id].data[CONF_CAMERA] == camera
    assert entry.runtime_data.cameras[subentry_id].fps == 2.0
    await hass.config_entries.async_unload(entry.entry_id)


async def test_remove_camera(hass: HomeAssistant, model_dir: Path, camera: str) -> None:
    entry = await _loaded_entry(hass, camera_subentry())
    subentry_id = next(iter(entry.subentries))
    assert hass.config_entries.async_remove_subentry(entry, subentry_id)
    await hass.async_block_till_done()
    assert entry.runtime_data.cameras == {}
    assert hass.states.get("binary_sensor.living_room_fall") is None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_options_flow_changes_model(hass: HomeAssistant, model_dir: Path) -> None:
    entry = await _loaded_entry(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_BACKEND: "edgetpu", CONF_MODEL: "movenet_thunder_int8"}
    )
    assert result["errors"] == {"base": "model_load_failed"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_BACKEND: "litert", CONF_MODEL: "movenet_thunder_int8", "image_retention_days": 7},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_MODEL] == "movenet_thunder_int8"
    assert entry.options["image_retention_days"] == 7
    assert entry.options["sample_retention_days"] == 0  # default: until the dataset is deleted
    assert entry.runtime_data.engine.spec.name == "movenet_thunder_int8"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_portable_backend_is_selectable(hass: HomeAssistant, model_dir: Path) -> None:
    """The choice that works on Home Assistant OS: numpy only."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BACKEND: "portable", CONF_MODEL: "movenet_lightning_int8"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.runtime_data.engine.backend.kind.value == "portable"
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    "field",
    [CONF_FPS, CONF_THRESHOLD, CONF_ACTIVE_SECONDS, CONF_LONG_LIE_SECONDS, CONF_PROBLEM_SECONDS],
)
async def test_camera_flows_reject_non_finite(
    hass: HomeAssistant, model_dir: Path, camera: str, field: str
) -> None:
    """'nan' passes the number selectors' range checks (inf does not): the flows refuse it."""
    entry = await _loaded_entry(hass)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_CAMERA), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], CAMERA_INPUT | {field: "nan"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "not_finite"}
    assert entry.subentries == {}
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_and_options_reject_nan(
    hass: HomeAssistant, model_dir: Path, camera: str
) -> None:
    entry = await _loaded_entry(hass, camera_subentry())
    subentry_id = next(iter(entry.subentries))
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_CAMERA),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )
    changes = {k: v for k, v in CAMERA_INPUT.items() if k != CONF_CAMERA}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], changes | {CONF_THRESHOLD: "nan"}
    )
    assert result["errors"] == {"base": "not_finite"}
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_BACKEND: "litert",
            CONF_MODEL: "movenet_lightning_int8",
            "image_retention_days": "nan",
        },
    )
    assert result["errors"] == {"base": "not_finite"}
    await hass.config_entries.async_unload(entry.entry_id)
