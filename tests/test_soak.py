"""Soak: four cameras for ten minutes of simulated time with random faults injected.

Time moves through Home Assistant's own timer (the clock is advanced and the scheduled
refreshes fire), so the coordinators' scheduling, back-off, the idle rate for an empty room
and the monitoring problem sensor run as they do in a real installation. One camera is out for
160 s in the middle, another shows an empty room for 100 s. Reports frames analysed, faults
survived and memory; checks that labels given along the way are all stored, and that no task or
thread is left after unloading.
"""

from __future__ import annotations

import asyncio
import gc
import random
import threading
from pathlib import Path

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    async_capture_events,
    async_fire_time_changed,
    setup_test_component_platform,
)

from custom_components.fall_detection.const import DOMAIN, EVENT_FALL_DETECTED, MAX_BACKOFF_SECONDS
from tests.faults import BAD_FRAMES, SOAK_REPORT, FaultyCamera, LabelLedger, bad_frames
from tests.helpers import camera_subentry, fall_entry
from tests.paths import PAIRS, require

pytestmark = pytest.mark.slow

CAMERAS = 4
SIMULATED_SECONDS = 600
WARM_UP_SECONDS = 120  # allocator pools, detector windows and the first fall images fill up
FAULT_RATE = 0.05  # per camera and frame
FAULT_MODES = ("raise", "none", "empty", *BAD_FRAMES)
OUTAGE = range(200, 360)  # room 2's camera is down: back-off, then the problem sensor (120 s)
EMPTY = range(400, 500)  # nobody in room 3: analysed every 3 s after 30 s
PROBLEM = "binary_sensor.room_2_monitoring"


def _rss_mib() -> float:
    """Resident memory after a full garbage collection."""
    gc.collect()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cameras() -> list[FaultyCamera]:
    cameras = []
    for index in range(CAMERAS):
        camera = FaultyCamera()
        camera._attr_name = f"Room {index}"
        camera._attr_unique_id = f"soak_room_{index}"
        cameras.append(camera)
    return cameras


def _serve(camera: FaultyCamera, frame: bytes, rng: random.Random) -> bool:
    """Set the camera's next frame; now and then a random fault instead. True on a fault."""
    camera.mode, camera.payload = "ok", frame
    if rng.random() >= FAULT_RATE:
        return False
    mode = rng.choice(FAULT_MODES)
    if mode in BAD_FRAMES:
        camera.payload = bad_frames()[mode]
    elif mode == "empty":
        camera.payload = b""
    else:
        camera.mode = mode
    return True


def _leftovers(threads_before: set[int | None]) -> tuple[list[str], int]:
    """Threads started since ``threads_before`` (not Home Assistant's pools), our tasks."""
    threads = [
        t.name
        for t in threading.enumerate()
        if t.ident not in threads_before
        and t.is_alive()
        and not t.name.startswith(("SyncWorker_", "ImportExecutor_"))
    ]
    tasks = [
        t for t in asyncio.all_tasks() if t is not asyncio.current_task() and DOMAIN in repr(t)
    ]
    return threads, len(tasks)


async def _label(hass: HomeAssistant, detection_id: str, verdict: str) -> None:
    await hass.services.async_call(
        DOMAIN, "label", {"verdict": verdict, "detection_id": detection_id}, blocking=True
    )


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom_components/."""


async def test_soak_four_cameras_ten_minutes_with_faults(  # noqa: PLR0915 - one scenario
    hass: HomeAssistant,
    model_dir: Path,
    tmp_path: Path,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    hass.config.config_dir = str(tmp_path / "config")
    rng = random.Random(20261125)  # noqa: S311 - reproducible faults, not secrets
    standing = require(PAIRS / "images" / "fall_img_1.png").read_bytes()
    fallen = require(PAIRS / "images" / "fall_img_2.png").read_bytes()
    empty = require(PAIRS / "images" / "background.jpg").read_bytes()

    cameras = _cameras()
    setup_test_component_platform(hass, "camera", cameras)
    assert await async_setup_component(hass, "camera", {"camera": {"platform": "test"}})
    await hass.async_block_till_done()
    threads_before = {t.ident for t in threading.enumerate()}
    fired = async_capture_events(hass, EVENT_FALL_DETECTED)
    # Bursts off: on the frozen test clock a burst never ends (the detector reads the frozen
    # monotonic clock), and Home Assistant 2026 schedules refreshes on the event loop's own
    # clock, so a 0.2 s interval keeps refreshing while the test waits. Bursts have their own
    # tests (test_init.py, core/test_rate.py); the newest-HA smoke test runs them on a real clock.
    rooms = (camera_subentry(f"camera.room_{i}", bursts=False) for i in range(CAMERAS))
    entry = fall_entry(*rooms)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    coordinators = list(entry.runtime_data.cameras.values())
    ledger = LabelLedger(tmp_path / "config" / DOMAIN / "dataset.json")
    rss_start = _rss_mib()
    rss_warm = 0.0

    faults = analysed = labelled = 0
    counts = [0] * CAMERAS  # frames analysed per camera
    longest_interval, problem_states, empty_frames = 0.0, set(), 0
    for second in range(SIMULATED_SECONDS):
        if second == WARM_UP_SECONDS:
            rss_warm = _rss_mib()
        for index, camera in enumerate(cameras):
            down = (second + 5 * index) % 40 >= 30  # down for 10 s of every 40
            faults += _serve(camera, fallen if down else standing, rng)
        if second in OUTAGE:
            cameras[2].mode = "raise"
        if second in EMPTY:
            cameras[3].mode, cameras[3].payload = "ok", empty
        before = [c.analysed_frames for c in (c.state for c in coordinators)]
        freezer.tick(1)
        async_fire_time_changed(hass)  # the refreshes that are due run, as in Home Assistant
        await hass.async_block_till_done(wait_background_tasks=True)
        done = [c.state.analysed_frames - b for c, b in zip(coordinators, before, strict=True)]
        counts = [n + d for n, d in zip(counts, done, strict=True)]
        analysed += sum(done)
        empty_frames += done[3] if second in EMPTY[40:] else 0
        longest_interval = max(longest_interval, coordinators[2].update_interval.total_seconds())
        problem_states.add((second in OUTAGE, hass.states.get(PROBLEM).state))
        for event in fired[labelled:]:  # a caregiver answers every detection
            await _label(hass, event.data["detection_id"], rng.choice(["agree", "disagree"]))
            ledger.ids.add(event.data["detection_id"])
        labelled = len(fired)
        # Checked every second and then dropped: caplog would keep every record for the whole run.
        escaped = [r.getMessage() for r in caplog.records if r.exc_info or "Traceback" in r.msg]
        assert not escaped, escaped
        caplog.clear()

    rss_end = _rss_mib()
    # Room 2's camera is back since second 360, but its back-off can still hold the next
    # refresh for minutes (up to 5): the problem clears at that refresh, not before. Serve good
    # frames until it comes (the problem sensor must clear within the longest back-off).
    for _ in range(MAX_BACKOFF_SECONDS):
        if hass.states.get(PROBLEM).state == "off":
            break
        cameras[2].mode, cameras[2].payload = "ok", standing
        freezer.tick(1)
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
    problem_at_end = hass.states.get(PROBLEM).state
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    leftover_threads, leftover_tasks = _leftovers(threads_before)
    SOAK_REPORT.append(
        f"soak: {CAMERAS} cameras, {SIMULATED_SECONDS} s simulated: {analysed} frames analysed, "
        f"{faults} faults injected and survived, {len(fired)} detections labelled, "
        f"longest back-off {longest_interval:.0f} s, empty room analysed {empty_frames} times "
        f"in {len(EMPTY) - 40} s, "
        f"labels lost {ledger.lost()}, RSS {rss_start:.0f} MiB at start, {rss_warm:.0f} after "
        f"{WARM_UP_SECONDS} s, {rss_end:.0f} at the end, "
        f"leftover threads {leftover_threads}, leftover tasks {leftover_tasks}"
    )
    assert faults > 50
    # about one frame a second per camera; a random fault costs its frame and one back-off step
    assert min(counts[:2]) >= SIMULATED_SECONDS - 3 * faults
    assert longest_interval >= 60  # the outage backed off (2, 4, 8, ... s)
    assert (True, "on") in problem_states  # monitoring problem reported during the outage
    assert (False, "on") not in problem_states or (True, "off") in problem_states
    assert problem_at_end == "off"  # and cleared once the camera is back
    # idle rate: every 3 s (20 frames; timer rounding has given up to 30), not every second (60)
    assert empty_frames <= 0.6 * (len(EMPTY) - 40)
    assert len(fired) >= CAMERAS * SIMULATED_SECONDS // 40 // 2
    assert ledger.lost() == 0
    assert ledger.on_disk() == ledger.ids
    assert not leftover_threads
    assert not leftover_tasks
    assert rss_end - rss_warm < 16  # no growth with time once warm (about 1900 frames)
