"""The interface in real headless Chromium: a trainer's whole round, inert captures, and
screenshots of the main pages at phone and desktop width (saved under artifacts/)."""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from monitor.store import Store
from tests.conftest import ARTIFACTS
from tests.support import web_seed as data
from tests.support.localweb import LocalWeb
from tests.support.web_seed import Seeded
from tests.web.conftest import ThreadedApp

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SCREENSHOTS = ARTIFACTS / "screenshots"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


@dataclass
class Watch:
    """Everything a page did that a payload could cause: requests, console lines, dialogs."""

    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@dataclass
class Running:
    url: str
    seeded: Seeded
    probe: LocalWeb
    store: Store


@pytest.fixture
def running(sqlite_store: Store, web: LocalWeb) -> Iterator[Running]:
    seeded = data.seed(sqlite_store, probe=web.url(""))
    with ThreadedApp(sqlite_store) as app:
        yield Running(app.url, seeded, web, sqlite_store)


def open_page(browser: Any, running: Running, viewport: str = "desktop") -> tuple[Any, Watch]:
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-GB")
    page = context.new_page()
    watch = Watch()
    page.on("request", lambda request: watch.requests.append(request.url))
    page.on("console", lambda message: watch.console.append(message.text))

    def dismiss(dialog: Any) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return page, watch


def sign_in(page: Any, running: Running, username: str) -> None:
    page.goto(running.url + "/login")
    page.fill("#username", username)
    page.fill("#password", data.PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/dashboard")


def assert_nothing_reached_the_probe(running: Running, watch: Watch) -> None:
    probe_host = urlsplit(running.probe.url("/")).netloc
    assert running.probe.hits == {}, running.probe.hits
    assert not [u for u in watch.requests if urlsplit(u).netloc == probe_host]
    assert not watch.dialogs
    assert not [line for line in watch.console if "pwn" in line.lower()]


def test_trainer_round(browser: Any, running: Running) -> None:
    page, watch = open_page(browser, running)
    sign_in(page, running, "trainer_a")
    assert page.locator("h1").inner_text() == "Dashboard"

    page.click("nav >> text=Incidents")
    page.wait_for_url("**/incidents")
    assert page.locator("table.log tbody tr").count() == 2
    page.select_option("#f-kind", "smear")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**/incidents?**kind=smear**")
    rows = page.locator("table.log tbody tr")
    assert rows.count() == 1
    assert data.A_TITLE in rows.inner_text()
    assert data.B_TITLE not in page.content()

    rows.locator("td.title a").click()
    page.wait_for_url(f"**/incidents/{running.seeded.incident_a}")
    assert data.A_TITLE in page.locator("h1").inner_text()

    page.select_option("#status", "confirmed")
    page.fill("#note", "Checked with the activist: the page is real.")
    page.click("#triage button.primary")
    page.wait_for_url("**saved=status**")
    assert page.locator(".flash").inner_text() == "Saved."
    assert page.locator(".incident-head .status").inner_text() == "confirmed"
    assert "Checked with the activist" in page.locator("#timeline").inner_text()

    step = page.locator("#step-smear-campaign-1\\.1")
    assert step.locator("button.tick").get_attribute("aria-pressed") == "false"
    step.locator("button.tick").click()
    page.wait_for_load_state()
    step = page.locator("#step-smear-campaign-1\\.1")
    assert step.locator("button.tick").get_attribute("aria-pressed") == "true"
    assert "done by trainer_a" in step.inner_text()

    page.click("form.logout button")
    page.wait_for_url("**/login")
    page.goto(running.url + "/incidents")
    assert urlsplit(page.url).path == "/login"
    assert_nothing_reached_the_probe(running, watch)


def test_captured_payloads_stay_inert(browser: Any, running: Running) -> None:
    page, watch = open_page(browser, running)
    sign_in(page, running, "admin")
    page.goto(f"{running.url}/incidents/{running.seeded.incident_a}")
    title = page.title()
    details = page.locator("details.capture").first
    details.locator("summary").click()
    frame_element = details.locator("iframe")
    assert frame_element.get_attribute("sandbox") == ""
    frame = frame_element.element_handle().content_frame()
    frame.wait_for_load_state()
    shown = frame.locator("pre").inner_text()
    assert "<script>window.__pwned = 1;" in shown and 'onerror="window.__pwned = 3' in shown
    assert frame.locator("script, img, iframe, svg, style, div, a, meta[http-equiv]").count() == 0
    page.wait_for_timeout(1500)  # time for anything that would load or run late
    assert page.title() == title and "pwned" not in title
    assert page.evaluate("() => window.__pwned") is None
    for child in page.frames:
        try:
            assert child.evaluate("() => window.__pwned") is None
        except Exception as exc:  # a sandboxed frame may refuse evaluation: nothing ran there
            assert "pwned" not in str(exc)
    # The whole capture on its own: plain text under a sandbox policy.
    response = page.goto(f"{running.url}/captures/{running.seeded.capture_a}/text")
    assert response is not None and response.status == 200
    headers = response.headers
    assert headers["content-type"].startswith("text/plain")
    assert headers["content-security-policy"].startswith("sandbox")
    assert headers["x-content-type-options"] == "nosniff"
    page.wait_for_timeout(1000)
    assert "pwned" not in page.title()
    assert "window.__pwned = 1" in page.locator("body").inner_text()
    assert_nothing_reached_the_probe(running, watch)


def test_pages_speak_the_chosen_language(browser: Any, running: Running) -> None:
    page, _ = open_page(browser, running)
    sign_in(page, running, "activist_a")  # registered in Azerbaijani
    assert page.locator("h1").inner_text() == "İcmal"
    page.click("footer >> text=Русский")
    assert page.locator("h1").inner_text() == "Сводка"
    page.goto(f"{running.url}/incidents/{running.seeded.incident_a}")
    assert "Что делать" in page.locator("#playbooks h2").inner_text()


PAGES = {
    "login": "/login",
    "dashboard": "/dashboard",
    "incidents": "/incidents",
    "incident": "/incidents/{incident}",
    "activist": "/activists/{activist}",
    "alerts": "/alerts",
    "links": "/links",
    "account": "/account",
}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_screenshots(browser: Any, running: Running, viewport: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page, watch = open_page(browser, running, viewport)
    shot(page, running, "login", viewport)
    sign_in(page, running, "trainer_a")
    for name in PAGES:
        if name != "login":
            shot(page, running, name, viewport)
    width = VIEWPORTS[viewport]["width"]
    page.goto(f"{running.url}/incidents/{running.seeded.incident_a}")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert not watch.console, watch.console  # no CSP violation, no failed load, no error
    assert_nothing_reached_the_probe(running, watch)


def shot(page: Any, running: Running, name: str, viewport: str) -> Path:
    path = PAGES[name].format(
        incident=running.seeded.incident_a, activist=running.seeded.activist_a
    )
    response = page.goto(running.url + path)
    assert response is not None and response.status == 200, (path, response and response.status)
    if name == "incident":
        page.locator("details.capture").first.locator("summary").click()
    target = SCREENSHOTS / f"{name}-{viewport}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    assert html.escape("{{") not in page.content()
    return target
