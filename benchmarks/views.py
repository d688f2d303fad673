"""Camera views of a dataset, found without labels, and the floor each view has learned.

A running camera has learned its floor from the people it saw walking before (``core``'s
floor model). A benchmark clip is a few seconds long, so on its own it teaches almost
nothing. Here each clip can get the floor learned, label-free, from the feet of the people
standing and walking in the *other* clips of the same view (never from itself). Views are
found without labels too: clips whose first frames look alike (correlation of 32 x 24 grey
thumbnails above ``SAME_VIEW``) share a view.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np
from core.detector import DetectorConfig, FloorModel
from core.pipeline import FramePipeline
from core.video import frames
from PIL import Image

if TYPE_CHECKING:
    from pathlib import Path

    from core.engine import PoseEngine
    from core.evaluation import Labelled

SAME_VIEW = 0.8
LEARN_FPS = 2.0


def _signature(path: Path, video_fps: float | None) -> np.ndarray:
    for _t, image in frames(path, 1.0, video_fps):
        grey = Image.fromarray(np.asarray(image)).convert("L").resize((32, 24))
        values = np.asarray(grey, dtype=np.float64).ravel()
        values -= values.mean()
        return values / (np.linalg.norm(values) + 1e-9)
    return np.zeros(32 * 24)


def views(clips: list[tuple[Labelled, Path, float | None]]) -> list[int]:
    """A view number per clip: clips whose first frames correlate above SAME_VIEW share one."""
    signatures: list[np.ndarray] = []
    out = []
    for _clip, path, video_fps in clips:
        sig = _signature(path, video_fps)
        scores = [float(s @ sig) for s in signatures]
        if scores and max(scores) > SAME_VIEW:
            out.append(int(np.argmax(scores)))
        else:
            signatures.append(sig)
            out.append(len(signatures) - 1)
    return out


def learned_counts(engine: PoseEngine, path: Path, video_fps: float | None) -> np.ndarray:
    """The floor one clip teaches (feet of its standing and walking people)."""
    floor = FloorModel()
    pipeline = FramePipeline(engine, DetectorConfig(long_lie_seconds=1e9), floor=floor)
    for t, image in frames(path, LEARN_FPS, video_fps):
        pipeline.process(image, t)
    return floor.counts


def warm_floors(
    engine: PoseEngine, clips: list[tuple[Labelled, Path, float | None]]
) -> list[FloorModel]:
    """Per clip, the floor learned from the other clips of its view (empty when alone)."""
    view_of = views(clips)
    counts = [learned_counts(engine, path, fps) for _clip, path, fps in clips]
    by_view: dict[int, list[int]] = defaultdict(list)
    for index, view in enumerate(view_of):
        by_view[view].append(index)
    floors = []
    for index in range(len(clips)):
        others = [i for i in by_view[view_of[index]] if i != index]
        floors.append(FloorModel(np.sum([counts[i] for i in others], axis=0) if others else None))
    return floors
