"""Constants for the Fall Detection integration."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "fall_detection"

# Integration-wide settings (config entry data, editable in the options flow)
CONF_BACKEND: Final = "backend"
CONF_MODEL: Final = "model"
CONF_EDGETPU_DEVICE: Final = "edgetpu_device"
CONF_IMAGE_RETENTION: Final = "image_retention_days"
CONF_SAMPLE_RETENTION: Final = "sample_retention_days"
DEFAULT_IMAGE_RETENTION: Final = 30  # days; 0 keeps them until the dataset is deleted
DEFAULT_SAMPLE_RETENTION: Final = 0

# Per camera settings (config subentries of type "camera")
SUBENTRY_CAMERA: Final = "camera"
CONF_CAMERA: Final = "camera_entity_id"
CONF_FPS: Final = "fps"
CONF_THRESHOLD: Final = "alert_threshold"
CONF_ACTIVE_SECONDS: Final = "fall_active_seconds"
CONF_ROTATION: Final = "rotation"
CONF_KEEP_IMAGES: Final = "keep_images"
CONF_PROBLEM_SECONDS: Final = "problem_after_seconds"
CONF_LONG_LIE_SECONDS: Final = "long_lie_seconds"
CONF_BURSTS: Final = "bursts"

DEFAULT_FPS: Final = 1.0
MIN_FPS: Final = 0.2
MAX_FPS: Final = 5.0
DEFAULT_THRESHOLD: Final = 0.5
DEFAULT_ACTIVE_SECONDS: Final = 120
DEFAULT_PROBLEM_SECONDS: Final = 120
DEFAULT_LONG_LIE_SECONDS: Final = 60
DEFAULT_BURSTS: Final = True  # look faster when someone goes down (core/detector/rate.py)
ROTATIONS: Final = ("0", "90", "180", "270")

EVENT_FALL_DETECTED: Final = f"{DOMAIN}_fall_detected"
EVENT_PERSON_ON_FLOOR: Final = f"{DOMAIN}_person_on_floor"
EVENT_TYPES: Final = ("fall_detected", "fall_confirmed", "fall_dismissed", "person_on_floor")
FLOOR_FOLDER: Final = "floor"  # <config>/fall_detection/floor/<camera subentry id>.json
FLOOR_SAVE_SECONDS: Final = 300  # the learned floor is written at most this often (and at unload)

MODEL_CACHE: Final = "fall_detection/models"  # under the Home Assistant config directory
CAMERA_TIMEOUT: Final = 10
# Seconds one frame may take to analyse before it is dropped (a frame takes 10-200 ms on a
# Raspberry Pi 4 with LiteRT, up to about 1 s on the portable backend); see inference.py.
FRAME_TIME_LIMIT: Final = 10.0
MAX_BACKOFF_SECONDS: Final = 300
# Nobody in view for IDLE_AFTER_SECONDS: analyse every IDLE_INTERVAL_SECONDS until someone appears
# (a fall starts with someone in view; most rooms are empty most of the time).
IDLE_AFTER_SECONDS: Final = 30
IDLE_INTERVAL_SECONDS: Final = 3
# Bursts share the inference thread fairly: a camera bursts at most up to its share of
# BURST_BUDGET of the thread's time (cameras x measured seconds per frame / BURST_BUDGET).
BURST_BUDGET: Final = 0.8
