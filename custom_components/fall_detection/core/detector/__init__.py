"""Fall detection from a stream of pose results with timestamps."""

from .ambianic import AmbianicHeuristic, BaselineVerdict
from .config import DetectorConfig
from .events import FallEvent, FallEventType
from .fall import FallDetector
from .floor import FloorError, FloorModel, FloorVerdict
from .longlie import LongLie, LongLieMonitor
from .rate import BURST_FPS, AdaptiveRate, RateConfig
from .tracking import Track, Tracker

__all__ = [
    "BURST_FPS",
    "AdaptiveRate",
    "AmbianicHeuristic",
    "BaselineVerdict",
    "DetectorConfig",
    "FallDetector",
    "FallEvent",
    "FallEventType",
    "FloorError",
    "FloorModel",
    "FloorVerdict",
    "LongLie",
    "LongLieMonitor",
    "RateConfig",
    "Track",
    "Tracker",
]
