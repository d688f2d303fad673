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

    def is_finite(self) -> bool:
        """Every weight is a finite number and no feature has zero spread.

        A model with NaN weights predicts NaN, which compares as "not a fall" for
        every input: it must never be saved, promoted or used.
        """
        arrays = (self.mean, self.std, self.weights)
        return (
            all(bool(np.isfinite(a).all()) for a in arrays)
            and bool((self.std > 0).all())
            and bool(np.isfinite(self.bias))
        )

    @classmethod
    def from_dict(cls, data: object, features: int | None = None) -> LogisticModel:
        """Inverse of ``to_dict``; ``ValueError`` unless it is a usable model.

        ``features`` is the expected vector length (checked when given).
        """
        if not isinstance(data, dict):
            raise ValueError("a model is not an object")  # noqa: TRY004 - read as a bad value
        try:
            arrays = [np.asarray(data[k], np.float64) for k in ("mean", "std", "weights")]
            bias = data["bias"]
        except KeyError as err:
            raise ValueError(f"the model has no {err.args[0]!r}") from None
        except (TypeError, ValueError, RecursionError):
            raise ValueError("the model's weights are not lists of numbers") from None
        size = features if features is not None else arrays[0].size
        if any(a.shape != (size,) for a in arrays):
            raise ValueError(f"the model's weights are not {size} numbers each")
        if not isinstance(bias, int | float) or isinstance(bias, bool):
            raise ValueError("the model's bias is not a number")  # noqa: TRY004
        mean, std, weights = (a.astype(np.float32) for a in arrays)
        model = cls(mean, std, weights, float(bias))
        if not model.is_finite():
            raise ValueError("the model has non-finite weights")
        return model


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
