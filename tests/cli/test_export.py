"""`monitor export` and `monitor verify FILE.zip`, end to end from collected incidents.

Two activists are watched through four feeds collected in three passes (so the hash chain's
order is known): two feeds about A, one about B, and one feed carrying an item about each,
which makes one capture that both activists' incidents share.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import stix2
from warcio.archiveiterator import ArchiveIterator

from monitor import config as config_module
from monitor.storage import audit, triage
from monitor.store import Store, open_store
from tests.cli.test_verify import _sql
from tests.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, Cli
from tests.support.localweb import LocalWeb

A_NAME, B_NAME = "Gülnarə Mehdiyeva", "Tural Abbaslı"
ITEM = """<item><title>{}</title><link>https://{}</link><guid>{}</guid>
<description>{}</description></item>"""
# name: (title, address, text) of each feed item; "mixed" carries a3 and b3 in one feed.
ITEMS = {
    "a0": (
        "Gülnarə Mehdiyeva xalqa xəyanət edir",
        "smear.example/a0",
        "Gülnarə Mehdiyeva xalqa xəyanət edən əxlaqsız qrant yeyəndir, xarici agentdir.",
    ),
    "a1": (
        "Qrant yeyən Mehdiyeva yenə Avropada",
        "t.me/kanal/17",
        "Gülnarə Mehdiyeva Brüsseldə yenə vətəni satdı, bu əxlaqsız satqın qadın utanmır.",
    ),
    "a3": (
        "Mehdiyeva haqqında yeni faktlar",
        "www.facebook.com/page/posts/9",
        "Bu gün Gülnarə Mehdiyeva barədə yeni faktlar: əxlaqsız xain satqın agent yenə.",
    ),
    "b2": (
        "Tural Abbaslı satqındır",
        "news.example/b2",
        "Tural Abbaslı əxlaqsız qrant yeyən satqın xaindir, xalqa xəyanət edir.",
    ),
    "b3": (
        "Abbaslının xəyanəti",
        "news.example/b3",
        "Vətən xaini Tural Abbaslı yenə Qərbin pulunu alıb əxlaqsızlıq edir.",
    ),
}


def _item(name: str) -> str:
    title, address, text = ITEMS[name]
    return ITEM.format(title, address, address, text)


FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{}</channel></rss>'


@dataclass
class Collected:
    cli: Cli
    a: int
    b: int
    feeds: dict[str, str]


def _collect(cli: Cli, web: LocalWeb) -> Collected:
    a = cli.json("activist", "add", A_NAME)["id"]
    b = cli.json("activist", "add", B_NAME)["id"]
    feeds: dict[str, str] = {}
    for batch in (["a0"], ["a1"], ["b2", "mixed"]):
        for name in batch:
            body = _item("a3") + _item("b3") if name == "mixed" else _item(name)
            feeds[name] = web.serve(
                f"/{name}.xml", FEED.format(body), content_type="application/rss+xml"
            )
            cli.ok("source", "add", "feed", feeds[name])
        cli.ok("collect", "--once", "--all")
    return Collected(cli, a, b, feeds)


@pytest.fixture
def collected(monitor_cli: Cli, web: LocalWeb) -> Collected:
    return _collect(monitor_cli, web)


@pytest.fixture
def bundle_a(collected: Collected, tmp_path: Path) -> Path:
    """Activist A's bundle, exported with the defaults."""
    bundle = tmp_path / "a.zip"
    _export(collected, bundle, "--activist", str(collected.a))
    return bundle


@contextmanager
def _store(cli: Cli) -> Iterator[Store]:
    store = open_store(config_module.load(overrides={"db": cli.db}))
    try:
        yield store
    finally:
        store.close()


def _export(c: Collected, out: Path, *args: str) -> dict[str, Any]:
    return c.cli.json("export", "--out", str(out), *args)  # type: ignore[no-any-return]


def _files(bundle: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(bundle) as z:
        return {name: z.read(name) for name in z.namelist()}


def _manifest(bundle: Path) -> dict[str, Any]:
    return json.loads(_files(bundle)["manifest.json"])  # type: ignore[no-any-return]


def _rezip(bundle: Path, out: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    files = _files(bundle)
    change(files)
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out


def _incident_ids(cli: Cli, activist: int) -> list[int]:
    return [i["id"] for i in cli.json("incidents", "--activist", str(activist))]


def _plain_text(files: dict[str, bytes]) -> bytes:
    """Every file's content, WARCs decompressed, to search for what must not be there."""
    return b"\n".join(gzip.decompress(d) if n.endswith(".gz") else d for n, d in files.items())


# --- verifying and tampering -----------------------------------------------------------------

PYTHON = shutil.which("python3", path="/usr/bin:/bin") or sys.executable
CLEAN_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def _standalone(bundle: Path, workdir: Path) -> tuple[int, dict[str, Any]]:
    """The bundle's own verify.py, extracted and run by a bare interpreter in its folder."""
    folder = workdir / bundle.stem
    with zipfile.ZipFile(bundle) as z:
        z.extractall(folder)
    run = subprocess.run(
        [PYTHON, "-I", "-S", "verify.py", "--json"],
        cwd=folder,
        env=CLEAN_ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.stderr == "", run.stderr
    return run.returncode, json.loads(run.stdout)


def _verdicts(c: Collected, bundle: Path, workdir: Path) -> list[str]:
    """`monitor verify` and the standalone verify.py must agree, word for word."""
    ours = c.cli("verify", str(bundle), "--json")
    code, theirs = _standalone(bundle, workdir)
    mine = json.loads(ours.stdout)
    assert (ours.exit_code, code) == ((0, 0) if mine["ok"] else (1, 1))
    assert mine["problems"] == theirs["problems"]
    assert mine["manifest_sha256"] == theirs["manifest_sha256"]
    return list(mine["problems"])


def _flip_payload_byte(files: dict[str, bytes], name: str) -> None:
    raw = bytearray(gzip.decompress(files[name]))
    http = raw.index(b"HTTP/1.1")
    payload = raw.index(b"\r\n\r\n", http) + 4
    raw[payload + 40] ^= 0x01
    files[name] = gzip.compress(bytes(raw))


def _edit_manifest(files: dict[str, bytes], edit: Callable[[dict[str, Any]], None]) -> None:
    manifest = json.loads(files["manifest.json"])
    edit(manifest)
    files["manifest.json"] = json.dumps(manifest, indent=2, ensure_ascii=False).encode()


def _flip_manifest_byte(files: dict[str, bytes], old: bytes) -> None:
    """Flip one byte of the manifest, inside the first occurrence of `old`."""
    raw = bytearray(files["manifest.json"])
    at = raw.index(old) + len(old) - 1
    raw[at] ^= 0x01
    files["manifest.json"] = bytes(raw)


def test_a_bundle_verifies_and_each_tampering_is_named_by_both_verifiers(
    collected: Collected, tmp_path: Path
) -> None:
    c = collected
    bundle = tmp_path / "a.zip"
    summary = _export(c, bundle, "--activist", str(c.a))
    assert summary["incidents"] == 3 and summary["captures"] == 2
    assert summary["withheld_captures"] == 1
    assert "Bundle" in c.cli.ok("verify", str(bundle)).stdout
    assert "OK" in c.cli.ok("verify", str(bundle)).stdout
    assert _verdicts(c, bundle, tmp_path / "intact") == []
    run = subprocess.run(
        [PYTHON, "-I", "-S", "-c", "import monitor"], env=CLEAN_ENV, cwd=tmp_path, check=False
    )
    assert run.returncode != 0, "the bare interpreter must not see the project"

    manifest = _manifest(bundle)
    first, second = manifest["captures"]
    assert [e["seq"] for e in manifest["chain"]["entries"]] == [1, 2, 3, 4]
    assert manifest["chain"]["head"]["seq"] == 4

    # One byte of captured content, inside the WARC payload.
    flipped = _rezip(
        bundle, tmp_path / "payload.zip", lambda f: _flip_payload_byte(f, second["warc"])
    )
    problems = _verdicts(c, flipped, tmp_path / "payload")
    assert problems == [
        f"{second['warc']}: its SHA-256 differs from the manifest (changed)",
        f"capture {second['id']}: its bytes changed since capture (SHA-256 mismatch)",
    ]

    # One byte of the manifest: the address a capture was fetched from.
    url = first["final_url"].encode()
    edited = _rezip(bundle, tmp_path / "url.zip", lambda f: _flip_manifest_byte(f, url))
    problems = _verdicts(c, edited, tmp_path / "url")
    assert f"capture {first['id']}: its URL, status, headers or time changed since capture" in (
        problems
    )
    assert all(p.startswith(f"capture {first['id']}:") for p in problems)

    # One byte of the manifest: a chain entry's hash.
    entry = manifest["chain"]["entries"][1]
    hashed = entry["entry_hash"].encode()
    edited = _rezip(bundle, tmp_path / "entry.zip", lambda f: _flip_manifest_byte(f, hashed))
    problems = _verdicts(c, edited, tmp_path / "entry")
    assert problems == [
        f"chain entry 2 (capture {entry['capture_id']}): entry hash does not match its contents",
        f"chain entry 3 (capture {manifest['chain']['entries'][2]['capture_id']}): "
        "does not follow entry 2",
    ]

    # One chain entry removed from the manifest.
    def drop_entry(m: dict[str, Any]) -> None:
        del m["chain"]["entries"][1]

    removed = _rezip(bundle, tmp_path / "gap.zip", lambda f: _edit_manifest(f, drop_entry))
    problems = _verdicts(c, removed, tmp_path / "gap")
    after = manifest["chain"]["entries"][2]["capture_id"]
    assert problems == [
        f"chain entry 3 (capture {after}): entries 2..2 are missing (deleted?)",
        f"chain entry 3 (capture {after}): does not follow entry 1",
        f"capture {second['id']}: is not covered by any chain entry in the bundle",
    ]
    result = c.cli("verify", str(removed))
    assert result.exit_code == 1 and "FAILED" in result.stdout
    assert "entries 2..2 are missing" in result.stdout


def test_verify_names_missing_added_and_unreadable_files(
    collected: Collected, bundle_a: Path, tmp_path: Path
) -> None:
    c, bundle = collected, bundle_a
    warc = _manifest(bundle)["captures"][0]["warc"]

    def damage(files: dict[str, bytes]) -> None:
        del files["README.txt"]
        files["captures/99.warc.gz"] = b"planted"
        files[warc] = files[warc][:-20]

    problems = _verdicts(c, _rezip(bundle, tmp_path / "d.zip", damage), tmp_path / "d")
    assert "README.txt: is listed in the manifest but missing" in problems
    assert "captures/99.warc.gz: is not listed in the manifest (added?)" in problems
    assert f"{warc}: its SHA-256 differs from the manifest (changed)" in problems
    capture = _manifest(bundle)["captures"][0]["id"]
    assert f"capture {capture}: its WARC file {warc} holds no readable response record" in (
        problems
    )
    not_json = _rezip(bundle, tmp_path / "j.zip", lambda f: f.update({"manifest.json": b"{"}))
    assert _verdicts(c, not_json, tmp_path / "j") == ["manifest.json: is missing or not valid JSON"]


def test_the_standalone_verifier_takes_a_zip_path_too(bundle_a: Path, tmp_path: Path) -> None:
    bundle = bundle_a
    script = tmp_path / "verify.py"
    script.write_bytes(_files(bundle)["verify.py"])
    run = subprocess.run(
        [PYTHON, "-I", "-S", str(script), str(bundle)],
        env=CLEAN_ENV,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0 and run.stdout.startswith("Bundle: OK"), run.stdout + run.stderr


# --- what is in a bundle ---------------------------------------------------------------------


def test_warcio_reads_every_record_and_payload_digests_match(bundle_a: Path) -> None:
    bundle = bundle_a
    files, manifest = _files(bundle), _manifest(bundle)
    warcs = sorted(name for name in files if name.endswith(".warc.gz"))
    assert warcs == sorted(capture["warc"] for capture in manifest["captures"])
    for capture in manifest["captures"]:
        records = ArchiveIterator(io.BytesIO(files[capture["warc"]]))
        read = [(r, r.raw_stream.read()) for r in records]  # payloads read while iterating
        assert [r.rec_type for r, _ in read] == ["response"]
        ((record, payload),) = read
        assert hashlib.sha256(payload).hexdigest() == capture["sha256"]
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        assert digest == f"sha256:{capture['sha256']}"
        assert record.rec_headers.get_header("WARC-Target-URI") == capture["final_url"]
        assert record.http_headers.get_statuscode() == str(capture["status"])
        entry = next(e for e in manifest["chain"]["entries"] if e["capture_id"] == capture["id"])
        assert entry["capture_sha256"] == capture["sha256"]
    assert hashlib.sha256(files["verify.py"]).hexdigest() == manifest["files"]["verify.py"]


def test_another_activists_capture_is_never_in_the_bundle(
    collected: Collected, bundle_a: Path, tmp_path: Path
) -> None:
    c, bundle = collected, bundle_a
    files, manifest = _files(bundle), _manifest(bundle)
    content = _plain_text(files)
    assert b"Abbasl" not in content and b"b2.xml" not in content
    assert {i["activist"] for i in manifest["incidents"]} == {f"Activist #{c.a}"}
    (withheld,) = manifest["withheld_captures"]
    assert f"captures/{withheld['id']}.warc.gz" not in files
    shared = [
        s for i in manifest["incidents"] for s in i["sightings"] if s["capture"] == "withheld"
    ]
    assert [s["capture_id"] for s in shared] == [withheld["id"]]
    assert shared[0]["capture_sha256"] == withheld["sha256"]
    # Pseudonymous by default: the registered name is only in the captured material.
    for name in ("report.html", "incidents.csv", "manifest.json"):
        assert "Gülnarə Mehdiyeva (activist".encode() not in files[name]

    other = tmp_path / "b.zip"
    _export(c, other, "--activist", str(c.b))
    content = _plain_text(_files(other))
    assert b"Mehdiyeva" not in content
    assert [w["id"] for w in _manifest(other)["withheld_captures"]] == [withheld["id"]]


def test_names_and_notes_only_on_request(collected: Collected, tmp_path: Path) -> None:
    c = collected
    incident = _incident_ids(c.cli, c.a)[-1]
    c.cli.ok("incident", "set", str(incident), "--status", "confirmed", "--note", "Seen at home")
    plain = _files(_export_path(c, tmp_path / "p.zip", "--activist", str(c.a)))
    assert "Gülnarə Mehdiyeva (activist".encode() not in plain["report.html"]
    assert b"Seen at home" not in plain["manifest.json"] + plain["report.html"]
    assert b"(note not exported)" in plain["report.html"]
    assert b"cli:" not in plain["manifest.json"]
    named = _files(
        _export_path(c, tmp_path / "n.zip", "--activist", str(c.a), "--with-names", "--with-notes")
    )
    assert f"{A_NAME} (activist #{c.a})".encode() in named["report.html"]
    assert f"{A_NAME} (activist #{c.a})".encode() in named["incidents.csv"]
    assert b"Seen at home" in named["report.html"]


def _export_path(c: Collected, out: Path, *args: str) -> Path:
    _export(c, out, *args)
    return out


def test_shareable_bundle_holds_only_released_incidents(
    collected: Collected, tmp_path: Path
) -> None:
    c = collected
    refused = c.cli("export", "--shareable", "--out", str(tmp_path / "none.zip"))
    assert refused.exit_code == 1 and "No incidents match" in refused.output
    a_first, b_only = _incident_ids(c.cli, c.a)[-1], _incident_ids(c.cli, c.b)[-1]
    with _store(c.cli) as store:
        triage.set_shareable(store, a_first, True, "cli:test")
        triage.set_shareable(store, b_only, True, "cli:test")
    bundle = tmp_path / "coalition.zip"
    summary = _export(c, bundle, "--shareable")
    manifest = _manifest(bundle)
    assert sorted(i["id"] for i in manifest["incidents"]) == sorted([a_first, b_only])
    assert all(i["shareable"] for i in manifest["incidents"])
    assert summary["captures"] == 2 and summary["withheld_captures"] == 0
    assert manifest["scope"]["shareable_only"] is True
    # Other incidents' material (the second feed about A, the shared feed) stays out.
    content = _plain_text(_files(bundle))
    assert b"Avropada" not in content and b"faktlar" not in content
    assert _verdicts(c, bundle, tmp_path / "coalition") == []
    only_a = _manifest(_export_path(c, tmp_path / "ca.zip", "--shareable", "--activist", str(c.a)))
    assert [i["id"] for i in only_a["incidents"]] == [a_first]


def test_period_and_kind_filters_and_audit(collected: Collected, tmp_path: Path) -> None:
    c = collected
    refused = c.cli(
        "export", "--activist", str(c.a), "--to", "2001-01-01", "--out", str(tmp_path / "x.zip")
    )
    assert refused.exit_code == 1 and not (tmp_path / "x.zip").exists()
    kinds = {i["kind"] for i in c.cli.json("incidents", "--activist", str(c.a))}
    kind = sorted(kinds)[0]
    manifest = _manifest(
        _export_path(c, tmp_path / "k.zip", "--activist", str(c.a), "--kind", kind)
    )
    assert {i["kind"] for i in manifest["incidents"]} == {kind}
    with _store(c.cli) as store:
        entries = audit.entries(store, action="export")
    assert [e.target for e in entries] == [f"activist:{c.a}"]
    assert entries[0].detail["via"].startswith("cli:") and entries[0].detail["form"] == "zip"
    assert entries[0].detail["incident_ids"] == [i["id"] for i in manifest["incidents"]]


def test_export_refuses_without_scope_or_with_an_unknown_activist(
    monitor_cli: Cli, tmp_path: Path
) -> None:
    out = str(tmp_path / "x.zip")
    assert monitor_cli("export", "--out", out).exit_code == 2
    unknown = monitor_cli("export", "--activist", "99", "--out", out)
    assert unknown.exit_code == 1 and "No activist with id 99" in unknown.output
    both = monitor_cli("verify", out, "--store")
    assert both.exit_code == 2


def test_export_refuses_when_the_store_chain_is_broken(
    collected: Collected, tmp_path: Path
) -> None:
    _sql(collected.cli.db, "DELETE FROM chain_entry WHERE seq = 1")
    out = tmp_path / "broken.zip"
    refused = collected.cli("export", "--activist", str(collected.a), "--out", str(out))
    assert refused.exit_code == 1 and "have no hash-chain entry" in refused.output
    assert not out.exists()


def test_incidents_csv_has_one_row_per_incident(collected: Collected, tmp_path: Path) -> None:
    c = collected
    files = _files(_export_path(c, tmp_path / "a.zip", "--activist", str(c.a)))
    rows = list(csv.DictReader(io.StringIO(files["incidents.csv"].decode("utf-8-sig"))))
    listed = c.cli.json("incidents", "--activist", str(c.a))
    assert sorted(int(r["id"]) for r in rows) == sorted(i["id"] for i in listed)
    contract = (
        "id activist kind severity status title first_seen last_seen sightings urls playbooks"
    )
    assert list(rows[0]) == contract.split()
    by_id = {i["id"]: i for i in listed}
    for row in rows:
        incident = by_id[int(row["id"])]
        assert row["title"] == incident["title"] and row["activist"] == f"Activist #{c.a}"
        assert row["urls"].split() == incident["urls"]
        assert row["playbooks"].split() == incident["playbooks"]


# --- the printed report ----------------------------------------------------------------------


def _pdf_text(pdf: Path) -> tuple[str, str]:
    """The PDF's text and the tool that extracted it (poppler's pdftotext, else pypdf)."""
    if shutil.which("pdftotext"):
        run = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
        )
        return run.stdout.decode(), "pdftotext"
    pypdf = pytest.importorskip("pypdf")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages), "pypdf"


def _print_to_pdf(html: Path, pdf: Path) -> list[str]:
    """Open the report in headless Chromium, print it to PDF, return every URL it requested.

    The session's `browser` fixture is not used here: Playwright's sync API leaves its event
    loop set on the thread that started it, and every later test in this session that runs
    `monitor collect` in-process (asyncio.run) would then fail. Same Chromium, same flags, in
    a thread of its own."""
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = chromium.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.goto(html.as_uri())
            page.pdf(path=str(pdf), format="A4", print_background=True)
        finally:
            chromium.close()
    return requested


@pytest.mark.browser
def test_report_html_prints_to_a_pdf_with_titles_and_hashes(
    sqlite_cli: Cli, web: LocalWeb, tmp_path: Path
) -> None:
    c = _collect(sqlite_cli, web)
    bundle = tmp_path / "a.zip"
    _export(c, bundle, "--activist", str(c.a))
    folder = tmp_path / "bundle"
    with zipfile.ZipFile(bundle) as z:
        z.extractall(folder)
    html = (folder / "report.html").read_text()
    assert "<script" not in html.lower() and 'http-equiv="Content-Security-Policy"' in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "evidence-report.pdf"
    with ThreadPoolExecutor(1) as worker:
        requested = worker.submit(_print_to_pdf, folder / "report.html", pdf).result()
    assert requested == [(folder / "report.html").as_uri()], "the report loaded something"
    text, tool = _pdf_text(pdf)
    print(f"PDF text extracted with {tool}")
    flat = " ".join(text.split())
    manifest = _manifest(bundle)
    for incident in manifest["incidents"]:
        assert " ".join(incident["title"].split()) in flat
        assert f"Incident #{incident['id']}" in flat
    hashes = [c["sha256"] for c in manifest["captures"]]
    hashes += [w["sha256"] for w in manifest["withheld_captures"]]
    hashes.append(manifest["chain"]["head"]["entry_hash"])
    for digest in hashes:
        assert digest in flat, digest
    assert "Playbook actions taken" in flat


# --- STIX ------------------------------------------------------------------------------------


def test_stix_export_parses_back_with_incidents_and_indicators(
    collected: Collected, tmp_path: Path
) -> None:
    c = collected
    out = tmp_path / "a.stix.json"
    result = c.cli.json("export", "--activist", str(c.a), "--stix", "--out", str(out))
    assert result["incidents"] == 3
    text = out.read_text()
    assert "Mehdiyeva" not in text and "Gülnarə" not in text
    parsed = stix2.parse(text, allow_custom=True)
    objects = list(parsed.objects)
    by_type: dict[str, list[Any]] = {}
    for obj in objects:
        by_type.setdefault(obj.type, []).append(obj)
    assert {"identity", "incident", "indicator", "observed-data", "relationship", "url"} <= set(
        by_type
    )
    assert len(by_type["incident"]) == 3
    listed = {i["id"]: i for i in c.cli.json("incidents", "--activist", str(c.a))}
    targets = {obj["x_monitor_target"] for obj in by_type["incident"]}
    assert len(targets) == 1 and targets.pop().startswith("activist-")
    for incident in by_type["incident"]:
        assert incident["x_monitor_kind"] in {i["kind"] for i in listed.values()}
        assert incident["x_monitor_severity"] and incident["x_monitor_first_seen"]
    patterns = {i.pattern for i in by_type["indicator"]}
    for incident in listed.values():
        for url in incident["urls"]:
            assert f"[url:value = '{url}']" in patterns
    assert "[domain-name:value = 'smear.example']" in patterns
    assert not any("t.me'" in p and "domain-name" in p for p in patterns)
    ids = {obj.id for obj in objects}
    for rel in by_type["relationship"]:
        assert rel.source_ref in ids and rel.target_ref in ids
    again = tmp_path / "again.json"
    c.cli.ok("export", "--activist", str(c.a), "--stix", "--out", str(again))
    first_ids = {o["id"] for o in json.loads(text)["objects"] if o["type"] != "bundle"}
    assert first_ids == {o["id"] for o in json.loads(again.read_text())["objects"]}


def test_stix_export_of_shareable_incidents_only(collected: Collected, tmp_path: Path) -> None:
    c = collected
    b_only = _incident_ids(c.cli, c.b)[-1]
    with _store(c.cli) as store:
        triage.set_shareable(store, b_only, True, "cli:test")
    out = tmp_path / "coalition.json"
    c.cli.ok("export", "--shareable", "--stix", "--out", str(out))
    incidents = [o for o in json.loads(out.read_text())["objects"] if o["type"] == "incident"]
    assert len(incidents) == 1 and "Abbasl" not in out.read_text()


def test_verify_store_still_works_next_to_bundles(collected: Collected) -> None:
    assert collected.cli.json("verify", "--store")["ok"] is True
