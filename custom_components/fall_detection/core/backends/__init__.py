"""Inference backends: run a TFLite model and return its outputs by tensor name."""

from .base import Backend, BackendKind, TensorInfo
from .select import available_backends, load_backend

__all__ = ["Backend", "BackendKind", "TensorInfo", "available_backends", "load_backend"]
