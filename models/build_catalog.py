#!/usr/bin/env python3
"""Build the integration's model catalog from the verified shared model list.

Reads ``../shared/models/models.json`` (sha256, sizes, inputs, licences,
measured on this project's machines) and adds what the engine needs to run
each model: output tensor names, input normalisation, resize mode and the
download URL where the exact bytes are published. Writes
``custom_components/fall_detection/core/catalog.json``.

Usage: python models/build_catalog.py [--shared ../shared/models]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "custom_components" / "fall_detection" / "core" / "catalog.json"
CORAL = "https://github.com/google-coral/test_data/raw/104342d2d3480b3e66203073dac24f4e2dbb4c41/"

# Per-model fields the shared list does not carry. Models absent here are not
# offered (BlazePose needs a two-stage pipeline the engine does not have yet).
OVERLAY: dict[str, dict[str, object]] = {
    "movenet_lightning_int8": {
        "title": "MoveNet Lightning int8 (fast, one person)",
        "outputs": {"keypoints": "StatefulPartitionedCall:0"},
        "url": CORAL + "movenet_single_pose_lightning_ptq.tflite",
    },
    "movenet_lightning_edgetpu": {
        "title": "MoveNet Lightning for Coral Edge TPU (one person)",
        "outputs": {"keypoints": "StatefulPartitionedCall:0"},
        "url": CORAL + "movenet_single_pose_lightning_ptq_edgetpu.tflite",
        "edgetpu": True,
    },
    "movenet_lightning_fp16": {
        "title": "MoveNet Lightning fp16 (one person)",
        "outputs": {"keypoints": "PartitionedCall:0"},
    },
    "movenet_thunder_fp16": {
        "title": "MoveNet Thunder fp16 (accurate, one person)",
        "outputs": {"keypoints": "PartitionedCall:0"},
    },
    "movenet_thunder_int8": {
        "title": "MoveNet Thunder int8 (accurate, one person)",
        "outputs": {"keypoints": "PartitionedCall:0"},
    },
    "movenet_multipose_fp16": {
        "title": "MoveNet MultiPose Lightning fp16 (up to 6 people)",
        "outputs": {"people": "PartitionedCall:0"},
    },
    "posenet_mobilenet_v1_075_fp16": {
        "title": "PoseNet MobileNet v1 fp16 (several people)",
        "outputs": {
            "displacement_bwd": "PartitionedCall:0",
            "displacement_fwd": "PartitionedCall:1",
            "heatmaps": "PartitionedCall:2",
            "offsets": "PartitionedCall:3",
        },
        "input_mean": 127.5,
        "input_std": 127.5,
        "output_stride": 16,
    },
    "posenet_mobilenet_v1_075_uint8": {
        "title": "PoseNet MobileNet v1 uint8, Coral build (several people)",
        "outputs": {
            "heatmaps": "float_heatmaps",
            "offsets": "float_short_offsets",
            "displacements": "float_mid_offsets",
        },
        "output_stride": 16,
    },
}
KEEP = (
    "name",
    "file",
    "family",
    "license",
    "dtype",
    "output_format",
    "keypoint_count",
    "size_bytes",
    "sha256",
)


def build(shared: Path) -> dict[str, object]:
    """Return the catalog document."""
    source = json.loads((shared / "models.json").read_text())
    models = []
    for model in source["models"]:
        extra = OVERLAY.get(model["name"])
        if extra is None:
            continue
        height, width = model["input_size"]
        entry = {key: model[key] for key in KEEP}
        entry |= {"input_width": width, "input_height": height}
        entry |= extra
        models.append(entry)
    # The checker re-reads a person before a fall seen in one frame is raised
    # (``core.detector.second``); used when its file is found.
    return {
        "schema": 1,
        "default": "movenet_lightning_int8",
        "checker": "movenet_thunder_int8",
        "models": models,
    }


def main() -> None:
    """Write the catalog."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "models")
    args = parser.parse_args()
    OUT.write_text(json.dumps(build(args.shared), indent=1) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
