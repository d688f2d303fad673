"""The pose engine: image in, people with 17 keypoints out."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Protocol

import numpy as np
import numpy.typing as npt

from .backends import Backend, BackendKind, load_backend
from .catalog import ModelSpec, OutputFormat, load_catalog
from .decoders import (
    PoseNetOutputs,
    decode_movenet_multipose,
    decode_movenet_singlepose,
    decode_posenet_multi,
)
from .errors import ModelError
from .preprocess import Decoded, ImageInput, Letterbox, letterbox, open_image
from .types import Person, PoseResult

if TYPE_CHECKING:
    from pathlib import Path

    from .resolve import ModelResolver

_LOGGER = logging.getLogger(__name__)
DEFAULT_MIN_PERSON_SCORE: Final = 0.2


@dataclass(frozen=True, slots=True)
class Prepared:
    """A frame ready for the model: the input tensor and how to map back."""

    tensor: npt.NDArray[np.generic]
    letterbox: Letterbox
    decoded: Decoded


class PoseReader(Protocol):
    """Finds the people in a frame: a model (``PoseEngine``), or one that reads it mirrored."""

    def estimate(self, image: Decoded) -> PoseResult:
        """Find the people in one frame, in its own pixels."""
        ...


class PoseEngine:
    """Runs one catalog model on frames.

    Thread-safe: the backend serialises ``run``; decoding keeps no state between frames,
    and the one frame whose model input is kept (``prepare``) is swapped in as one object.
    """

    def __init__(
        self,
        spec: ModelSpec,
        backend: Backend,
        *,
        min_person_score: float = DEFAULT_MIN_PERSON_SCORE,
    ) -> None:
        """Check that ``backend`` has the input and outputs ``spec`` describes."""
        self.spec = spec
        self.backend = backend
        self.min_person_score = min_person_score
        self._last: Prepared | None = None  # the frame last prepared (``prepare``)
        shape = backend.input.shape
        if tuple(shape) != (1, spec.input_height, spec.input_width, 3):
            raise ModelError(
                f"{spec.file} takes input {list(shape)}, the catalog says "
                f"[1, {spec.input_height}, {spec.input_width}, 3]"
            )
        names = {o.name for o in backend.outputs}
        if missing := set(spec.outputs.values()) - names:
            raise ModelError(f"{spec.file} lacks outputs {sorted(missing)}")

    @classmethod
    def load(
        cls,
        spec: ModelSpec,
        model_path: Path,
        kind: BackendKind = BackendKind.AUTO,
        *,
        num_threads: int | None = None,
        edgetpu_device: str | None = None,
        min_person_score: float = DEFAULT_MIN_PERSON_SCORE,
    ) -> PoseEngine:
        """Load a model file on a backend and wrap it."""
        backend = load_backend(
            kind, spec, model_path, num_threads=num_threads, edgetpu_device=edgetpu_device
        )
        return cls(spec, backend, min_person_score=min_person_score)

    def prepare(self, image: ImageInput | Decoded) -> Prepared:
        """Decode (at reduced size) and letterbox to the model input.

        The same decoded frame prepared again is not scaled again: the pose stage reads a
        frame's whole view twice with one person followed (their reading, then the discovery
        pass with them greyed out), and the scaling costs about a quarter of a pass. The
        tensor is read-only, so no caller can change what the next one is handed.
        """
        last = self._last
        if last is not None and last.decoded is image:
            return last
        spec = self.spec
        decoded = (
            image
            if isinstance(image, Decoded)
            else open_image(image, (spec.input_width, spec.input_height))
        )
        pixels, lb = letterbox(decoded, spec.input_width, spec.input_height)
        tensor: npt.NDArray[np.generic]
        if spec.input_mean is not None and spec.input_std is not None:
            tensor = ((pixels.astype(np.float32) - spec.input_mean) / spec.input_std)[np.newaxis]
        else:
            tensor = pixels[np.newaxis].astype(self.backend.input.dtype, copy=False)
        tensor.flags.writeable = False
        prepared = Prepared(tensor, lb, decoded)
        if isinstance(image, Decoded):
            self._last = prepared
        return prepared

    def infer(self, prepared: Prepared) -> dict[str, npt.NDArray[np.float32]]:
        """Run the model on a prepared frame."""
        return self.backend.run(prepared.tensor)

    def decode(
        self, outputs: dict[str, npt.NDArray[np.float32]], lb: Letterbox
    ) -> tuple[Person, ...]:
        """Turn raw outputs into people in source pixels."""
        spec, named = self.spec, {role: outputs[t] for role, t in self.spec.outputs.items()}
        match spec.output_format:
            case OutputFormat.MOVENET_SINGLEPOSE:
                return decode_movenet_singlepose(named["keypoints"], lb, self.min_person_score)
            case OutputFormat.MOVENET_MULTIPOSE:
                return decode_movenet_multipose(named["people"], lb, self.min_person_score)
            case OutputFormat.POSENET:
                return decode_posenet_multi(self._posenet(named), lb, self.min_person_score)
            case OutputFormat.POSENET_CORAL_RAW:
                mid = named["displacements"][0]
                half = mid.shape[-1] // 2
                named = {
                    "heatmaps": named["heatmaps"],
                    "offsets": named["offsets"],
                    "displacement_fwd": mid[np.newaxis, ..., :half],
                    "displacement_bwd": mid[np.newaxis, ..., half:],
                }
                return decode_posenet_multi(self._posenet(named), lb, self.min_person_score)

    def _posenet(self, named: dict[str, npt.NDArray[np.float32]]) -> PoseNetOutputs:
        return PoseNetOutputs(
            heatmaps=named["heatmaps"][0],
            offsets=named["offsets"][0],
            displacement_fwd=named["displacement_fwd"][0],
            displacement_bwd=named["displacement_bwd"][0],
            stride=self.spec.output_stride,
            input_width=self.spec.input_width,
            input_height=self.spec.input_height,
        )

    def estimate(self, image: ImageInput | Decoded) -> PoseResult:
        """Find the people in one frame."""
        prepared = self.prepare(image)
        people = self.decode(self.infer(prepared), prepared.letterbox)
        w, h = prepared.decoded.source_size
        return PoseResult(people, w, h, self.spec.name)

    def close(self) -> None:
        """Release the backend."""
        self.backend.close()


def load_checker(
    resolver: ModelResolver, kind: BackendKind = BackendKind.AUTO, configured: str | None = None
) -> PoseEngine | None:
    """The catalog's checker model when ``resolver`` finds its file, else None (never raises).

    The checker reads a person again before a fall is raised (``detector.second``). It runs on
    the CPU: ``kind`` Edge TPU becomes automatic (LiteRT when installed, else portable). None
    when the catalog names none or it is the ``configured`` model itself.
    """
    catalog = load_catalog()
    if catalog.checker is None or configured == catalog.checker:
        return None
    spec = catalog.get(catalog.checker)
    try:
        path = resolver.resolve(spec)
        cpu = BackendKind.AUTO if kind is BackendKind.EDGETPU else kind
        return PoseEngine.load(spec, path, cpu, num_threads=1)
    except ModelError as err:
        _LOGGER.info("No checker model (%s): falls are confirmed without it", err)
        return None
