"""Constants for the Fall Detection integration."""

from typing import Final

DOMAIN: Final = "fall_detection"
