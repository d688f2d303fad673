"""Fall Detection: camera-based fall detection for Home Assistant.

The pose engine and fall logic live in ``core`` (no Home Assistant imports);
this package wires them to cameras, entities, events and repairs.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from homeassistant.const import EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN, SUBENTRY_CAMERA
from .coordinator import CameraCoordinator
from .data import FallDetectionConfigEntry, FallDetectionData
from .engine_loader import EngineLoadError, load_checker, load_engine
from .floor_store import FloorStore
from .inference import InferenceThread
from .learning import LearningManager
from .retention import async_setup_retention
from .services import async_setup_services

if TYPE_CHECKING:
    from homeassistant.helpers.typing import ConfigType

    from .core.engine import PoseEngine

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:  # noqa: ARG001
    """Register the services once, whether or not an entry is loaded."""
    async_setup_services(hass)
    return True


PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.EVENT,
    Platform.IMAGE,
    Platform.SENSOR,
]
REPAIRABLE = ("edgetpu_not_found", "model_not_found", "model_corrupt", "runtime_unavailable")
RETRYABLE = ("edgetpu_not_found",)


async def async_setup_entry(hass: HomeAssistant, entry: FallDetectionConfigEntry) -> bool:
    """Load the model in the inference executor, then start one coordinator per camera."""
    inference = InferenceThread(f"{DOMAIN}_inference")
    try:
        engine = await hass.loop.run_in_executor(
            inference.executor, load_engine, hass.config.config_dir, {**entry.data, **entry.options}
        )
    except EngineLoadError as err:
        inference.executor.shutdown(wait=False)
        _raise_setup_error(hass, err)
    # Optional: without its file, falls are confirmed by the model's mirrored reading.
    checker = await hass.loop.run_in_executor(
        inference.executor, load_checker, hass.config.config_dir, {**entry.data, **entry.options}
    )
    for key in REPAIRABLE:
        ir.async_delete_issue(hass, DOMAIN, key)

    learning = LearningManager(hass)
    try:
        await learning.async_load()
        await async_setup_retention(hass, entry, learning)
    except BaseException:
        # Never leave the inference thread behind (a damaged store is handled inside).
        await hass.async_add_executor_job(_close_engine, inference, engine, checker)
        raise
    cameras = {
        subentry_id
        for subentry_id, subentry in entry.subentries.items()
        if subentry.subentry_type == SUBENTRY_CAMERA
    }
    await hass.async_add_executor_job(FloorStore.prune, hass, cameras)
    data = FallDetectionData(engine=engine, inference=inference, learning=learning, checker=checker)
    entry.runtime_data = data
    for subentry_id, subentry in entry.subentries.items():
        if subentry.subentry_type != SUBENTRY_CAMERA:
            continue
        store = FloorStore(hass, subentry_id)
        floor = await store.async_load()
        coordinator = CameraCoordinator(
            hass,
            entry,
            subentry,
            engine,
            inference,
            floor_store=store,
            floor=floor,
            checker=checker,
        )
        coordinator.pipeline.detector.scorer = learning.scorer()
        data.cameras[subentry_id] = coordinator

    @callback
    def _use_active_detector() -> None:
        for coordinator in data.cameras.values():
            coordinator.pipeline.detector.scorer = learning.scorer()

    entry.async_on_unload(learning.async_add_listener(_use_active_detector, scorer=True))
    # Unavailable cameras must not block setup: entities start unavailable and retry.
    for coordinator in data.cameras.values():
        await coordinator.async_refresh()
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_reload))

    async def _stop_thread(_event: Event) -> None:
        # Home Assistant is stopping (entries are not unloaded): drop queued frames, let a
        # running job (a frame, a training run) finish, so the thread is gone before exit.
        await hass.async_add_executor_job(partial(inference.shutdown, cancel_futures=True))

    entry.async_on_unload(hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _stop_thread))
    return True


def _raise_setup_error(hass: HomeAssistant, err: EngineLoadError) -> None:
    placeholders = {"detail": err.detail}
    if err.key in REPAIRABLE:
        ir.async_create_issue(
            hass,
            DOMAIN,
            err.key,
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=err.key,
            translation_placeholders=placeholders,
        )
    if err.key in RETRYABLE:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key=err.key,
            translation_placeholders=placeholders,
        ) from err
    raise ConfigEntryError(
        translation_domain=DOMAIN, translation_key=err.key, translation_placeholders=placeholders
    ) from err


async def _async_reload(hass: HomeAssistant, entry: FallDetectionConfigEntry) -> None:
    """Apply changed settings or added/removed cameras without restarting Home Assistant."""
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: FallDetectionConfigEntry) -> bool:
    """Stop every camera loop and free the model and its thread."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        data = entry.runtime_data
        # A label being saved finishes before the next setup reads the store; later
        # label calls on this entry are refused instead of reporting success and being lost.
        await data.learning.async_close()
        for coordinator in data.cameras.values():
            await coordinator.async_shutdown()
            await coordinator.async_save_floor()
        data.cameras.clear()
        await hass.async_add_executor_job(_close_engine, data.inference, data.engine, data.checker)
    return unloaded


def _close_engine(
    inference: InferenceThread, engine: PoseEngine, checker: PoseEngine | None = None
) -> None:
    inference.shutdown()
    engine.close()
    if checker is not None:
        checker.close()
