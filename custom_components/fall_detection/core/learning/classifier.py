"""Logistic regression in numpy: small, fast to train on the device, easy to inspect."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class LogisticModel:
    """Weights over standardised features."""

    mean: F32
    std: F32
    weights: F32
    bias: float

    def proba(self, x: F32) -> F32:
        """Probability of a fall for each row of ``x``."""
        z = ((np.atleast_2d(x) - self.mean) / self.std) @ self.weights + self.bias
        return (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)

    def accuracy(self, x: F32, y: npt.NDArray[np.bool_], threshold: float = 0.5) -> float:
        """Share of rows classified right."""
        if len(y) == 0:
            return 0.0
        return float(np.mean((self.proba(x) >= threshold) == y))

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "mean": self.mean.tolist(),
            "std": self.std.tolist(),
            "weights": self.weights.tolist(),
            "bias": self.bias,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LogisticModel:
        """Inverse of ``to_dict``."""
        return cls(
            np.asarray(data["mean"], np.float32),
            np.asarray(data["std"], np.float32),
            np.asarray(data["weights"], np.float32),
            float(data["bias"]),
        )


def train(
    x: F32,
    y: npt.NDArray[np.bool_],
    *,
    l2: float = 1e-2,
    epochs: int = 500,
    rate: float = 0.5,
    prior: LogisticModel | None = None,
) -> LogisticModel:
    """Fit by full-batch gradient descent; classes are weighted to balance them.

    ``prior`` starts from earlier weights (for example the bootstrap model)
    and keeps its standardisation, so few labels refine rather than replace it.
    """
    x = np.asarray(x, np.float32)
    target = np.asarray(y, np.float32)
    if prior is not None:
        mean, std, w, b = prior.mean, prior.std, prior.weights.copy(), prior.bias
    else:
        mean = x.mean(axis=0)
        std = np.maximum(x.std(axis=0), 1e-3).astype(np.float32)
        w, b = np.zeros(x.shape[1], np.float32), 0.0
    xs = (x - mean) / std
    positives = max(1.0, float(target.sum()))
    negatives = max(1.0, float(len(target) - target.sum()))
    sample_weight = np.where(
        target > 0, len(target) / (2 * positives), len(target) / (2 * negatives)
    )
    for _ in range(epochs):
        p = 1.0 / (1.0 + np.exp(-np.clip(xs @ w + b, -30, 30)))
        error = (p - target) * sample_weight
        w -= rate * ((xs.T @ error) / len(target) + l2 * w)
        b -= rate * float(error.mean())
    return LogisticModel(
        mean.astype(np.float32), std.astype(np.float32), w.astype(np.float32), float(b)
    )
