"""Turn raw model outputs into people with COCO-17 keypoints in source pixels."""

from .movenet import decode_movenet_multipose, decode_movenet_singlepose
from .posenet import PoseNetOutputs, decode_posenet_multi, decode_posenet_single

__all__ = [
    "PoseNetOutputs",
    "decode_movenet_multipose",
    "decode_movenet_singlepose",
    "decode_posenet_multi",
    "decode_posenet_single",
]
