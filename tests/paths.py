"""Where the shared, read-only models and fixtures live (beside the repository)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
MODELS = SHARED / "models"
REFERENCE = MODELS / "reference"
FIXTURES = SHARED / "fixtures"
PAIRS = FIXTURES / "pairs"
NEGATIVES = FIXTURES / "negatives"


def require(path: Path) -> Path:
    """Return ``path``, or skip the test with a clear reason when ../shared lacks it."""
    if not path.exists():
        pytest.skip(f"{path} is not present (../shared is provided beside the repository)")
    return path
