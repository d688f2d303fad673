"""Find a model file: configured path, cache, ``FALL_DETECTION_MODEL_DIR``, then download.

Every candidate is verified (size, sha256, TFLite identifier) before use; a
bad file is reported by name and never used.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from .errors import ModelIntegrityError, ModelNotFoundError

if TYPE_CHECKING:
    from .catalog import ModelSpec

_LOGGER = logging.getLogger(__name__)

ENV_MODEL_DIR: Final = "FALL_DETECTION_MODEL_DIR"
TFLITE_IDENTIFIER: Final = b"TFL3"
DOWNLOAD_TIMEOUT: Final = 60.0
MAX_DOWNLOAD_BYTES: Final = 64 * 1024 * 1024

Downloader = Callable[[str, Path], None]


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_model_file(path: Path, spec: ModelSpec | None = None) -> None:
    """Raise ``ModelIntegrityError`` unless ``path`` is a TFLite file (with the catalog's bytes)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(8)
    except OSError as err:
        raise ModelIntegrityError(f"Model file {path} cannot be read: {err}") from err
    if head[4:8] != TFLITE_IDENTIFIER:
        raise ModelIntegrityError(f"Model file {path} is not a TFLite model")
    if spec is None:
        return
    if size != spec.size_bytes:
        raise ModelIntegrityError(
            f"Model file {path} has {size} bytes, expected {spec.size_bytes} "
            "(truncated or wrong file)"
        )
    actual = sha256_of(path)
    if actual != spec.sha256:
        raise ModelIntegrityError(f"Model file {path} has sha256 {actual}, expected {spec.sha256}")


def _urllib_download(url: str, dest: Path) -> None:
    if not url.startswith("https://"):
        raise ModelNotFoundError(f"Refusing to download a model over a non-HTTPS URL: {url}")
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response, dest.open("wb") as out:  # noqa: S310 - https only, checked above
        total = 0
        while chunk := response.read(1 << 20):
            total += len(chunk)
            if total > MAX_DOWNLOAD_BYTES:
                raise ModelNotFoundError(f"Download of {url} exceeds {MAX_DOWNLOAD_BYTES} bytes")
            out.write(chunk)


@dataclass(slots=True)
class ModelResolver:
    """Where to look for model files, in order.

    ``explicit`` is a file or folder from configuration; ``cache_dir`` lives
    under the Home Assistant config directory; the environment folder serves
    tests and development; ``download`` fetches from the catalog URL into the
    cache (disabled with ``allow_download=False``).
    """

    explicit: Path | None = None
    cache_dir: Path | None = None
    env_dir: Path | None = field(
        default_factory=lambda: Path(p) if (p := os.environ.get(ENV_MODEL_DIR)) else None
    )
    allow_download: bool = True
    downloader: Downloader = _urllib_download

    def candidates(self, spec: ModelSpec) -> list[Path]:
        """Paths to try, in order."""
        found: list[Path] = []
        if self.explicit is not None:
            found.append(self.explicit / spec.file if self.explicit.is_dir() else self.explicit)
        found.extend(d / spec.file for d in (self.cache_dir, self.env_dir) if d is not None)
        return found

    def resolve(self, spec: ModelSpec) -> Path:
        """Return a verified path for ``spec``; raise ``ModelError`` naming what was tried."""
        problems: list[str] = []
        for path in self.candidates(spec):
            if not path.exists():
                continue
            try:
                verify_model_file(path, spec)
            except ModelIntegrityError as err:
                _LOGGER.warning("Ignoring %s", err)
                problems.append(str(err))
                continue
            return path
        if self.allow_download and spec.url and self.cache_dir is not None:
            return self._download(spec, self.cache_dir)
        if problems:
            raise ModelIntegrityError("; ".join(problems))
        tried = ", ".join(str(p) for p in self.candidates(spec)) or "no folders configured"
        raise ModelNotFoundError(
            f"Model {spec.file} not found (looked in: {tried}) and no download is available"
        )

    def _download(self, spec: ModelSpec, cache_dir: Path) -> Path:
        assert spec.url is not None  # noqa: S101 - checked by the caller
        cache_dir.mkdir(parents=True, exist_ok=True)
        target = cache_dir / spec.file
        fd, tmp_name = tempfile.mkstemp(dir=cache_dir, prefix=f".{spec.file}.", suffix=".part")
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            _LOGGER.info("Downloading model %s from %s", spec.file, spec.url)
            try:
                self.downloader(spec.url, tmp)
            except OSError as err:
                raise ModelNotFoundError(f"Download of {spec.file} failed: {err}") from err
            verify_model_file(tmp, spec)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        return target
