"""`monitor image-hash` and `monitor activist add-images/images/set-keep-images`.

The hashing command runs on the activist's device without any database; what it writes and
what the service stores must carry hashes and quality scores only, never the photos, their
names, their EXIF data, or (in the database) the hashes in clear.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from PIL import Image

from monitor.cli import cli
from tests.conftest import Cli
from tests.monitor.test_images import caption, encode, photo, png

SECRET_NAME = "gulnara-bedroom-IMG_4242"
EXIF_ARTIST = "Gulnara Mehdiyeva"
EXIF_CAMERA = "SecretCam 3000"


def _jpeg_with_exif(seed: int) -> bytes:
    exif = Image.Exif()
    exif[0x013B] = EXIF_ARTIST  # Artist
    exif[0x0110] = EXIF_CAMERA  # Model
    exif[0x0132] = "2024:05:01 10:00:00"  # DateTime
    return encode(photo(seed), "JPEG", quality=92, exif=exif.tobytes())


def _album(root: Path) -> Path:
    """A folder as a phone export looks: photos in subfolders, and some non-images."""
    album = root / "private"
    (album / "2024" / "may").mkdir(parents=True)
    (album / f"{SECRET_NAME}.jpg").write_bytes(_jpeg_with_exif(0))
    (album / "2024" / "may" / "IMG_0002.png").write_bytes(png(photo(1)))
    (album / "2024" / "IMG_0003.webp").write_bytes(encode(photo(2), "WEBP", quality=80))
    (album / "2024" / "IMG_0003 copy.webp").write_bytes(encode(photo(2), "WEBP", quality=80))
    (album / "notes.txt").write_text("not an image")
    (album / "empty.jpg").write_bytes(b"")
    (album / "flat.png").write_bytes(png(Image.new("RGB", (200, 200), "grey")))
    return album


def _hash(*args: str) -> Any:
    """`monitor image-hash` with no --db, no init, no key: as on the activist's device."""
    return CliRunner().invoke(cli, ["image-hash", *args])


def _hashes_file(tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "hashes.json"
    result = _hash(str(_album(tmp_path)), "--out", str(out), *extra)
    assert result.exit_code == 0, result.output
    return out


def test_image_hash_needs_no_database_and_creates_none(tmp_path: Path, isolated_env: Path) -> None:
    out = _hashes_file(tmp_path)
    document = json.loads(out.read_text())
    assert document["format"] == "pdq-v1"
    assert len(document["hashes"]) == 3  # the copy is the same photo; the rest is not
    assert not (isolated_env / "data").exists() and not (isolated_env / "config").exists()
    missing = tmp_path / "nowhere" / "monitor.db"
    result = CliRunner().invoke(cli, ["--db", str(missing), "image-hash", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert not missing.parent.exists()
    unreachable = "postgresql://nobody@127.0.0.1:1/none"
    result = CliRunner().invoke(cli, ["image-hash", "--db", unreachable, str(tmp_path)])
    assert result.exit_code == 0, result.output


def test_hashes_file_holds_hashes_and_quality_only(tmp_path: Path) -> None:
    out = _hashes_file(tmp_path)
    text = out.read_text()
    for secret in (SECRET_NAME, "IMG_", "private", "2024", EXIF_ARTIST, EXIF_CAMERA, ".jpg"):
        assert secret not in text
    document = json.loads(text)
    assert set(document) == {"format", "hashes"}
    for row in document["hashes"]:
        assert set(row) == {"hash", "quality", "edits"}
        assert len(row["hash"]) == 64 and int(row["hash"], 16) >= 0
        assert 50 <= row["quality"] <= 100
        assert all(len(edit) == 64 for edit in row["edits"])
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_summary_goes_to_stderr_and_counts_what_was_passed_over(tmp_path: Path) -> None:
    result = _hash(str(_album(tmp_path)))
    assert json.loads(result.stdout)["format"] == "pdq-v1"
    assert "Hashed 4 photos (3 distinct" in result.stderr
    assert "1 too flat" in result.stderr and "2 files were not readable" in result.stderr
    assert SECRET_NAME not in result.stderr


def test_names_only_on_request_and_plain_without_edits(tmp_path: Path) -> None:
    named = json.loads(_hashes_file(tmp_path, "--with-names", "--plain").read_text())
    names = sorted(Path(row["name"]).name for row in named["hashes"])
    assert names == sorted(
        [f"{SECRET_NAME}.jpg", "IMG_0002.png", "IMG_0003.webp", "IMG_0003 copy.webp"]
    )
    assert all(set(row) == {"hash", "quality", "name"} for row in named["hashes"])


def test_nothing_hashable_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello")
    result = _hash(str(tmp_path))
    assert result.exit_code == 1
    assert "No photo could be hashed" in result.stderr
    assert _hash(str(tmp_path / "missing.jpg")).exit_code == 2


def test_add_images_registers_counts_and_skips_duplicates(monitor_cli: Cli, tmp_path: Path) -> None:
    activist_id = monitor_cli.json("activist", "add", "Gülnarə Mehdiyeva")["id"]
    hashes = str(_hashes_file(tmp_path))
    first = monitor_cli.json("activist", "add-images", str(activist_id), hashes)
    assert first == {
        "activist_id": activist_id,
        "added": 3,
        "duplicates": 0,
        "low_quality": 0,
        "total": 3,
    }
    again = monitor_cli.json("activist", "add-images", str(activist_id), hashes)
    assert again["added"] == 0 and again["duplicates"] == 3
    shown = monitor_cli.json("activist", "images", str(activist_id))
    assert shown == {"activist_id": activist_id, "photos": 3, "keep_images": False}
    human = monitor_cli.ok("activist", "images", str(activist_id)).stdout
    assert "3 photos registered" in human and "not kept" in human


def test_flat_hashes_from_other_tools_are_left_out_with_a_warning(
    monitor_cli: Cli, tmp_path: Path
) -> None:
    activist_id = monitor_cli.json("activist", "add", "Jane Doe")["id"]
    plain = {
        "format": "pdq-v1",
        "hashes": [{"hash": "f" * 63 + "0", "quality": 20}, {"hash": "0123" * 16, "quality": 90}],
    }
    path = tmp_path / "other-tool.json"
    path.write_text(json.dumps(plain))
    result = monitor_cli.ok("activist", "add-images", str(activist_id), str(path))
    assert "Registered 1 photos" in result.stdout
    assert "1 were left out: quality below 50" in result.stderr


def test_set_keep_images_turns_evidence_keeping_on_and_off(monitor_cli: Cli) -> None:
    activist_id = str(monitor_cli.json("activist", "add", "Jane Doe")["id"])
    assert monitor_cli.json("activist", "set-keep-images", activist_id, "on")["keep_images"]
    assert monitor_cli.json("activist", "images", activist_id)["keep_images"] is True
    monitor_cli.ok("activist", "set-keep-images", activist_id, "off")
    assert monitor_cli.json("activist", "images", activist_id)["keep_images"] is False
    assert monitor_cli("activist", "set-keep-images", activist_id, "maybe").exit_code == 2


def test_bad_input_registers_nothing(monitor_cli: Cli, tmp_path: Path) -> None:
    activist_id = str(monitor_cli.json("activist", "add", "Jane Doe")["id"])
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "pdq-v1", "hashes": [{"hash": "' + "a" * 64 + '", ')
    result = monitor_cli("activist", "add-images", activist_id, str(broken))
    assert result.exit_code == 2 and "not JSON" in result.stderr
    half = tmp_path / "half.json"
    rows = [{"hash": "ab" * 32, "quality": 90}, {"hash": "zz", "quality": 90}]
    half.write_text(json.dumps({"format": "pdq-v1", "hashes": rows}))
    assert monitor_cli("activist", "add-images", activist_id, str(half)).exit_code == 2
    assert monitor_cli.json("activist", "images", activist_id)["photos"] == 0
    missing = monitor_cli("activist", "add-images", "999", str(_hashes_file(tmp_path)))
    assert missing.exit_code == 1 and "No activist with id 999" in missing.stderr
    assert monitor_cli("activist", "images", "999").exit_code == 1


def test_database_holds_no_image_bytes_and_no_hash_in_clear(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    activist_id = str(sqlite_cli.json("activist", "add", "Jane Doe")["id"])
    photo_bytes = png(caption(photo(3)))
    (tmp_path / "album").mkdir()
    (tmp_path / "album" / "leak.png").write_bytes(photo_bytes)
    out = tmp_path / "hashes.json"
    assert _hash(str(tmp_path / "album"), "--out", str(out)).exit_code == 0
    sqlite_cli.ok("activist", "add-images", activist_id, str(out))
    document = json.loads(out.read_text())
    hexes = [row["hash"] for row in document["hashes"]] + document["hashes"][0]["edits"]
    stored = b"".join(
        path.read_bytes() for path in Path(sqlite_cli.db).parent.iterdir() if path.is_file()
    )
    for text in hexes:
        assert text.encode() not in stored and text.upper().encode() not in stored
        assert bytes.fromhex(text) not in stored
    for start in range(0, len(photo_bytes) - 64, len(photo_bytes) // 8):
        assert photo_bytes[start : start + 64] not in stored
