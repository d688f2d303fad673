"""Fall Detection: camera-based fall detection for Home Assistant.

The pose engine and fall logic live in ``core`` (no Home Assistant imports);
the Home Assistant glue is added on top of it.
"""
