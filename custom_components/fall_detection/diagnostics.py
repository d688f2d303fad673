"""Diagnostics download: settings, model, per-camera state; camera ids and images redacted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import async_redact_data

from .const import CONF_CAMERA

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .data import FallDetectionConfigEntry

TO_REDACT = {CONF_CAMERA, "camera_entity_id", "title"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant,  # noqa: ARG001
    entry: FallDetectionConfigEntry,
) -> dict[str, Any]:
    """Return what helps debugging, without camera names or images."""
    data = entry.runtime_data
    spec = data.engine.spec
    cameras = []
    for coordinator in data.cameras.values():
        state = coordinator.state
        floor = coordinator.pipeline.detector.floor
        cameras.append(
            {
                "settings": async_redact_data(dict(coordinator.subentry.data), TO_REDACT),
                "last_update_success": coordinator.last_update_success,
                "people": state.people,
                "inference_ms": state.inference_ms,
                "analysed_fps": state.analysed_fps,
                "fall_active": state.fall_active,
                "person_on_floor": state.person_on_floor,
                # Whether a long lie can be judged: the floor needs about a dozen feet seen.
                "floor": {"feet_seen": round(floor.samples, 1), "learned": floor.known},
                "analysed_frames": state.analysed_frames,
                "skipped_frames": state.skipped_frames,
                "timed_out_frames": state.timed_out_frames,
                "has_last_fall_image": state.last_fall_image is not None,
                "last_detection": (
                    async_redact_data(state.last_detection.as_event_data(), TO_REDACT)
                    if state.last_detection
                    else None
                ),
            }
        )
    return {
        "settings": {**entry.data, **entry.options},
        "model": {"name": spec.name, "file": spec.file, "sha256": spec.sha256},
        "backend": data.engine.backend.kind.value,
        # The model that reads a person again before a fall is raised (None: not found).
        "checker": (
            {"name": data.checker.spec.name, "backend": data.checker.backend.kind.value}
            if data.checker is not None
            else None
        ),
        "cameras": cameras,
    }
