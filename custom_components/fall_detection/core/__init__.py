"""Fall detection engine: pose estimation and fall logic, free of Home Assistant.

Nothing in this package imports ``homeassistant`` and nothing reads the clock:
callers pass timestamps in. The integration wraps it; tests, benchmarks and the
command line use it directly.
"""
