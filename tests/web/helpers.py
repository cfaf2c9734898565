"""Talking to the web app in tests: a client that keeps cookies the way a browser would
(Secure `__Host-` cookies included, which aiohttp's own jar would not send over plain HTTP),
and ready-made sessions and bearer headers for each seeded user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from aiohttp.test_utils import TestClient

from monitor.storage import sessions as session_store
from monitor.store import Store

SESSION = "__Host-monitor_session"
LOGIN = "__Host-monitor_login"
_CSRF = re.compile(r'name="csrf" value="([^"]*)"')


@dataclass
class Reply:
    status: int
    text: str
    headers: Any

    @property
    def location(self) -> str:
        return str(self.headers.get("Location", ""))

    def json(self) -> Any:
        import json

        return json.loads(self.text)


@dataclass
class WebClient:
    client: TestClient
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookies: list[str] = field(default_factory=list)

    def _cookie_header(self) -> dict[str, str]:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def _remember(self, headers: Any) -> None:
        for raw in headers.getall("Set-Cookie", []):
            self.set_cookies.append(raw)
            jar: SimpleCookie = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    async def request(self, method: str, path: str, **kwargs: Any) -> Reply:
        headers = {**self._cookie_header(), **kwargs.pop("headers", {})}
        async with self.client.request(
            method, path, headers=headers, allow_redirects=False, **kwargs
        ) as response:
            text = await response.text()
            self._remember(response.headers)
            return Reply(response.status, text, response.headers)

    async def get(self, path: str, **kwargs: Any) -> Reply:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, data: dict[str, str] | None = None, **kwargs: Any) -> Reply:
        return await self.request("POST", path, data=data or {}, **kwargs)

    async def csrf(self, path: str) -> str:
        reply = await self.get(path)
        match = _CSRF.search(reply.text)
        assert match, f"no CSRF field on {path} ({reply.status})"
        return match.group(1)

    async def login(self, username: str, password: str) -> Reply:
        token = await self.csrf("/login")
        return await self.post(
            "/login", {"csrf": token, "username": username, "password": password, "next": "/"}
        )

    async def login_from(self, username: str, password: str, address: str) -> Reply:
        """Sign in as a local reverse proxy would pass on a client at `address`."""
        token = await self.csrf("/login")
        return await self.post(
            "/login",
            {"csrf": token, "username": username, "password": password},
            headers={"X-Forwarded-For": f"10.9.9.9, {address}"},
        )


def signed_in(store: Store, user_id: int) -> tuple[dict[str, str], str]:
    """A live session for a user: the cookies to send and its CSRF token."""
    token, record = session_store.create_session(
        store, user_id, hours=store.config.web_session_hours, second_factor_done=True
    )
    return {SESSION: token}, record.csrf_token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
