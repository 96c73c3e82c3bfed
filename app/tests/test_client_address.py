"""The sign-in throttle behind a proxy, through a real uvicorn with proxy headers trusted."""

from __future__ import annotations

import httpx

from control_plane.main import create_app
from control_plane.settings import Settings
from tests.servers import serve_in_thread


def failed_login(client: httpx.Client, forwarded_for: str) -> int:
    response = client.post(
        "/api/auth/login",
        json={"username": "admin", "password": "wrong"},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return response.status_code


def test_throttle_keys_on_the_address_the_trusted_proxy_saw(settings: Settings) -> None:
    # Loopback plays nginx, which appends the address it saw to whatever the browser sent.
    app = create_app(settings)
    with (
        serve_in_thread(app, proxy_headers=True, forwarded_allow_ips="127.0.0.1") as url,
        httpx.Client(base_url=url) as client,
    ):
        spoofed = [failed_login(client, f"10.0.0.{n}, 203.0.113.7") for n in range(6)]
        assert spoofed == [401] * 5 + [429]
        assert failed_login(client, "203.0.113.8") == 401
