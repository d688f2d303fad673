"""The one place where the supported Home Assistant releases differ (2025.4 to 2026.10).

Home Assistant 2026.x types config-flow and service schemas as ``probatio.Schema``, 2025.x as
``voluptuous.Schema``. Voluptuous schemas validate on both at run time, so the integration
builds them with voluptuous and hands them over typed as ``Any``, which type-checks against
both releases without a version branch.
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol


def schema(fields: dict[Any, Any]) -> Any:  # noqa: ANN401 - see the module docstring
    """A voluptuous schema of ``fields``, as either release's type annotations accept it."""
    return vol.Schema(fields)
