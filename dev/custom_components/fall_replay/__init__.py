"""Development-only camera that replays a video clip in a loop (not shipped by HACS)."""
