"""Bundles without a database: scope rules, the manifest, the report, and both verifiers."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from monitor import evidence, exports
from monitor.bundle import verify as standalone
from monitor.evidence import CaptureMeta, ChainLink
from monitor.exports import CaptureFile, CaptureUse, Case, Contents, Scope
from monitor.exports_verify import verify_bundle
from monitor.storage.incidents import EventRecord, IncidentRecord, SightingRecord
from monitor.storage.triage import Tick
from playbooks.loader import default_library

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LIBRARY = default_library()


def _record(incident_id: int, activist_id: int = 1, title: str = "A smear", **more: Any) -> Any:
    values: dict[str, Any] = {
        "id": incident_id,
        "activist_id": activist_id,
        "kind": "smear",
        "severity": "high",
        "status": "new",
        "title": title,
        "signals": (),
        "score": 0.9,
        "first_seen": T0,
        "last_seen": T0 + timedelta(hours=2),
        "sightings": 1,
        "shareable": False,
        "urls": ("https://smear.example/1",),
    }
    values.update(more)
    return IncidentRecord(**values)


def _sighting(sighting_id: int, capture_id: int | None, sha: str | None, **more: Any) -> Any:
    values: dict[str, Any] = {
        "id": sighting_id,
        "source_id": 1,
        "capture_id": capture_id,
        "capture_sha256": sha,
        "url": "https://smear.example/1",
        "title": "A smear",
        "kind": "smear",
        "score": 0.9,
        "seen_at": T0 + timedelta(minutes=sighting_id),
        "published_at": None,
        "evidence": {
            "hits": [{"how": "full_name", "matched": "Jane Roe"}],
            "cues": [{"kind": "smear", "term": "traitor", "lang": "en", "distance": 2}],
        },
    }
    values.update(more)
    return SightingRecord(**values)


def _captures(count: int) -> list[tuple[CaptureMeta, bytes, ChainLink]]:
    made, prev = [], evidence.GENESIS
    for n in range(1, count + 1):
        body = f"<rss><item>capture {n}: Jane Roe is a traitor</item></rss>".encode()
        meta = CaptureMeta(
            request_url=f"https://feeds.example/{n}.xml",
            final_url=f"https://feeds.example/{n}.xml?final",
            status=200,
            headers=(("Content-Type", "application/rss+xml"), ("Content-Length", str(len(body)))),
            fetched_at=T0 + timedelta(minutes=n),
            sha256=evidence.sha256_hex(body),
            size=len(body),
        )
        created = T0 + timedelta(minutes=n, seconds=1)
        digest = evidence.entry_hash(n, prev, meta.sha256, meta.digest(), created.isoformat())
        made.append(
            (meta, body, ChainLink(n, n, meta.sha256, meta.digest(), prev, digest, created))
        )
        prev = digest
    return made


def _contents(scope: Scope | None = None, **more: Any) -> Contents:
    """Three captures in the chain: 1 and 2 are this case's, 3 also concerns someone else."""
    made = _captures(3)
    cases = [
        Case(
            incident=_record(1),
            sightings=(
                _sighting(10, 1, made[0][0].sha256),
                _sighting(11, 2, made[1][0].sha256, url="https://t.me/c/2"),
                _sighting(12, 3, made[2][0].sha256, url="https://t.me/c/3"),
            ),
            events=(
                EventRecord(T0, "system", "created", None, "new", None),
                EventRecord(
                    T0 + timedelta(hours=1), "cli:alice", "status", "new", "confirmed", "x"
                ),
                EventRecord(T0 + timedelta(hours=3), "user:4", "step_done", None, None, "1.1"),
            ),
            ticks=(Tick("smear-campaign", "1.1", "user:4", T0 + timedelta(hours=3)),),
            playbooks=tuple(LIBRARY.for_incident("smear")),
        )
    ]
    values: dict[str, Any] = {
        "scope": scope or Scope(activist_id=1),
        "cases": cases,
        "captured": [
            (CaptureFile(n, meta, link), body) for n, (meta, body, link) in enumerate(made[:2], 1)
        ],
        "withheld": {3: made[2][0].sha256},
        "chain": [link for _, _, link in made],
        "names": {},
        "created_at": T0 + timedelta(days=1),
        "generator": "activist-monitor test",
        "library": LIBRARY,
    }
    values.update(more)
    return Contents(**values)


def _bundle(tmp_path: Path, contents: Contents | None = None, name: str = "b.zip") -> Path:
    path = tmp_path / name
    files = exports.assemble(contents or _contents())
    exports.write_zip(path, files, T0)
    return path


def _both(path: Path) -> list[str]:
    """Both verifiers, which must agree word for word."""
    mine = verify_bundle(path)
    theirs = standalone.verify(standalone.Bundle(path))
    assert mine == theirs
    return list(mine["problems"])


# --- scope ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "uses", "included", "withheld"),
    [
        (Scope(activist_id=1), [CaptureUse(1, 1, 1, False)], {1}, set()),
        (
            Scope(activist_id=1),
            [CaptureUse(1, 1, 1, False), CaptureUse(1, 2, 1, False)],
            {1},
            set(),
        ),
        (Scope(activist_id=1), [CaptureUse(1, 1, 1, False), CaptureUse(1, 9, 2, True)], set(), {1}),
        (Scope(shareable=True), [CaptureUse(1, 1, 1, True), CaptureUse(1, 9, 2, True)], {1}, set()),
        (
            Scope(shareable=True),
            [CaptureUse(1, 1, 1, True), CaptureUse(1, 2, 1, False)],
            set(),
            {1},
        ),
        (
            Scope(activist_id=1, shareable=True),
            [CaptureUse(1, 1, 1, True), CaptureUse(1, 9, 2, True)],
            set(),
            {1},
        ),
    ],
)
def test_a_capture_goes_in_only_if_every_sighting_of_it_may_be_shown(
    scope: Scope, uses: list[CaptureUse], included: set[int], withheld: set[int]
) -> None:
    case = Case(_record(1), (_sighting(10, 1, "aa"),), (), (), ())
    got_in, got_out = exports.captures_in_scope(scope, [case], uses)
    assert (set(got_in), set(got_out)) == (included, withheld)


def test_the_chain_slice_runs_from_the_first_covered_entry_to_the_head() -> None:
    links = [link for _, _, link in _captures(5)]
    assert [x.seq for x in exports.chain_slice(links, {4, 2})] == [2, 3, 4, 5]
    assert [x.seq for x in exports.chain_slice(links, set())] == [5]
    assert exports.chain_slice([], {1}) == []
    assert exports.chain_head([]) == {"seq": 0, "entry_hash": evidence.GENESIS}


# --- how people and notes are shown --------------------------------------------------------


def test_evidence_notes_and_staff_are_pseudonymous_unless_asked() -> None:
    found = _sighting(1, None, None).evidence
    assert exports.shown_evidence(found, False)["hits"] == [{"how": "full_name"}]
    assert exports.shown_evidence(found, True)["hits"][0]["matched"] == "Jane Roe"
    typed = EventRecord(T0, "cli:alice", "note", None, None, "she moved to Ganja")
    ticked = EventRecord(T0, "user:4", "step_done", None, None, "smear-campaign 1.1")
    assert exports.shown_note(typed, False) == "(note not exported)"
    assert exports.shown_note(typed, True) == "she moved to Ganja"
    assert exports.shown_note(ticked, False) == "smear-campaign 1.1"
    assert exports.actor_label("cli:alice", False) == "staff"
    assert exports.actor_label("system", False) == "system"
    assert exports.person_label(3, {}) == "Activist #3"
    assert exports.person_label(3, {3: "Jane Roe"}) == "Jane Roe (activist #3)"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Plain title", "Plain title"),
        (12, "12"),
    ],
)
def test_csv_cells_never_start_a_formula(value: object, cell: str) -> None:
    assert exports.safe_cell(value) == cell


def test_incidents_csv_reads_back() -> None:
    cases = [
        Case(
            _record(1, title="=cmd|' /C calc'!A0"), (), (), (), tuple(LIBRARY.for_incident("smear"))
        )
    ]
    text = exports.incidents_csv(cases, {}).decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["title"] == "'=cmd|' /C calc'!A0" and row["activist"] == "Activist #1"
    assert row["playbooks"] == "smear-campaign" and row["urls"] == "https://smear.example/1"


# --- the report ----------------------------------------------------------------------------


def test_the_report_is_self_contained_and_shows_captured_text_as_text() -> None:
    hostile = '<script>alert(1)</script><img src="https://evil.example/x.png">'
    contents = _contents()
    case = contents.cases[0]
    evil = Case(
        _record(1, title=hostile),
        (_sighting(10, 1, contents.captured[0][0].meta.sha256, title=hostile, url="javascript:x"),),
        case.events,
        case.ticks,
        case.playbooks,
    )
    html = exports.report_html(_contents(cases=[evil]))
    assert "<script" not in html and "<img" not in html and "href=" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "default-src 'none'" in html
    assert "Activist #1" in html and "Jane Roe" not in html
    assert contents.captured[0][0].meta.sha256 in html


def test_the_report_has_a_timeline_captures_and_playbook_actions() -> None:
    html = exports.report_html(_contents())
    rows = [r.text for r in exports.timeline(_contents().cases[0], Scope(activist_id=1), {1: ""})]
    assert rows == [
        "Incident opened (new)",
        "Seen: A smear",
        "Seen: A smear",
        "Seen: A smear",
        "Status changed by staff: new → confirmed",
        "Playbook step done by staff",
    ]
    assert "Capture 3</strong> (withheld" in html
    step = LIBRARY.get("smear-campaign").step("1.1").text
    assert "Playbook actions taken" in html and step.split()[0] in html


# --- verifying a bundle --------------------------------------------------------------------


def test_an_assembled_bundle_verifies_with_both_verifiers(tmp_path: Path) -> None:
    path = _bundle(tmp_path)
    assert _both(path) == []
    result = verify_bundle(path)
    assert (result["captures"], result["withheld_captures"], result["incidents"]) == (2, 1, 1)
    assert result["chain"] == {
        "first_seq": 1,
        "last_seq": 3,
        "head": _contents().chain[-1].entry_hash,
    }
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    assert set(manifest["files"]) == {
        "captures/1.warc.gz",
        "captures/2.warc.gz",
        "incidents.csv",
        "report.html",
        "verify.py",
        "README.txt",
    }
    folder = tmp_path / "folder"
    zipfile.ZipFile(path).extractall(folder)
    (folder / "b.zip").write_bytes(path.read_bytes())  # unpacked next to its ZIP: fine
    assert _both(folder) == []
    (folder / "captures" / "9.warc.gz").write_bytes(b"planted")
    assert _both(folder) == ["captures/9.warc.gz: is not listed in the manifest (added?)"]


def _edit(path: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    change(files)
    out = path.with_name("edited.zip")
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out


def _manifest_edit(edit: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, bytes]], None]:
    def change(files: dict[str, bytes]) -> None:
        manifest = json.loads(files["manifest.json"])
        edit(manifest)
        files["manifest.json"] = json.dumps(manifest).encode()

    return change


def _swap_payload(files: dict[str, bytes]) -> None:
    """Replace capture 1's content and re-hash its file in the manifest: only the chain knows."""
    manifest = json.loads(files["manifest.json"])
    placed = manifest["captures"][0]
    meta = CaptureMeta(
        placed["request_url"],
        placed["final_url"],
        placed["status"],
        tuple((k, v) for k, v in placed["headers"]),
        datetime.fromisoformat(placed["fetched_at"]),
        placed["sha256"],
        placed["size"],
    )
    buffer = io.BytesIO()
    evidence.write_warc([(meta, b"<rss>a different story</rss>")], buffer)
    files[placed["warc"]] = buffer.getvalue()
    manifest["files"][placed["warc"]] = evidence.sha256_hex(buffer.getvalue())
    files["manifest.json"] = json.dumps(manifest).encode()


def _not_gzip(files: dict[str, bytes]) -> None:
    manifest = json.loads(files["manifest.json"])
    files["captures/2.warc.gz"] = b"WARC/1.1 but not gzipped"
    manifest["files"]["captures/2.warc.gz"] = evidence.sha256_hex(files["captures/2.warc.gz"])
    files["manifest.json"] = json.dumps(manifest).encode()


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(manifest: dict[str, Any]) -> None:
        target = manifest
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


TAMPERING: list[tuple[str, Callable[[dict[str, bytes]], None], list[str]]] = [
    (
        "file deleted",
        lambda f: f.pop("README.txt") and None,
        ["README.txt: is listed in the manifest but missing"],
    ),
    (
        "file added",
        lambda f: f.update({"notes.txt": b"added later"}),
        ["notes.txt: is not listed in the manifest (added?)"],
    ),
    (
        "content swapped and re-hashed",
        _swap_payload,
        ["capture 1: its bytes changed since capture (SHA-256 mismatch)"],
    ),
    (
        "status edited",
        _manifest_edit(_set(("captures", 0, "status"), 404)),
        ["capture 1: its URL, status, headers or time changed since capture"],
    ),
    (
        "time edited",
        _manifest_edit(_set(("captures", 1, "fetched_at"), "yesterday")),
        ["capture 2: its URL, status, headers or time changed since capture"],
    ),
    (
        "WARC not readable",
        _not_gzip,
        ["capture 2: its WARC file captures/2.warc.gz holds no readable response record"],
    ),
    (
        "head moved",
        _manifest_edit(_set(("chain", "head", "seq"), 4)),
        ["chain head: is not the last chain entry in the bundle"],
    ),
    (
        "first entry dropped",
        _manifest_edit(lambda m: m["chain"]["entries"].pop(0) and None),
        ["capture 1: is not covered by any chain entry in the bundle"],
    ),
    (
        "entry time edited",
        _manifest_edit(_set(("chain", "entries", 2, "created_at"), "not a time")),
        ["chain entry 3 (capture 3): entry hash does not match its contents"],
    ),
    (
        "sighting re-pointed",
        _manifest_edit(_set(("incidents", 0, "sightings", 0, "capture_sha256"), "0" * 64)),
        ["sighting 10 (incident 1): names capture 1 by a SHA-256 the bundle does not hold"],
    ),
    (
        "withheld hash edited",
        _manifest_edit(_set(("incidents", 0, "sightings", 2, "capture_sha256"), "1" * 64)),
        ["sighting 12 (incident 1): names capture 3 by a SHA-256 the bundle does not hold"],
    ),
    (
        "other format",
        _manifest_edit(_set(("format",), "something-else/2")),
        [f"manifest.json: is not a {standalone.FORMAT} manifest"],
    ),
    (
        "manifest cut short",
        _manifest_edit(lambda m: m.pop("chain") and None),
        ["manifest.json: is malformed (KeyError: 'chain')"],
    ),
    (
        "manifest not JSON",
        lambda f: f.update({"manifest.json": b"\x00"}),
        ["manifest.json: is missing or not valid JSON"],
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"), [t[1:] for t in TAMPERING], ids=[t[0] for t in TAMPERING]
)
def test_tampering_is_named_the_same_by_both_verifiers(
    tmp_path: Path, change: Callable[[dict[str, bytes]], None], expected: list[str]
) -> None:
    assert _both(_edit(_bundle(tmp_path), change)) == expected


def test_the_standalone_verifier_prints_a_verdict_and_exits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _bundle(tmp_path)
    assert standalone.main([str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Bundle: OK") and "2 capture(s) checked, 1 withheld" in out
    broken = _edit(path, lambda f: f.pop("report.html") and None)
    assert standalone.main([str(broken), "--json"]) == 1
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["ok"] is False and verdict["problems"] == [
        "report.html: is listed in the manifest but missing"
    ]
    assert standalone.main([str(tmp_path / "absent.zip")]) == 2
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    assert standalone.main([str(tmp_path / "junk.zip")]) == 1
    assert "junk.zip: is not a ZIP file" in capsys.readouterr().out


def test_bundle_entries_cannot_point_outside_the_bundle(tmp_path: Path) -> None:
    bundle = standalone.Bundle(tmp_path)
    (tmp_path.parent / "secret.txt").write_text("x")
    assert bundle.read("../secret.txt") is None and bundle.read("/etc/passwd") is None
