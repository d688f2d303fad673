"""Test configuration shared by every test."""

from __future__ import annotations

import builtins
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from syrupy.location import PyTestLocation

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from tests.helpers import FrameFile

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
    yield
    reports = [
        r.getMessage()
        for r in caplog.get_records("call")
        if r.levelno >= logging.WARNING and any(m in r.getMessage() for m in DEPRECATION_MARKERS)
    ]
    if reports:
        pytest.fail("Home Assistant deprecation reported:\n" + "\n".join(reports))


@pytest.fixture(autouse=True)
def config_dir_per_test(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test's Home Assistant gets its own config directory (older test plugins).

    The plugin's default is one shared folder inside site-packages: user data written
    there (the learned floor, the dataset) would leak from one test into the next.
    """
    from pytest_homeassistant_custom_component import common

    config = tmp_path / "ha_config"
    config.mkdir(exist_ok=True)
    monkeypatch.setattr(common, "get_test_config_dir", lambda *add: str(config.joinpath(*add)))


@pytest.fixture
def hass_config_dir(tmp_path: Path) -> str:
    """The same per-test config directory for newer test plugins (they ask this fixture)."""
    config = tmp_path / "ha_config"
    config.mkdir(exist_ok=True)
    return str(config)


@pytest.fixture
def model_dir(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the integration's model lookup at ../shared/models (never download)."""
    from tests.paths import MODELS, require

    folder = require(MODELS)
    monkeypatch.setenv("FALL_DETECTION_MODEL_DIR", str(folder))
    return folder


@pytest.fixture
async def frames(hass: HomeAssistant, tmp_path: Path) -> FrameFile:
    """The Home Assistant tests' camera: a standing person, its frame file to swap for others."""
    from tests.helpers import standing_camera

    return await standing_camera(hass, tmp_path)


class _ReleaseSnapshots(HomeAssistantSnapshotExtension):
    """Snapshots kept per Home Assistant year: registry entries gain fields between releases."""

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        from homeassistant.const import MAJOR_VERSION

        return str(Path(test_location.filepath).parent / "snapshots" / f"ha{MAJOR_VERSION}")


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Serialise Home Assistant objects the way core's snapshot tests do."""
    return snapshot.use_extension(_ReleaseSnapshots)


@pytest.fixture
def no_native_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ai-edge-litert, tflite-runtime and tensorflow unimportable (as on Alpine)."""
    real_import = builtins.__import__

    def blocked(name: str, *args: object, **kwargs: object) -> object:
        if name.split(".")[0] in {"ai_edge_litert", "tflite_runtime", "tensorflow"}:
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    for mod in [m for m in sys.modules if m.startswith(("ai_edge_litert", "tflite_runtime"))]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setattr(builtins, "__import__", blocked)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Remember each phase's outcome on the test item (the fault table reads it)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the soak report and the fault table when those tests ran."""
    from tests.faults import FAULT_TABLE, SOAK_REPORT

    write = terminalreporter.write_line
    if SOAK_REPORT:
        terminalreporter.section("soak")
        for line in SOAK_REPORT:
            write(line)
    if not FAULT_TABLE:
        return
    terminalreporter.section("fault injection")
    write(f"{'fault':<44} {'survived':<9} {'labels lost':<12} {'other cameras':<14} expected")
    for row in FAULT_TABLE:
        lost = "-" if row.labels_lost is None else str(row.labels_lost)
        survived = "yes" if row.survived else "NO"
        write(f"{row.fault:<44} {survived:<9} {lost:<12} {row.other_cameras:<14} {row.expected}")
    total_lost = sum(r.labels_lost or 0 for r in FAULT_TABLE)
    write(
        f"faults tried: {len(FAULT_TABLE)}, survived: {sum(r.survived for r in FAULT_TABLE)}, "
        f"labels lost: {total_lost}"
    )


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Enable entities that are disabled by default (as Home Assistant core's fixture does)."""
    from unittest.mock import PropertyMock, patch

    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield
