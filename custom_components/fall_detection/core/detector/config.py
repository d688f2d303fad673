"""The detector's thresholds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    """Thresholds of the detector; the defaults follow Ambianic where it has one."""

    keypoint_threshold: float = 0.11
    min_seconds: float = 1.0
    max_seconds: float = 10.0
    descent_seconds: float = 4.0
    agree_seconds: float = 1.0
    alert_threshold: float = 0.5
    confirm_seconds: float = 5.0
    cooldown_seconds: float = 30.0
    slow_window_seconds: float = 60.0
    slow_down_seconds: float = 10.0
    slow_hip_drop: float = 1.0
    slow_confidence: float = 0.6
    stay_seconds: float = 1.5
    lowering_seconds: float = 2.0
    settled_seconds: float = 4.0
    stay_tilt: float = 60.0
    stay_turn: float = 60.0
    roll_seconds: float = 5.0
    long_lie_seconds: float = 60.0
