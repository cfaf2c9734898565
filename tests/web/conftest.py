"""Fixtures for the web tests: a seeded store (SQLite and PostgreSQL), the app on a test
server, and the app in a background thread for the browser."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

import pytest
from aiohttp import DummyCookieJar
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher

from monitor.store import Store
from monitor.web import app as web_app
from monitor.web import passwords
from tests.support.web_seed import Seeded, seed
from tests.web.helpers import WebClient


@pytest.fixture(autouse=True)
def quicker_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id, with the smallest cost RFC 9106 still calls acceptable, so the many
    sign-ins of these tests do not take a second each on a small CI machine."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    monkeypatch.setattr(passwords, "hasher", lambda: cheap)
    passwords.dummy_hash.cache_clear()


@pytest.fixture
def seeded(store: Store) -> Seeded:
    return seed(store)


@pytest.fixture
async def client(store: Store, seeded: Seeded) -> AsyncIterator[WebClient]:
    """The app on a local test server over the seeded store; cookies kept by hand."""
    test_client = TestClient(TestServer(web_app.create_app(store)), cookie_jar=DummyCookieJar())
    await test_client.start_server()
    try:
        yield WebClient(test_client)
    finally:
        await test_client.close()


class ThreadedApp:
    """The real `monitor.web.app.start` on 127.0.0.1, in its own thread and event loop, so a
    synchronous Playwright browser can use it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.loop = asyncio.new_event_loop()
        self.server: web_app.Server | None = None

    def __enter__(self) -> ThreadedApp:
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        if not ready.wait(20) or self.server is None:
            raise RuntimeError("web app did not start")
        return self

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(web_app.start(self.store, "127.0.0.1", 0))
        ready.set()
        self.loop.run_forever()

    def __exit__(self, *_: object) -> None:
        if self.server is not None:
            asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(20)
        self.loop.call_soon_threadsafe(self.loop.stop)

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url
