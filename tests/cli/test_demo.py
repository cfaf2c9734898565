"""`monitor demo`, the README's first command: the whole pipeline on the demo data, and with
--serve the running service with its web interface."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import aiohttp

from tests.support.smtp import free_port
from tests.web.helpers import WebClient

# monitor/demo/data/EXPECTED.md: (activist key, kinds that count as right) per item that names
# somebody. Every other item (weather, sport, the volleyball namesake) must open nothing.
EXPECTED = [
    ("d1", {"smear"}),  # vetennebzi 1204
    ("d2", {"smear"}),  # 1209
    ("d3", {"smear"}),  # 1215
    ("d4", {"smear"}),  # 1222
    ("d1", {"smear"}),  # 1231 (both)
    ("d2", {"smear"}),
    ("d1", {"mention", "smear"}),  # openwindow: reporting on a smear campaign
    ("d3", {"mention"}),
    ("d4", {"mention"}),
    ("d2", {"mention"}),
    ("d2", {"impersonation"}),
    ("d3", {"mention"}),  # coalition report (both)
    ("d4", {"mention"}),
    ("d1", {"leak"}),  # bezfiltra 4413
    ("d4", {"doxxing"}),
    ("d2", {"threat", "leak"}),
    ("d3", {"threat"}),
    ("d1", {"leak", "smear"}),
    ("d2", {"leak"}),  # ifsa_zonasi 2304
    ("d4", {"smear"}),
    ("d1", {"threat"}),
    ("d3", {"doxxing"}),
    ("d3", {"smear"}),  # the page
]


def _sightings_by_person_and_kind(data: dict) -> list[tuple[str, str]]:
    keys = {activist_id: key for key, activist_id in data["activists"].items()}
    found = []
    for incident in data["incidents"]:
        found += [(keys[incident["activist_id"]], incident["kind"])] * incident["sightings"]
    return found


def test_demo_finds_what_the_demo_data_promises(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "demo", "--json", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    data = json.loads(result.stdout)
    assert data["collection"]["failed"] == 0, result.stderr
    found = _sightings_by_person_and_kind(data)
    unmatched = list(found)
    for key, kinds in sorted(EXPECTED, key=lambda e: len(e[1])):  # strict ones first
        match = next((f for f in unmatched if f[0] == key and f[1] in kinds), None)
        assert match, f"{key} {kinds} missing from {found}"
        unmatched.remove(match)
    assert unmatched == []  # no namesake, no item naming nobody


def _lines(stream: object, into: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(line)


def _password(lines: queue.Queue[str], seen: list[str]) -> str:
    while True:
        line = lines.get(timeout=300)
        seen.append(line)
        match = re.search(r"sign in as demo-admin with password (\S+)", line)
        if match:
            return match.group(1)


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


async def test_demo_serve_runs_the_service_with_a_web_sign_in(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "monitor", "demo", "--serve", "--web-port", str(port)]
    process = subprocess.Popen(
        [*command, "--dir", str(tmp_path)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_lines, args=(process.stderr, lines), daemon=True).start()
    seen: list[str] = []
    try:
        password = _password(lines, seen)
        _wait_for_port(port)
        async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{port}") as session:
            web = WebClient(session)  # type: ignore[arg-type]
            form = {"username": "demo-admin", "password": password, "next": "/incidents"}
            form["csrf"] = await web.csrf("/login")
            signed_in = await web.post("/login", form)
            assert signed_in.status in (302, 303), signed_in.text[:500]
            log = await web.get("/incidents")
            assert log.status == 200
            assert "Abbasl" in log.text  # the demo's incidents are there
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(60) == 0, "".join(seen)
