"""LiteRT versus the portable numpy backend: latency and peak memory, per model, in one run.

Each (model, backend) pair runs in its own subprocess so that peak RSS
belongs to that pair alone; latencies are medians of --runs invokes on the
same letterboxed frame, 1 thread. Goal: portable at most 3 x LiteRT for
Lightning fp16 on this machine.

Usage: .venv/bin/python benchmarks/backends.py [--runs 30] [--models NAME ...]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys

from common import MODELS, REPO, median_ms, verdict

GOAL_MODEL = "movenet_lightning_fp16"
GOAL = 3.0


def measure(model: str, backend: str, runs: int) -> dict[str, float]:
    """In this process: load one model on one backend and time ``invoke``."""
    from core.backends.litert import LiteRTBackend
    from core.backends.portable import (
        PortableBackend,
    )
    from core.catalog import load_catalog
    from core.engine import PoseEngine

    spec = load_catalog().get(model)
    path = MODELS / spec.file
    impl = LiteRTBackend(path, num_threads=1) if backend == "litert" else PortableBackend(path)
    engine = PoseEngine(spec, impl)
    prepared = engine.prepare((MODELS / "reference" / "squat.bmp").read_bytes())
    ms = median_ms(lambda: impl.run(prepared.tensor), runs, warmup=3)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"ms": ms, "peak_mib": peak_kib / 1024}


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
        print(json.dumps(measure(args.child[0], args.child[1], args.runs)))
        return

    cpu = platform.processor() or platform.machine()
    print(f"{cpu}, Python {platform.python_version()}, 1 thread")
    print(f"median of {args.runs} invokes on squat.bmp; peak RSS of a process running one pair")
    print(
        f"{'model':<34} {'LiteRT ms':>10} {'portable ms':>12} {'ratio':>7} "
        f"{'LiteRT MiB':>11} {'portable MiB':>13}"
    )
    for model in args.models:
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
        ratio = row["portable"]["ms"] / row["litert"]["ms"]
        goal = f"  goal <= {GOAL}: {verdict(ratio <= GOAL)}" if model == GOAL_MODEL else ""
        print(
            f"{model:<34} {row['litert']['ms']:10.1f} {row['portable']['ms']:12.1f} {ratio:7.1f} "
            f"{row['litert']['peak_mib']:11.0f} {row['portable']['peak_mib']:13.0f}{goal}"
        )


if __name__ == "__main__":
    main()
