"""Labelled datasets made of real pose sequences (the Ambianic pair images through MoveNet)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from custom_components.fall_detection.core.catalog import load_catalog
from custom_components.fall_detection.core.engine import PoseEngine
from custom_components.fall_detection.core.learning.dataset import (
    Dataset,
    Sample,
    sequence_to_json,
)
from custom_components.fall_detection.core.pipeline import FramePipeline
from tests.helpers import CAMERA
from tests.paths import MODELS, PAIRS, require


@cache
def real_sequences() -> tuple[list, list]:
    spec = load_catalog().get("movenet_lightning_int8")
    engine = PoseEngine.load(spec, require(MODELS / spec.file))

    def seq(names: list[str]) -> list:
        pipeline = FramePipeline(engine)
        for index, name in enumerate(names):
            pipeline.process((PAIRS / "images" / name).read_bytes(), 2.0 * index)
        return pipeline.detector.recent(pipeline.detector.busiest_track())

    falls = [seq(["fall_img_1.png", "fall_img_2.png"]), seq(["fall_img_11.png", "fall_img_12.png"])]
    still = [seq(["fall_img_1.png", "fall_img_4.png"]), seq(["fall_img_15.png", "fall_img_16.png"])]
    engine.close()
    return falls, still


def write_dataset(path: Path, count: int, *, contradict: bool = False, prefix: str = "s") -> None:
    falls, still = real_sequences()
    dataset = Dataset()
    for i in range(count):
        fall = i % 2 == 0
        seq = falls[i % 2] if fall else still[i % 2]
        dataset.label(
            Sample(f"{prefix}{i}", CAMERA, fall != contradict, "train", "", sequence_to_json(seq))
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dataset.to_dict()))
