"""Config flow (model and backend), camera subentries and options."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import voluptuous as vol
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import selector

from .compat import schema
from .const import (
    CONF_ACTIVE_SECONDS,
    CONF_BACKEND,
    CONF_BURSTS,
    CONF_CAMERA,
    CONF_EDGETPU_DEVICE,
    CONF_FPS,
    CONF_IMAGE_RETENTION,
    CONF_KEEP_IMAGES,
    CONF_LONG_LIE_SECONDS,
    CONF_MODEL,
    CONF_PROBLEM_SECONDS,
    CONF_ROTATION,
    CONF_SAMPLE_RETENTION,
    CONF_THRESHOLD,
    DEFAULT_ACTIVE_SECONDS,
    DEFAULT_BURSTS,
    DEFAULT_FPS,
    DEFAULT_IMAGE_RETENTION,
    DEFAULT_LONG_LIE_SECONDS,
    DEFAULT_PROBLEM_SECONDS,
    DEFAULT_SAMPLE_RETENTION,
    DEFAULT_THRESHOLD,
    DOMAIN,
    MAX_FPS,
    MIN_FPS,
    ROTATIONS,
    SUBENTRY_CAMERA,
)
from .core.backends import BackendKind
from .core.catalog import Catalog, load_catalog
from .engine_loader import EngineLoadError, load_engine

if TYPE_CHECKING:
    from collections.abc import Mapping

BACKENDS = [BackendKind.AUTO, BackendKind.LITERT, BackendKind.PORTABLE, BackendKind.EDGETPU]


def _settings_schema(catalog: Catalog) -> Any:  # noqa: ANN401 - see compat.schema
    return schema(
        {
            vol.Required(CONF_BACKEND, default=BackendKind.AUTO.value): selector.SelectSelector(
                selector.SelectSelectorConfig(
                    options=[b.value for b in BACKENDS],
                    translation_key=CONF_BACKEND,
                    mode=selector.SelectSelectorMode.DROPDOWN,
                )
            ),
            vol.Required(CONF_MODEL, default=catalog.default): selector.SelectSelector(
                selector.SelectSelectorConfig(
                    options=[
                        selector.SelectOptionDict(value=m.name, label=m.title)
                        for m in catalog.models.values()
                    ],
                    mode=selector.SelectSelectorMode.DROPDOWN,
                )
            ),
            vol.Optional(CONF_EDGETPU_DEVICE): selector.TextSelector(),
        }
    )


def _not_finite(user_input: Mapping[str, Any]) -> bool:
    """A number field holds NaN or infinity (which pass the selectors' range checks)."""
    return any(isinstance(v, float) and not math.isfinite(v) for v in user_input.values())


async def _test_load(hass: HomeAssistant, settings: Mapping[str, Any]) -> str | None:
    """Load the model once, in an executor; return an error key or None."""
    try:
        engine = await hass.async_add_executor_job(
            load_engine, hass.config.config_dir, dict(settings)
        )
    except EngineLoadError as err:
        return err.key
    await hass.async_add_executor_job(engine.close)
    return None


class FallDetectionConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up Fall Detection: pick the inference backend and the pose model."""

    VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose backend and model; the model is test-loaded before the entry is made."""
        errors: dict[str, str] = {}
        if user_input is not None:
            if (error := await _test_load(self.hass, user_input)) is None:
                return self.async_create_entry(title="Fall Detection", data=user_input)
            errors["base"] = error
        schema = self.add_suggested_values_to_schema(
            _settings_schema(await self.hass.async_add_executor_job(load_catalog)), user_input or {}
        )
        return self.async_show_form(step_id="user", data_schema=schema, errors=errors)

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls,
        config_entry: ConfigEntry,  # noqa: ARG003
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Cameras are subentries."""
        return {SUBENTRY_CAMERA: CameraSubentryFlow}

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:  # noqa: ARG004
        """Integration-wide settings."""
        return FallDetectionOptionsFlow()


class FallDetectionOptionsFlow(OptionsFlow):
    """Change the backend or the model."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show the current settings; test-load the new model before saving."""
        errors: dict[str, str] = {}
        if user_input is not None:
            if _not_finite(user_input):
                errors["base"] = "not_finite"
            elif (error := await _test_load(self.hass, user_input)) is None:
                return self.async_create_entry(data=user_input)
            else:
                errors["base"] = error
        current = {**self.config_entry.data, **self.config_entry.options}
        catalog = await self.hass.async_add_executor_job(load_catalog)
        schema = self.add_suggested_values_to_schema(
            _settings_schema(catalog).extend(_retention_schema()), user_input or current
        )
        return self.async_show_form(step_id="init", data_schema=schema, errors=errors)


def _retention_schema() -> dict[vol.Marker, Any]:
    """How long labelled samples and their thumbnails are kept (0: until deleted)."""
    days = selector.NumberSelector(
        selector.NumberSelectorConfig(
            min=0, max=3650, step=1, unit_of_measurement="d", mode=selector.NumberSelectorMode.BOX
        )
    )
    return {
        vol.Required(CONF_IMAGE_RETENTION, default=DEFAULT_IMAGE_RETENTION): days,
        vol.Required(CONF_SAMPLE_RETENTION, default=DEFAULT_SAMPLE_RETENTION): days,
    }


def _camera_schema(*, include_camera: bool) -> Any:  # noqa: ANN401 - see compat.schema
    seconds = selector.NumberSelector(
        selector.NumberSelectorConfig(
            min=10, max=3600, step=10, unit_of_measurement="s", mode=selector.NumberSelectorMode.BOX
        )
    )
    fields: dict[Any, Any] = {}
    if include_camera:
        fields[vol.Required(CONF_CAMERA)] = selector.EntitySelector(
            selector.EntitySelectorConfig(domain="camera")
        )
    fields |= {
        vol.Required(CONF_FPS, default=DEFAULT_FPS): selector.NumberSelector(
            selector.NumberSelectorConfig(
                min=MIN_FPS, max=MAX_FPS, step=0.1, mode=selector.NumberSelectorMode.BOX
            )
        ),
        vol.Required(CONF_BURSTS, default=DEFAULT_BURSTS): selector.BooleanSelector(),
        vol.Required(CONF_THRESHOLD, default=DEFAULT_THRESHOLD): selector.NumberSelector(
            selector.NumberSelectorConfig(
                min=0.05, max=1.0, step=0.05, mode=selector.NumberSelectorMode.SLIDER
            )
        ),
        vol.Required(CONF_ACTIVE_SECONDS, default=DEFAULT_ACTIVE_SECONDS): seconds,
        vol.Required(CONF_LONG_LIE_SECONDS, default=DEFAULT_LONG_LIE_SECONDS): seconds,
        vol.Required(CONF_ROTATION, default="0"): selector.SelectSelector(
            selector.SelectSelectorConfig(options=list(ROTATIONS), translation_key=CONF_ROTATION)
        ),
        vol.Required(CONF_KEEP_IMAGES, default=True): selector.BooleanSelector(),
        vol.Required(CONF_PROBLEM_SECONDS, default=DEFAULT_PROBLEM_SECONDS): seconds,
    }
    return schema(fields)


class CameraSubentryFlow(ConfigSubentryFlow):
    """Add or reconfigure a watched camera."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Pick a camera and its analysis settings."""
        errors: dict[str, str] = {}
        if user_input is not None:
            camera = user_input[CONF_CAMERA]
            entry = self._get_entry()
            if any(s.unique_id == camera for s in entry.subentries.values()):
                return self.async_abort(reason="already_configured")
            if _not_finite(user_input):
                errors["base"] = "not_finite"
            elif (state := self.hass.states.get(camera)) is None:
                errors[CONF_CAMERA] = "camera_not_found"
            else:
                return self.async_create_entry(title=state.name, data=user_input, unique_id=camera)
        schema = self.add_suggested_values_to_schema(
            _camera_schema(include_camera=True), user_input or {}
        )
        return self.async_show_form(step_id="user", data_schema=schema, errors=errors)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a camera's analysis settings."""
        subentry = self._get_reconfigure_subentry()
        errors: dict[str, str] = {}
        if user_input is not None:
            if not _not_finite(user_input):
                return self.async_update_and_abort(
                    self._get_entry(), subentry, data_updates=user_input
                )
            errors["base"] = "not_finite"
        schema = self.add_suggested_values_to_schema(
            _camera_schema(include_camera=False), user_input or subentry.data
        )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=schema,
            errors=errors,
            description_placeholders={"camera": subentry.title},
        )
