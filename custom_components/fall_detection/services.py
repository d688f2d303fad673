"""Services: label a detection, report a missed fall, retrain, export/import/delete the dataset."""

from __future__ import annotations

from typing import TYPE_CHECKING

import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from .const import DOMAIN

if TYPE_CHECKING:
    from .coordinator import CameraCoordinator
    from .data import FallDetectionData

ATTR_VERDICT = "verdict"
ATTR_DETECTION_ID = "detection_id"
ATTR_CAMERA = "camera_entity_id"
ATTR_FILENAME = "filename"

LABEL_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_VERDICT): cv.string,
        vol.Optional(ATTR_DETECTION_ID): cv.string,
        vol.Optional(ATTR_CAMERA): cv.entity_id,
    }
)
CAMERA_SCHEMA = vol.Schema({vol.Required(ATTR_CAMERA): cv.entity_id})
FILE_SCHEMA = vol.Schema({vol.Optional(ATTR_FILENAME, default="dataset_export.json"): cv.string})
EMPTY_SCHEMA = vol.Schema({})


def _data(hass: HomeAssistant) -> FallDetectionData:
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is ConfigEntryState.LOADED:
            data: FallDetectionData = entry.runtime_data
            return data
    raise ServiceValidationError(translation_domain=DOMAIN, translation_key="not_loaded")


def _camera(data: FallDetectionData, camera: str) -> CameraCoordinator:
    for coordinator in data.cameras.values():
        if coordinator.camera_entity_id == camera:
            return coordinator
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="unknown_camera",
        translation_placeholders={"camera": camera},
    )


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's services."""

    async def label(call: ServiceCall) -> ServiceResponse:
        data = _data(hass)
        camera = call.data.get(ATTR_CAMERA)
        if camera is not None:
            _camera(data, camera)
        sample = await data.learning.async_label(
            call.data[ATTR_VERDICT], call.data.get(ATTR_DETECTION_ID), camera
        )
        return {
            "detection_id": sample.sample_id,
            "split": sample.split,
            **data.learning.dataset.counts(),
        }

    async def report_missed_fall(call: ServiceCall) -> ServiceResponse:
        data = _data(hass)
        coordinator = _camera(data, call.data[ATTR_CAMERA])
        thumbnail = coordinator.state.last_fall_image if coordinator.keep_images else None
        sample = await data.learning.async_report_missed(
            coordinator.camera_entity_id, coordinator.recent_sequence(), thumbnail
        )
        return {"detection_id": sample.sample_id, "split": sample.split}

    async def retrain(call: ServiceCall) -> ServiceResponse:  # noqa: ARG001
        evaluation = await _data(hass).learning.async_retrain()
        return {
            "active": evaluation.active,
            "classifier_accuracy": evaluation.classifier_accuracy,
            "heuristic_accuracy": evaluation.heuristic_accuracy,
            "test_samples": evaluation.test_samples,
        }

    async def export_dataset(call: ServiceCall) -> ServiceResponse:
        path = await _data(hass).learning.async_export(call.data[ATTR_FILENAME])
        return {"path": str(path)}

    async def import_dataset(call: ServiceCall) -> ServiceResponse:
        new = await _data(hass).learning.async_import(call.data[ATTR_FILENAME])
        return {"new_samples": new}

    async def delete_dataset(call: ServiceCall) -> None:  # noqa: ARG001
        await _data(hass).learning.async_delete()

    optional = SupportsResponse.OPTIONAL
    hass.services.async_register(DOMAIN, "label", label, LABEL_SCHEMA, supports_response=optional)
    hass.services.async_register(
        DOMAIN, "report_missed_fall", report_missed_fall, CAMERA_SCHEMA, supports_response=optional
    )
    hass.services.async_register(
        DOMAIN, "retrain", retrain, EMPTY_SCHEMA, supports_response=optional
    )
    hass.services.async_register(
        DOMAIN, "export_dataset", export_dataset, FILE_SCHEMA, supports_response=optional
    )
    hass.services.async_register(
        DOMAIN, "import_dataset", import_dataset, FILE_SCHEMA, supports_response=optional
    )
    hass.services.async_register(DOMAIN, "delete_dataset", delete_dataset, EMPTY_SCHEMA)
