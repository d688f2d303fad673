"""Home Assistant finds the integration and its manifest installs everywhere HA runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_custom_components, async_get_integration

from custom_components.fall_detection.const import DOMAIN

MANIFEST = Path(__file__).resolve().parent.parent / "custom_components" / DOMAIN / "manifest.json"
NATIVE_ONLY = ("ai-edge-litert", "tflite-runtime", "tensorflow", "onnxruntime", "pycoral")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/ in these tests."""


async def test_integration_is_found(hass: HomeAssistant) -> None:
    assert DOMAIN in await async_get_custom_components(hass)
    integration = await async_get_integration(hass, DOMAIN)
    assert integration.name == "Fall Detection"
    assert integration.version is not None


def test_requirements_have_no_native_runtime() -> None:
    manifest = json.loads(MANIFEST.read_text())
    for requirement in manifest["requirements"]:
        assert not requirement.lower().startswith(NATIVE_ONLY), requirement


def test_hacs_declares_minimum_version() -> None:
    hacs = json.loads((MANIFEST.parents[2] / "hacs.json").read_text())
    assert hacs["homeassistant"] == "2025.4.0"
    assert hacs["name"] == "Fall Detection"
