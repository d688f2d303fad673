"""Many cameras in a real Home Assistant: analysis rate, CPU per frame, memory, event-loop lag.

For each camera count N (1, 4, 8, 16) a child process starts a Home Assistant test instance
(pytest-homeassistant-custom-component's, the pinned version), adds N camera entities that
replay the fixture clips like live cameras, sets the integration up with one camera subentry
each at 1 frame per second, and measures for ``--seconds`` (at least 30):

- analysis rate per camera (frames analysed / s; the slowest camera shows starvation),
- CPU time per analysed frame and CPU cores used by the whole process,
- peak RSS (VmHWM) and RSS growth from 10 s into the window to its end,
- event-loop lag: how late a 10 ms asyncio timer fires (p50, p99, max).

    .venv/bin/python benchmarks/cameras.py                       # LiteRT, then portable
    .venv/bin/python benchmarks/cameras.py --backends litert --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import FIXTURES, MODELS, REPO, status_mib, verdict

COUNTS = (1, 4, 8, 16)
SAMPLE_FPS = 10.0
GOAL_CAMERAS = 16
GOAL_CORES = 1.0
GOAL_LAG_P99_MS = 10.0
STARVED = 0.9  # a camera below 90 % of its 1 fps is starved


def _status(key: str) -> float:
    value = status_mib(key)
    return float("nan") if value is None else value


def _make_camera(name: str, frames: list[bytes], offset: float) -> Any:  # noqa: ANN401
    from homeassistant.components.camera import Camera

    class ReplayCamera(Camera):
        """Serves the clip frame due now, in a loop, like a live camera."""

        def __init__(self) -> None:
            super().__init__()
            self._attr_name = name
            self._attr_unique_id = name.lower().replace(" ", "_")
            self._start = time.monotonic() - offset

        async def async_camera_image(
            self,
            width: int | None = None,  # noqa: ARG002
            height: int | None = None,  # noqa: ARG002
        ) -> bytes | None:
            index = int((time.monotonic() - self._start) * SAMPLE_FPS) % len(frames)
            return frames[index]

    return ReplayCamera()


async def _lag_probe(samples: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(0.010)
        samples.append((time.perf_counter() - start - 0.010) * 1000)


def _empty_room() -> list[bytes]:
    """A room with nobody in it (the Ambianic background frame) as one JPEG."""
    from PIL import Image

    from custom_components.fall_detection.core.video import camera_still

    with Image.open(FIXTURES / "pairs" / "images" / "background.jpg") as image:
        return [camera_still(image.convert("RGB").resize((640, 480)))]


async def _measure(count: int, backend: str, seconds: float, empty: float) -> dict[str, Any]:
    from homeassistant import loader
    from homeassistant.config_entries import ConfigSubentryData
    from homeassistant.setup import async_setup_component
    from pytest_homeassistant_custom_component.common import (
        MockConfigEntry,
        async_test_home_assistant,
        setup_test_component_platform,
    )

    from custom_components.fall_detection.const import DOMAIN, SUBENTRY_CAMERA
    from custom_components.fall_detection.core.video import video_jpegs

    clips = sorted((FIXTURES / "clips").glob("*.mp4"))[:count]  # decode only what is replayed
    loop = asyncio.get_running_loop()
    decoded = [
        await loop.run_in_executor(None, video_jpegs, clip, SAMPLE_FPS, 640) for clip in clips
    ]
    async with async_test_home_assistant(config_dir=str(Path.cwd() / ".bench_config")) as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)
        empty_rooms = round(count * empty)
        cameras = [
            _make_camera(
                f"Room {i}",
                _empty_room() if i < empty_rooms else decoded[i % len(decoded)],
                offset=i * 0.37,
            )
            for i in range(count)
        ]
        setup_test_component_platform(hass, "camera", cameras)
        assert await async_setup_component(hass, "camera", {"camera": {"platform": "test"}})
        subentries = [
            ConfigSubentryData(
                data={"camera_entity_id": f"camera.room_{i}", "fps": 1.0},
                subentry_type=SUBENTRY_CAMERA,
                title=f"Room {i}",
                unique_id=f"camera.room_{i}",
            )
            for i in range(count)
        ]
        entry = MockConfigEntry(
            domain=DOMAIN,
            data={"backend": backend, "model": "movenet_lightning_int8"},
            subentries_data=subentries,
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        coordinators = list(entry.runtime_data.cameras.values())

        # Warm-up: first frames, allocator pools; with empty rooms, until they have been empty
        # for 30 s and are analysed at the idle rate (one frame every 3 s).
        await asyncio.sleep(35 if empty_rooms else 5)
        lag: list[float] = []
        stop = asyncio.Event()
        probe = asyncio.create_task(_lag_probe(lag, stop))
        frames0 = [c.state.analysed_frames for c in coordinators]
        usage0 = resource.getrusage(resource.RUSAGE_SELF)
        wall0 = time.perf_counter()
        await asyncio.sleep(min(10.0, seconds / 3))
        rss_early = _status("VmRSS")
        await asyncio.sleep(seconds - min(10.0, seconds / 3))
        wall = time.perf_counter() - wall0
        usage1 = resource.getrusage(resource.RUSAGE_SELF)
        frames = [c.state.analysed_frames - f for c, f in zip(coordinators, frames0, strict=True)]
        rss_end = _status("VmRSS")
        stop.set()
        await probe
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
        await hass.async_stop(force=True)

    cpu = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)
    lag.sort()
    rates = [f / wall for f in frames[empty_rooms:]] or [0.0]
    empty_rates = [f / wall for f in frames[:empty_rooms]]
    return {
        "cameras": count,
        "backend": backend,
        "empty": empty_rooms,
        "seconds": round(wall, 1),
        "rate_min": min(rates),
        "rate_mean": statistics.fmean(rates),
        "empty_rate": statistics.fmean(empty_rates) if empty_rates else None,
        "cpu_ms_per_frame": 1000 * cpu / max(sum(frames), 1),
        "cores": cpu / wall,
        "peak_rss_mib": _status("VmHWM"),
        "rss_growth_mib": rss_end - rss_early,
        "lag_p50_ms": lag[len(lag) // 2],
        "lag_p99_ms": lag[min(len(lag) - 1, int(len(lag) * 0.99))],
        "lag_max_ms": lag[-1],
    }


def _child(count: int, backend: str, seconds: float, empty: float) -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("FALL_DETECTION_MODEL_DIR", str(MODELS))
    result = asyncio.run(_measure(count, backend, seconds, empty))
    print("RESULT " + json.dumps(result), flush=True)


def _run(count: int, backend: str, seconds: float, empty: float) -> dict[str, Any] | None:
    command = [sys.executable, __file__, "--child", str(count), backend, str(seconds), str(empty)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)  # noqa: S603
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
            return result
    print(done.stdout[-2000:], done.stderr[-3000:], file=sys.stderr)
    return None


def _goal(label: str, goal: float, value: float, *, low: bool = False) -> None:
    """Print one goal: ``value`` must stay under ``goal`` (or reach it with ``low``)."""
    ok = value >= goal if low else value < goal
    print(f"    {label} ({'>=' if low else '<'} {goal}): {verdict(ok)}")


def main() -> int:
    """Run every camera count for each backend and print the table and the goals."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", nargs="+", default=["litert", "portable"])
    parser.add_argument("--counts", nargs="+", type=int, default=list(COUNTS))
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--empty", type=float, default=0.0, help="share of cameras showing an empty room (0-1)"
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(int(args.child[0]), args.child[1], float(args.child[2]), float(args.child[3]))
        return 0
    seconds = max(args.seconds, 30.0)
    print(
        f"{'backend':<9} {'cams':>4} {'empty':>5} {'min fps':>8} {'mean fps':>9} {'empty fps':>9} "
        f"{'CPU ms/frame':>13} "
        f"{'cores':>6} {'peak RSS':>9} {'RSS growth':>11} {'lag p50':>8} {'p99':>7} {'max':>7}"
    )
    results = []
    for backend in args.backends:
        for count in args.counts:
            r = _run(count, backend, seconds, args.empty)
            if r is None:
                print(f"{backend:<9} {count:>4} failed (see above)")
                continue
            results.append(r)
            print(
                f"{backend:<9} {count:>4} {r['empty']:>5} {r['rate_min']:>8.2f} "
                f"{r['rate_mean']:>9.2f} {r['empty_rate'] or 0:>9.2f} "
                f"{r['cpu_ms_per_frame']:>13.1f} {r['cores']:>6.2f} {r['peak_rss_mib']:>8.0f}M "
                f"{r['rss_growth_mib']:>+10.1f}M {r['lag_p50_ms']:>7.2f} "
                f"{r['lag_p99_ms']:>7.2f} {r['lag_max_ms']:>7.1f}",
                flush=True,
            )
    print(
        f"\nGoals on this machine ({os.cpu_count()} cores, {seconds:.0f} s per run, "
        f"{args.empty:.0%} of cameras showing an empty room):"
    )
    for backend in args.backends:
        runs = {r["cameras"]: r for r in results if r["backend"] == backend}
        served = [n for n, r in sorted(runs.items()) if r["rate_min"] >= STARVED]
        print(f"  {backend}: cameras served at 1 fps, none starved: up to {max(served, default=0)}")
        if backend == "litert" and GOAL_CAMERAS in runs:
            r = runs[GOAL_CAMERAS]
            _goal(f"16 cameras, slowest {r['rate_min']:.2f} fps", STARVED, r["rate_min"], low=True)
            _goal(f"total CPU {r['cores']:.2f} cores", GOAL_CORES, r["cores"])
            _goal(f"event-loop lag p99 {r['lag_p99_ms']:.2f} ms", GOAL_LAG_P99_MS, r["lag_p99_ms"])
            _goal(f"RSS growth {r['rss_growth_mib']:+.1f} MiB", 8, r["rss_growth_mib"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
