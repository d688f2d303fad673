"""Errors raised by the engine. Each carries a message a user can act on."""

from __future__ import annotations


class FallDetectionError(Exception):
    """Base class for every error the engine raises on purpose."""


class ModelError(FallDetectionError):
    """A model file is missing, corrupt, of the wrong kind or cannot run."""


class ModelNotFoundError(ModelError):
    """No copy of a catalog model could be found or downloaded."""


class ModelIntegrityError(ModelError):
    """A model file exists but its bytes are not the catalog's (hash, size, format)."""


class BackendUnavailableError(ModelError):
    """The requested inference runtime is not installed on this system."""


class EdgeTPUNotFoundError(BackendUnavailableError):
    """An Edge TPU was requested but no device or delegate library was found."""


class ImageError(FallDetectionError):
    """Image bytes could not be decoded, or the image is unusable."""
