"""Frame pipeline: image and timestamp in, people and fall events out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .detector import DetectorConfig, FallDetector, FallEvent
from .preprocess import ImageInput, open_image
from .rotation import estimate_upright_or_rotated

if TYPE_CHECKING:
    from .engine import PoseEngine
    from .types import PoseResult


@dataclass(frozen=True, slots=True)
class FrameResult:
    """What one frame produced."""

    timestamp: float
    pose: PoseResult
    events: list[FallEvent]


class FramePipeline:
    """Decode, estimate poses (retrying rotated frames), and run the fall detector.

    One pipeline per camera: it holds that camera's detector state. The
    engine may be shared between pipelines (it is thread-safe).
    """

    def __init__(
        self,
        engine: PoseEngine,
        config: DetectorConfig | None = None,
        *,
        rotate_retry: bool = True,
    ) -> None:
        """Wrap ``engine`` with a fresh detector."""
        self.engine = engine
        self.detector = FallDetector(config)
        self.rotate_retry = rotate_retry

    def estimate(self, image: ImageInput) -> PoseResult:
        """Poses in one frame, retried on the turned frame when no torso is confident."""
        spec = self.engine.spec
        decoded = open_image(image, (spec.input_width, spec.input_height))
        if not self.rotate_retry:
            return self.engine.estimate(decoded)
        threshold = self.detector.config.keypoint_threshold
        return estimate_upright_or_rotated(self.engine, decoded, threshold, threshold)

    def process(self, image: ImageInput, timestamp: float) -> FrameResult:
        """Analyse one frame taken at ``timestamp`` (seconds, any origin)."""
        pose = self.estimate(image)
        return FrameResult(timestamp, pose, self.detector.update(pose.people, timestamp))
