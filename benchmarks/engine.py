"""Engine overhead: full frame-to-keypoints time versus the raw interpreter.

On one 1920x1080 JPEG, in one run: the median of the raw ``invoke()`` of the
model, of the reduced-size JPEG decode, and of the whole engine (decode,
letterbox, invoke, decode outputs), and their ratio.
Goal (Lightning int8): engine <= 1.3 x (invoke + draft decode).

Usage: .venv/bin/python benchmarks/engine.py [--model NAME] [--runs 50] [--threads N]
"""

from __future__ import annotations

import argparse
import platform

from common import MODELS, jpeg_frame, median_ms, verdict
from core.backends.litert import LiteRTBackend
from core.catalog import load_catalog
from core.engine import PoseEngine
from core.preprocess import letterbox, open_image

GOAL = 1.3


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=load_catalog().default)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--size", default="1920x1080")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    spec = load_catalog().get(args.model)
    backend = LiteRTBackend(MODELS / spec.file, num_threads=args.threads)
    engine = PoseEngine(spec, backend)
    frame = jpeg_frame(width, height)
    target = (spec.input_width, spec.input_height)
    prepared = engine.prepare(frame)
    backend.run(prepared.tensor)  # leaves the input set for invoke_only
    outputs = engine.infer(prepared)

    stages = {
        "raw invoke()": lambda: backend.invoke_only(),
        "draft JPEG decode": lambda: open_image(frame, target),
        "letterbox": lambda: letterbox(prepared.decoded, *target),
        "set + invoke + get": lambda: engine.infer(prepared),
        "decode outputs": lambda: engine.decode(outputs, prepared.letterbox),
        "engine (frame -> people)": lambda: engine.estimate(frame),
    }
    times = {name: median_ms(fn, args.runs) for name, fn in stages.items()}
    base = times["raw invoke()"] + times["draft JPEG decode"]
    ratio = times["engine (frame -> people)"] / base

    print(
        f"model {spec.name}, {width}x{height} JPEG ({len(frame)} bytes), {args.threads} thread(s)"
    )
    print(f"median of {args.runs} runs each, {platform.processor() or platform.machine()}")
    for name, ms in times.items():
        print(f"  {name:<26} {ms:8.2f} ms")
    print(
        f"engine / (invoke + draft decode) = {ratio:.2f} (goal <= {GOAL}): {verdict(ratio <= GOAL)}"
    )


if __name__ == "__main__":
    main()
