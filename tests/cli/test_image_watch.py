"""Leaked images end to end: hashes registered from the activist's device, a Telegram channel
and a web page publishing edited copies, one critical incident per activist and photo, and no
image bytes or hashes left in the database or the logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from monitor import config as config_module
from monitor.storage import captures
from monitor.store import open_store
from tests.conftest import Cli
from tests.monitor.test_images import caption, crop, encode, photo, png
from tests.support.localweb import LocalWeb

PRIVATE, OTHER, UNRELATED = 11, 12, 901


def _telegram_page(web: LocalWeb, images: list[str]) -> str:
    posts = "".join(
        f'<div class="tgme_widget_message" data-post="leaks_channel/{n}">'
        f'<a class="tgme_widget_message_photo_wrap" style="background-image:url(\'{url}\')"></a>'
        f'<div class="tgme_widget_message_text">Post {n}</div>'
        f'<time datetime="2026-03-0{n}T10:00:00+00:00"></time></div>'
        for n, url in enumerate(images, start=1)
    )
    return web.serve("/s/leaks_channel", f"<html><body>{posts}</body></html>")


def _register_photos(cli: Cli, folder: Path) -> None:
    folder.mkdir()
    for seed in (PRIVATE, OTHER):
        (folder / f"{seed}.png").write_bytes(png(photo(seed)))
    hashes = folder.parent / "hashes.json"
    cli.ok("image-hash", str(folder), "--out", str(hashes))
    assert cli.json("activist", "add-images", "1", str(hashes))["added"] == 2


@pytest.fixture
def published(web: LocalWeb) -> dict[str, bytes]:
    """Edited copies of one private photo, and unrelated pictures, served locally."""
    copies = {
        "/img/cropped.jpg": encode(crop(photo(PRIVATE), 0.05, 0.0, 0.05, 0.0), "JPEG", quality=40),
        "/img/captioned.png": png(caption(photo(PRIVATE).convert("L").convert("RGB"))),
        "/img/holiday.jpg": encode(photo(UNRELATED), "JPEG", quality=80),
        "/img/other.png": png(photo(UNRELATED + 1)),
    }
    for path, data in copies.items():
        web.serve(path, data, content_type="image/png")
    return copies


def test_edited_copies_raise_one_critical_leak_per_photo_and_nothing_twice(
    sqlite_cli: Cli, web: LocalWeb, published: dict[str, bytes], tmp_path: Path
) -> None:
    sqlite_cli.ok("activist", "add", "Gülnarə Mehdiyeva")
    _register_photos(sqlite_cli, tmp_path / "device")
    channel = _telegram_page(web, [web.url("/img/cropped.jpg"), web.url("/img/holiday.jpg")])
    page = web.serve(
        "/article",
        '<article><p>Bakıda hava.</p><img src="/img/captioned.png"><img src="/img/other.png">'
        "</article>",
    )
    sqlite_cli.ok("source", "add", "telegram", channel)
    sqlite_cli.ok("source", "add", "page", page)
    first = sqlite_cli.json("collect", "--once", "--all")
    assert first["failed"] == 0
    [incident] = sqlite_cli.json("incidents")
    assert (incident["kind"], incident["severity"], incident["activist_id"]) == (
        "leak",
        "critical",
        1,
    )
    assert incident["signals"] == ["intimate_image"] and incident["sightings"] == 2
    assert "intimate-images" in incident["playbooks"]
    detail = sqlite_cli.json("incident", "show", str(incident["id"]))
    found = {s["evidence"]["image_url"] for s in detail["sightings_detail"]}
    assert found == {web.url("/img/cropped.jpg"), web.url("/img/captioned.png")}
    assert all(s["evidence"]["distance"] <= 31 for s in detail["sightings_detail"])
    assert all(not s["evidence"]["image_kept"] for s in detail["sightings_detail"])
    counters = sqlite_cli.json("status")["counters"]
    assert counters["images_checked"] == 4 and counters["images_unmatched"] == 2
    fetched = {path: web.hits[path] for path in published}
    second = sqlite_cli.json("collect", "--once", "--all")
    assert second["sightings"] == 0 and len(sqlite_cli.json("incidents")) == 1
    assert {path: web.hits[path] for path in published} == fetched  # seen items: not refetched


def test_no_image_bytes_or_hashes_stay_in_the_database_or_the_logs(
    sqlite_cli: Cli,
    sqlite_path: Path,
    web: LocalWeb,
    published: dict[str, bytes],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    sqlite_cli.ok("activist", "add", "Gülnarə Mehdiyeva")
    _register_photos(sqlite_cli, tmp_path / "device")
    channel = _telegram_page(web, [web.url(path) for path in published])
    sqlite_cli.ok("source", "add", "telegram", channel)
    sqlite_cli.ok("collect", "--once", "--all")
    assert len(sqlite_cli.json("incidents")) == 1
    store = open_store(config_module.load(overrides={"db": str(sqlite_path)}))
    bodies = [captures.read(store, n)[0].headers for n in range(1, 3) if _exists(store, n)]
    store.close()
    assert all(("Content-Type", "image/png") not in headers for headers in bodies)
    raw = b"".join(
        p.read_bytes() for p in sqlite_path.parent.iterdir() if p.name.startswith("monitor.db")
    )
    logs = caplog.text.encode()
    for data in published.values():
        for chunk in (data[100:164], data[-64:]):
            assert chunk not in raw and chunk not in logs
    hashes = sqlite_cli.json("incident", "show", "1")["sightings_detail"][0]["evidence"]
    assert hashes["image_hash"].encode() not in raw and hashes["image_hash"].encode() not in logs


def _exists(store: object, capture_id: int) -> bool:
    try:
        captures.read(store, capture_id)  # type: ignore[arg-type]
    except KeyError:
        return False
    return True


def test_kept_images_are_stored_encrypted_when_the_activist_asks(
    sqlite_cli: Cli, sqlite_path: Path, web: LocalWeb, published: dict[str, bytes], tmp_path: Path
) -> None:
    sqlite_cli.ok("activist", "add", "Gülnarə Mehdiyeva")
    _register_photos(sqlite_cli, tmp_path / "device")
    sqlite_cli.ok("activist", "set-keep-images", "1", "on")
    channel = _telegram_page(web, [web.url("/img/cropped.jpg")])
    sqlite_cli.ok("source", "add", "telegram", channel)
    sqlite_cli.ok("collect", "--once", "--all")
    [sighting] = sqlite_cli.json("incident", "show", "1")["sightings_detail"]
    assert sighting["evidence"]["image_kept"] is True
    store = open_store(config_module.load(overrides={"db": str(sqlite_path)}))
    _, body = captures.read(store, sighting["capture_id"])
    store.close()
    assert body == published["/img/cropped.jpg"]
    raw = b"".join(
        p.read_bytes() for p in sqlite_path.parent.iterdir() if p.name.startswith("monitor.db")
    )
    assert body[200:264] not in raw
