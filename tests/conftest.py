"""Test configuration shared by every test."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.fall_detection.core.catalog import load_catalog

DEPRECATION_MARKERS = (
    "will stop working in Home Assistant",
    "which is deprecated",
    "Detected that custom integration",
    "Detected code that",
    "Detected blocking call",
)


@pytest.fixture(autouse=True)
def fail_on_ha_deprecation(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Turn Home Assistant deprecation and frame-helper reports into failures."""
    caplog.set_level(logging.WARNING)
    # Cached file reads would hide a blocking read on the event loop after the first test.
    load_catalog.cache_clear()
    yield
    reports = [
        r.getMessage()
        for r in caplog.get_records("call")
        if r.levelno >= logging.WARNING and any(m in r.getMessage() for m in DEPRECATION_MARKERS)
    ]
    if reports:
        pytest.fail("Home Assistant deprecation reported:\n" + "\n".join(reports))


@pytest.fixture
def model_dir(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the integration's model lookup at ../shared/models (never download)."""
    from tests.paths import MODELS, require

    folder = require(MODELS)
    monkeypatch.setenv("FALL_DETECTION_MODEL_DIR", str(folder))
    return folder


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Serialise Home Assistant objects the way core's snapshot tests do."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)
