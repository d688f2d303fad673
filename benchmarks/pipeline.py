"""Cost of each stage of the frame pipeline, for a 1080p and a 720p JPEG, LiteRT and portable.

Median per-frame time of: JPEG decode at reduced size, preprocessing
(letterbox), inference, decoding of outputs, the detector, rendering of the
fall image (done only when a fall is detected, not every frame), and the
whole pipeline (decode to events); next to the raw interpreter ``invoke()``.
Goal (LiteRT, Lightning int8): whole pipeline <= 1.3 x (invoke + draft decode).

Usage: .venv/bin/python benchmarks/pipeline.py [--model NAME] [--runs 50]
"""

from __future__ import annotations

import argparse

from common import MODELS, jpeg_frame, median_ms, verdict
from core.backends.litert import LiteRTBackend
from core.backends.portable import PortableBackend
from core.catalog import load_catalog
from core.engine import PoseEngine
from core.pipeline import FramePipeline
from core.preprocess import letterbox, open_image

GOAL = 1.3


def stages(engine: PoseEngine, frame: bytes, runs: int) -> dict[str, float]:
    """Median ms of each stage on one frame."""
    spec = engine.spec
    target = (spec.input_width, spec.input_height)
    prepared = engine.prepare(frame)
    outputs = engine.infer(prepared)
    people = engine.decode(outputs, prepared.letterbox)
    pipeline = FramePipeline(engine)
    clock = iter(range(10**9))
    result = pipeline.process(frame, 0.0)
    times = {
        "draft JPEG decode": median_ms(lambda: open_image(frame, target), runs),
        "letterbox": median_ms(lambda: letterbox(prepared.decoded, *target), runs),
        "inference (set, invoke, get)": median_ms(lambda: engine.infer(prepared), runs),
        "decode outputs": median_ms(lambda: engine.decode(outputs, prepared.letterbox), runs),
        "detector": median_ms(lambda: pipeline.detector.update(people, float(next(clock))), runs),
        "render fall image (falls only)": median_ms(result.render, max(5, runs // 5)),
        "whole pipeline": median_ms(lambda: pipeline.process(frame, float(next(clock))), runs),
    }
    backend = engine.backend
    if isinstance(backend, LiteRTBackend):
        times["raw invoke()"] = median_ms(backend.invoke_only, runs)
    return times


def main() -> None:
    """Print one table per frame size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=load_catalog().default)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    spec = load_catalog().get(args.model)
    path = MODELS / spec.file
    engines = {
        "LiteRT": PoseEngine(spec, LiteRTBackend(path, num_threads=1)),
        "portable": PoseEngine(spec, PortableBackend(path)),
    }
    for width, height in ((1920, 1080), (1280, 720)):
        frame = jpeg_frame(width, height)
        table = {name: stages(engine, frame, args.runs) for name, engine in engines.items()}
        print(f"\n{spec.name}, {width}x{height} JPEG ({len(frame)} bytes), median of {args.runs}")
        print(f"  {'stage':<32} {'LiteRT ms':>10} {'portable ms':>12}")
        for stage in table["LiteRT"]:
            portable = table["portable"].get(stage)
            shown = f"{portable:12.2f}" if portable is not None else f"{'-':>12}"
            print(f"  {stage:<32} {table['LiteRT'][stage]:10.2f} {shown}")
        lite = table["LiteRT"]
        ratio = lite["whole pipeline"] / (lite["raw invoke()"] + lite["draft JPEG decode"])
        print(
            f"  LiteRT whole pipeline / (invoke + draft decode) = {ratio:.2f} "
            f"(goal <= {GOAL}): {verdict(ratio <= GOAL)}"
        )


if __name__ == "__main__":
    main()
