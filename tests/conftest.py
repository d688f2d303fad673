"""Test configuration shared by every test."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

DEPRECATION_MARKERS = (
    "will stop working in Home Assistant",
    "which is deprecated",
    "Detected that custom integration",
    "Detected code that",
)


@pytest.fixture(autouse=True)
def fail_on_ha_deprecation(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Turn Home Assistant deprecation and frame-helper reports into failures."""
    caplog.set_level(logging.WARNING)
    yield
    reports = [
        r.getMessage()
        for r in caplog.get_records("call")
        if r.levelno >= logging.WARNING and any(m in r.getMessage() for m in DEPRECATION_MARKERS)
    ]
    if reports:
        pytest.fail("Home Assistant deprecation reported:\n" + "\n".join(reports))
