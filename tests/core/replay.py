"""Replay a real clip as the integration samples a camera, and collect what the detector says."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from custom_components.fall_detection.const import DEFAULT_BURSTS, DEFAULT_FPS
from custom_components.fall_detection.core.detector import BURST_FPS, RateConfig
from custom_components.fall_detection.core.people import DEFAULT_PEOPLE, PeopleConfig
from custom_components.fall_detection.core.pipeline import FramePipeline
from custom_components.fall_detection.core.video import camera_still, replay_video

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import numpy as np

    from custom_components.fall_detection.core.detector import FallEvent
    from custom_components.fall_detection.core.engine import PoseEngine

DEFAULT_RATE = RateConfig(base_fps=DEFAULT_FPS, burst_fps=BURST_FPS if DEFAULT_BURSTS else 0.0)


@dataclass
class Replayed:
    """One replay: its alerts, the track ids used, and when frames were analysed."""

    alerts: list[FallEvent] = field(default_factory=list)
    track_ids: set[int] = field(default_factory=set)
    times: list[float] = field(default_factory=list)
    """When each frame was analysed."""
    intervals: list[float] = field(default_factory=list)
    """The seconds to the next frame the detector asked for after each."""


def replay_clip(
    engine: PoseEngine,
    clip: Path,
    video_fps: float,
    rate: RateConfig = DEFAULT_RATE,
    delay: float = 0.0,
    *,
    second_opinion: bool = True,
    look_around: bool = True,
    jpeg: int | None = None,
    checker: PoseEngine | None = None,
    people: PeopleConfig | None = DEFAULT_PEOPLE,
    framing: Callable[[np.ndarray], np.ndarray] | None = None,
) -> Replayed:
    """Replay ``clip`` through a fresh pipeline at ``rate`` (the integration's defaults).

    ``delay``: the second frame held back by that many seconds (another phase of the camera
    loop, ``core.video.replay_frames``); ``second_opinion``: the pipeline's mirrored second
    reading before a fall is raised (on by default, as in the integration); ``look_around``:
    its reading of the frame cut around where the person was (on by default too); ``jpeg``:
    each frame handed over as a JPEG still of that quality, as a camera entity serves it;
    ``checker``: the model that makes the second readings (``FramePipeline``); ``people``: the
    pose stage's settings (``FramePipeline``); ``framing``: applied to each frame first (another
    camera's framing of the same view, e.g. a 16:9 frame around the clip).
    """
    pipeline = FramePipeline(
        engine,
        rate=rate,
        second_opinion=second_opinion,
        look_around=look_around,
        checker=checker,
        people=people,
    )
    out = Replayed()

    def analyse(t: float, image: np.ndarray) -> float:
        if framing is not None:
            image = framing(image)
        result = pipeline.process(image if jpeg is None else camera_still(image, jpeg), t)
        out.alerts.extend(e for e in result.events if e.is_alert)
        out.track_ids.update(track_id for track_id, _ in pipeline.detector.last_tracks)
        out.times.append(t)
        out.intervals.append(result.next_interval)
        return result.next_interval

    replay_video(clip, analyse, video_fps, delay)
    return out
