"""Finish a fresh development Home Assistant the way a user would in the UI.

Run by ``scripts/develop`` once Home Assistant is starting: it completes onboarding (owner
``dev`` / ``dev``), then adds the Fall detection integration and the replayed camera through
the same config flow and camera subentry flow that the UI drives, using only Home Assistant's
HTTP API.  The only file written beforehand is ``config/.storage/onboarding`` marking the
location step done (``scripts/develop``): that step would add Home Assistant's default weather,
radio and text-to-speech integrations, whose packages the development install does not have.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import Any

import aiohttp

USERNAME = "dev"
PASSWORD = "dev"  # noqa: S105 - development instance on 127.0.0.1 only
CAMERA = "camera.living_room"


class Bootstrap:
    """A small HTTP client for one Home Assistant."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        """Talk to ``base`` (http://127.0.0.1:8123)."""
        self.session = session
        self.base = base
        self.client_id = f"{base}/"
        self.headers: dict[str, str] = {}

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:  # noqa: ANN401 - JSON
        """One request; raise with the body on an error status."""
        async with self.session.request(
            method, self.base + path, headers=self.headers, **kwargs
        ) as response:
            if response.status >= 400:  # noqa: PLR2004
                body = await response.text()
                msg = f"{method} {path}: {response.status} {body}"
                raise RuntimeError(msg)
            return await response.json()

    async def get_when_ready(self, path: str, patience: float) -> Any:  # noqa: ANN401 - JSON
        """GET ``path`` once it answers (server starting, entity not added yet), retrying."""
        deadline = time.monotonic() + patience
        while True:
            try:
                return await self.call("GET", path)
            except (aiohttp.ClientError, RuntimeError):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(1)

    async def token(self, code: str) -> None:
        """Exchange an authorisation code for an access token."""
        data = {"grant_type": "authorization_code", "code": code, "client_id": self.client_id}
        tokens = await self.call("POST", "/auth/token", data=data)
        self.headers = {"Authorization": f"Bearer {tokens['access_token']}"}

    async def onboard(self, steps: list[dict[str, Any]]) -> None:
        """Create the owner account and finish the remaining onboarding steps."""
        done = {step["step"] for step in steps if step["done"]}
        if "user" in done:
            await self.login()
        else:
            user = {
                "client_id": self.client_id,
                "name": "Developer",
                "username": USERNAME,
                "password": PASSWORD,
                "language": "en",
            }
            result = await self.call("POST", "/api/onboarding/users", json=user)
            await self.token(result["auth_code"])
        if "core_config" not in done:
            await self.call("POST", "/api/onboarding/core_config")
        if "analytics" not in done:
            await self.call("POST", "/api/onboarding/analytics")
        if "integration" not in done:
            body = {"client_id": self.client_id, "redirect_uri": f"{self.base}/?auth_callback=1"}
            await self.call("POST", "/api/onboarding/integration", json=body)

    async def login(self) -> None:
        """Log in with the login flow, as the login page does."""
        flow = await self.call(
            "POST",
            "/auth/login_flow",
            json={
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{self.base}/",
            },
        )
        result = await self.call(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            json={"client_id": self.client_id, "username": USERNAME, "password": PASSWORD},
        )
        await self.token(result["result"])

    async def run_flow(
        self, index: str, start: dict[str, Any], answers: dict[str, Any]
    ) -> dict[str, Any]:
        """Start a flow and answer its one form with its defaults plus ``answers``."""
        step = await self.call("POST", index, json=start)
        if step["type"] != "form":
            msg = f"{index}: expected a form, got {step}"
            raise RuntimeError(msg)
        data = {
            field["name"]: field["default"] for field in step["data_schema"] if "default" in field
        }
        data.update(answers)
        result = await self.call("POST", f"{index}/{step['flow_id']}", json=data)
        if result["type"] != "create_entry":
            msg = f"{index}: flow did not finish: {result}"
            raise RuntimeError(msg)
        created: dict[str, Any] = result
        return created

    async def add_integration(self) -> None:
        """Add the integration with the replayed camera unless it is there already."""
        entries = await self.call("GET", "/api/config/config_entries/entry?domain=fall_detection")
        if entries:
            return
        result = await self.run_flow(
            "/api/config/config_entries/flow", {"handler": "fall_detection"}, {}
        )
        entry_id = result["result"]["entry_id"]
        print(f"Added Fall detection ({result['result']['title']})", flush=True)
        await self.run_flow(
            "/api/config/config_entries/subentries/flow",
            {"handler": [entry_id, "camera"]},
            {"camera_entity_id": CAMERA},
        )
        print(f"Watching {CAMERA}", flush=True)


async def main() -> int:
    """Bootstrap the instance at the given URL."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url", help="Home Assistant's base URL")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    async with aiohttp.ClientSession() as session:
        bootstrap = Bootstrap(session, args.url.rstrip("/"))
        steps = await bootstrap.get_when_ready("/api/onboarding", args.timeout)
        await bootstrap.onboard(steps)
        # the replay camera decodes its clip before it exists
        await bootstrap.get_when_ready(f"/api/states/{CAMERA}", args.timeout)
        await bootstrap.add_integration()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
