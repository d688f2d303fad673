"""LiteRT versus the portable numpy backend: latency and peak memory, per model, in one run.

Latency: both backends loaded in one process, their invokes interleaved on
the same letterboxed frame (so machine noise hits both alike), median of
--runs each, 1 thread. Memory: each (model, backend) pair also runs alone in a
subprocess, whose peak RSS is reported. Goal: portable at most 3 x LiteRT for
Lightning fp16 on this machine.

Usage: .venv/bin/python benchmarks/backends.py [--runs 30] [--models NAME ...]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time

from common import MODELS, REPO, status_mib, verdict

GOAL_MODEL = "movenet_lightning_fp16"
GOAL = 3.0


def _load(model: str, backend: str) -> tuple[object, object]:
    from core.backends.litert import LiteRTBackend
    from core.backends.portable import (
        PortableBackend,
    )
    from core.catalog import load_catalog
    from core.engine import PoseEngine

    spec = load_catalog().get(model)
    path = MODELS / spec.file
    impl = LiteRTBackend(path, num_threads=1) if backend == "litert" else PortableBackend(path)
    prepared = PoseEngine(spec, impl).prepare((MODELS / "reference" / "squat.bmp").read_bytes())
    return impl, prepared.tensor


def peak_memory(model: str, backend: str, runs: int) -> float:
    """In this process: load one model on one backend, run it, return peak RSS in MiB."""
    impl, tensor = _load(model, backend)
    for _ in range(runs):
        impl.run(tensor)  # type: ignore[attr-defined]
    peak = status_mib("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def latencies(model: str, runs: int) -> tuple[float, float]:
    """Median ms of LiteRT and portable ``run``, interleaved."""
    native, tensor = _load(model, "litert")
    portable, _ = _load(model, "portable")
    times: dict[str, list[float]] = {"litert": [], "portable": []}
    for index in range(runs + 3):
        for name, impl in (("litert", native), ("portable", portable)):
            start = time.perf_counter()
            impl.run(tensor)  # type: ignore[attr-defined]
            if index >= 3:  # warm-up
                times[name].append((time.perf_counter() - start) * 1000)
    return statistics.median(times["litert"]), statistics.median(times["portable"])


def main() -> None:
    """Run every pair in a subprocess and print the table."""
    from core.catalog import load_catalog

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--models", nargs="*", default=[m.name for m in load_catalog().cpu_models()]
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(peak_memory(args.child[0], args.child[1], 10)))
        return

    cpu = platform.processor() or platform.machine()
    print(f"{cpu}, Python {platform.python_version()}, 1 thread")
    print(f"median of {args.runs} invokes on squat.bmp; peak RSS of a process running one pair")
    print(
        f"{'model':<34} {'LiteRT ms':>10} {'portable ms':>12} {'ratio':>7} "
        f"{'LiteRT MiB':>11} {'portable MiB':>13}"
    )
    for model in args.models:
        litert_ms, portable_ms = latencies(model, args.runs)
        row = {}
        for backend in ("litert", "portable"):
            out = subprocess.run(  # noqa: S603 - our own script
                [sys.executable, __file__, "--runs", str(args.runs), "--child", model, backend],
                check=True,
                capture_output=True,
                text=True,
                cwd=REPO,
            ).stdout
            row[backend] = json.loads(out.strip().splitlines()[-1])
        ratio = portable_ms / litert_ms
        goal = f"  goal <= {GOAL}: {verdict(ratio <= GOAL)}" if model == GOAL_MODEL else ""
        print(
            f"{model:<34} {litert_ms:10.1f} {portable_ms:12.1f} {ratio:7.1f} "
            f"{row['litert']:11.0f} {row['portable']:13.0f}{goal}"
        )


if __name__ == "__main__":
    main()
