"""Helpers shared by the benchmarks: paths, test frames, timing."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
MODELS = SHARED / "models"
FIXTURES = SHARED / "fixtures"
# Import the engine as the top-level package ``core``: it has no Home Assistant imports,
# and going through custom_components.fall_detection would load Home Assistant too.
sys.path.insert(0, str(REPO / "custom_components" / "fall_detection"))


def status_mib(key: str) -> float | None:
    """A memory line of /proc/self/status (VmRSS, VmHWM) in MiB; None off Linux.

    VmHWM belongs to this process image; ru_maxrss would carry a parent's peak over exec.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return None


def jpeg_frame(width: int, height: int, source: Path | None = None, quality: int = 90) -> bytes:
    """Return a camera-like JPEG: a real fixture frame scaled to ``width`` x ``height``."""
    from core.video import camera_still

    src = source or FIXTURES / "pairs" / "images" / "fall_img_1.png"
    image = Image.open(src).convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
    return camera_still(image, quality)


def median_ms(fn: Callable[[], object], runs: int, warmup: int = 5) -> float:
    """Median wall time of ``fn`` in milliseconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def verdict(ok: bool) -> str:
    """Pass/fall-short label for a goal."""
    return "PASS" if ok else "FALLS SHORT"
