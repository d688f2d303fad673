"""Smoke test: the newest Home Assistant on the package index runs the integration.

The suite runs on the newest release its test harness supports (.venv-current); this test starts
the newest release there is (.venv-newest, made by scripts/setup) with scripts/develop on a
replayed fall clip, logs in through the HTTP API and waits for the Fall sensor. The integration
must load, detect the fall, and log no warning or error of its own.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import time
from pathlib import Path

import aiohttp
import pytest

from tests.paths import REPO
from tests.test_develop import host_only, log_problems, run_develop

pytestmark = pytest.mark.slow
FALL = "binary_sensor.living_room_fall"


def _bootstrap_module():
    spec = importlib.util.spec_from_file_location(
        "develop_bootstrap", REPO / "scripts" / "develop_bootstrap.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def _wait_for_fall(url: str, patience: float) -> tuple[str, float]:
    bootstrap = _bootstrap_module()
    async with aiohttp.ClientSession() as session:
        client = bootstrap.Bootstrap(session, url)
        await client.login()
        config = await client.call("GET", "/api/config")
        started = time.monotonic()
        while time.monotonic() - started < patience:
            try:
                state = await client.call("GET", f"/api/states/{FALL}")
            except RuntimeError:  # 404 until the camera's entities are added
                state = {"state": None}
            if state["state"] == "on":
                return config["version"], time.monotonic() - started
            await asyncio.sleep(1)
    pytest.fail(f"{FALL} did not turn on within {patience:.0f} s")


def test_newest_home_assistant_detects_the_fall(socket_enabled: None, tmp_path: Path) -> None:
    host_only()
    if not (REPO / ".venv-newest" / "bin" / "hass").exists():
        if os.environ.get("CI"):
            pytest.fail(".venv-newest missing: scripts/setup makes it")
        pytest.skip(".venv-newest missing: run scripts/setup")
    with run_develop(tmp_path, "newest") as (url, config, output):
        assert any("Watching camera.living_room" in line for line in output)
        version, seconds = asyncio.run(_wait_for_fall(url, 120.0))
    installed = (REPO / ".venv-newest").glob("lib/python*/site-packages/homeassistant-*.dist-info")
    assert version in {p.name.removesuffix(".dist-info").split("-")[1] for p in installed}
    assert seconds < 120.0
    problems = log_problems(config, (" ERROR ", " WARNING "))
    problems = [line for line in problems if "has not been tested by Home Assistant" not in line]
    assert not problems, "\n".join(problems)
