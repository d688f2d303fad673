"""scripts/develop end to end: a real Home Assistant, a replayed fall, a real Chromium.

Starts the development instance with the same script a newcomer runs, logs in through Home
Assistant's login page in headless Chromium, waits on the dashboard until the Fall sensor shows
the fall of the replayed clip, checks the annotated image and the logbook, saves the screenshot
the README shows, then stops everything with Ctrl-C (SIGINT to the process group).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

from tests.paths import FIXTURES, MODELS, REPO, require

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = REPO / "docs" / "dashboard.png"  # written only with FALL_DETECTION_UPDATE_DOCS=1
START_TIMEOUT = 240.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def host_only() -> None:
    """scripts/develop's tests run once, from the oldest environment's pytest on the host.

    (Chromium is there; scripts/develop itself starts the newest Home Assistant.)
    """
    if os.environ.get("FALL_DETECTION_ENV") == "current":
        pytest.skip("run from the oldest environment's pytest on the host")


@contextmanager
def run_develop(tmp_path: Path, ha: str = "current") -> Iterator[tuple[str, Path, list[str]]]:
    """Run scripts/develop on ``ha`` on a free port until it says it is ready; Ctrl-C it after."""
    host_only()
    require(MODELS)
    require(FIXTURES / "clips")
    port = _free_port()
    config = tmp_path / "config"
    env = os.environ | {
        "FALL_DETECTION_DEV_PORT": str(port),
        "FALL_DETECTION_DEV_CONFIG": str(config),
        "FALL_DETECTION_DEV_HA": ha,
    }
    process = subprocess.Popen(  # noqa: S603 - our own script
        [str(REPO / "scripts" / "develop")],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        # Ctrl-C must reach it even when this process ignores SIGINT (a child inherits that).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )
    assert process.stdout is not None
    output: list[str] = []
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        output.append(line)
        if line.startswith("Ready:"):
            break
    try:
        assert output, "scripts/develop printed nothing"
        assert output[-1].startswith("Ready:"), "".join(output)
        # Keep reading what it prints after "Ready:", so its few last lines can never block it
        # (a safeguard; Home Assistant itself logs to a file).
        threading.Thread(target=output.extend, args=(process.stdout,), daemon=True).start()
        yield f"http://127.0.0.1:{port}", config, output
    finally:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            left = _kill_home_assistant(config)
            pytest.fail(f"scripts/develop did not stop on Ctrl-C within 60 s ({left} left behind)")
    assert not _port_open(port), "Home Assistant still listening after Ctrl-C"


def _kill_home_assistant(config: Path) -> int:
    """Kill what still runs on ``config`` (scripts/develop starts it in a session of its own).

    After a failed Ctrl-C the script's own process group is gone, but Home Assistant is not
    in it; left running it would load every later test. Returns how many were killed.
    """
    marker = str(config).encode()
    killed = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker not in (entry / "cmdline").read_bytes():
                continue
            group = os.getpgid(int(entry.name))
            if group == os.getpgrp():
                continue  # never the test's own process group
            os.killpg(group, signal.SIGKILL)
            killed += 1
        except (OSError, ProcessLookupError):
            continue  # gone meanwhile, or not ours to read
    return killed


def log_problems(config: Path, levels: tuple[str, ...] = (" ERROR ",)) -> list[str]:
    """Blocking calls anywhere, and the integration's own lines at ``levels`` or tracebacks."""
    log = (config / "home-assistant.log").read_text(encoding="utf-8")
    return [
        line
        for line in log.splitlines()
        if "Detected blocking call" in line
        or ("fall_detection" in line and (any(x in line for x in levels) or "Traceback" in line))
    ]


@pytest.fixture
def develop(socket_enabled: None, tmp_path: Path) -> Iterator[tuple[str, Path, list[str]]]:
    """scripts/develop on the Home Assistant it runs by default, with the browser present."""
    host_only()
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing: scripts/setup installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} missing: run scripts/setup as root, or apt install chromium")
    with run_develop(tmp_path) as running:
        yield running


def test_dashboard_shows_the_fall(develop: tuple[str, Path, list[str]], tmp_path: Path) -> None:
    """Log in, open the dashboard, see the Fall sensor turn on with the annotated image.

    The screenshot goes to the test's own folder; ``FALL_DETECTION_UPDATE_DOCS=1`` writes it
    over the README's ``docs/dashboard.png`` instead (a test run leaves the tree as it was).
    """
    shot = SCREENSHOT if os.environ.get("FALL_DETECTION_UPDATE_DOCS") == "1" else tmp_path / "d.png"
    from playwright.sync_api import expect, sync_playwright

    url, config, output = develop
    assert any("Watching camera.living_room" in line for line in output)
    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{url}/fall-demo/living-room")
            page.locator('input[name="username"]').fill("dev")
            page.locator('input[name="password"]').fill("dev")
            page.keyboard.press("Enter")
            page.wait_for_url("**/fall-demo/living-room", timeout=60_000)

            fall_row = page.locator("hui-simple-entity-row", has_text="Fall").first
            expect(fall_row).to_contain_text("Unsafe", timeout=90_000)
            fall_seen = time.monotonic() - started
            expect(page.locator("hui-logbook-card")).to_contain_text(
                "detected a fall", timeout=30_000
            )
            image = page.locator("hui-picture-entity-card", has_text="Last fall").locator("img")
            page.wait_for_function(
                "img => img.complete && img.naturalWidth > 0",
                arg=image.element_handle(timeout=30_000),
                timeout=30_000,
            )
            assert "image_proxy/image.living_room_last_fall" in (image.get_attribute("src") or "")
            page.wait_for_timeout(11_000)  # the camera tile refreshes every 10 s
            shot.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    assert fall_seen < 60.0, f"Fall sensor took {fall_seen:.0f} s to turn on"
    with Image.open(shot) as screenshot:
        assert screenshot.size == (1280, 900)

    problems = log_problems(config)
    assert not problems, "\n".join(problems)
