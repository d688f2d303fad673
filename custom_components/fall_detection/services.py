"""Services: label a detection, report a missed fall, retrain, export/import/delete the dataset."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import voluptuous as vol
from homeassistant.auth.permissions.const import POLICY_CONTROL
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError, Unauthorized, UnknownUser
from homeassistant.helpers import config_validation as cv

from .compat import schema
from .const import DOMAIN

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

    from .coordinator import CameraCoordinator
    from .data import FallDetectionData

ATTR_VERDICT = "verdict"
ATTR_DETECTION_ID = "detection_id"
ATTR_CAMERA = "camera_entity_id"
ATTR_FILENAME = "filename"

LABEL_SCHEMA = schema(
    {
        vol.Required(ATTR_VERDICT): cv.string,
        vol.Optional(ATTR_DETECTION_ID): cv.string,
        vol.Optional(ATTR_CAMERA): cv.entity_id,
    }
)
CAMERA_SCHEMA = schema({vol.Required(ATTR_CAMERA): cv.entity_id})
FILE_SCHEMA = schema(
    {
        vol.Optional(ATTR_FILENAME, default="dataset_export.json"): vol.All(
            cv.string, vol.Length(min=1, max=255)
        )
    }
)
EMPTY_SCHEMA = schema({})


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


def _admin_only(
    hass: HomeAssistant, handler: Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]
) -> Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]:
    """Refuse callers that are not administrators (as Home Assistant's admin services do).

    The dataset services read, write and delete files and change which detector
    decides: only an administrator may call them. Calls without a user (automations,
    scripts) run with Home Assistant's own authority. (``service.async_register_admin_service``
    does the same check but, in 2025.4, cannot return a service response.)
    """

    async def checked(call: ServiceCall) -> ServiceResponse:
        if call.context.user_id:
            user = await hass.auth.async_get_user(call.context.user_id)
            if user is None:
                raise UnknownUser(
                    context=call.context, permission=POLICY_CONTROL, user_id=call.context.user_id
                )
            if not user.is_admin:
                raise Unauthorized(context=call.context)
        return await handler(call)

    return checked


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
        thumbnail = await coordinator.async_thumbnail_now()  # the moment reported
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
        new, rejected = await _data(hass).learning.async_import(call.data[ATTR_FILENAME])
        return {
            "new_samples": new,
            "dropped_samples": rejected.samples,
            "dropped_thumbnails": rejected.thumbnails,
        }

    async def delete_dataset(call: ServiceCall) -> ServiceResponse:  # noqa: ARG001
        await _data(hass).learning.async_delete()
        return None

    optional = SupportsResponse.OPTIONAL
    hass.services.async_register(DOMAIN, "label", label, LABEL_SCHEMA, supports_response=optional)
    hass.services.async_register(
        DOMAIN, "report_missed_fall", report_missed_fall, CAMERA_SCHEMA, supports_response=optional
    )
    admin = (
        ("retrain", retrain, EMPTY_SCHEMA, optional),
        ("export_dataset", export_dataset, FILE_SCHEMA, optional),
        ("import_dataset", import_dataset, FILE_SCHEMA, optional),
        ("delete_dataset", delete_dataset, EMPTY_SCHEMA, SupportsResponse.NONE),
    )
    for name, handler, fields, response in admin:
        hass.services.async_register(
            DOMAIN, name, _admin_only(hass, handler), fields, supports_response=response
        )
