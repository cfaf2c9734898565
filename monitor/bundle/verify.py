#!/usr/bin/env python3
"""Verify an activist-monitor evidence bundle with nothing but the Python standard library.

    python3 verify.py                 # inside the extracted bundle folder
    python3 verify.py BUNDLE.zip      # a bundle ZIP (or an extracted folder) given by path
    python3 verify.py --json BUNDLE.zip

What is checked, from the bundle alone (no server, no database, no network):

1. every file listed in manifest.json has the SHA-256 written there, and no file was added;
2. the hash-chain entries in the manifest link up: each entry's hash matches its contents,
   each entry names the previous one, the numbering has no gap, and the last entry is the
   chain head the manifest names;
3. every capture in the manifest is covered by a chain entry; the payload of its WARC record
   has the SHA-256 that entry committed to; its URL, status, headers, time and size hash to
   the entry's metadata digest;
4. every sighting refers to its capture by the same SHA-256.

Exit status 0 means every check passed, 1 that at least one failed; each problem names the
file, capture, chain entry or sighting affected.

This file is a copy of the verifier shipped with activist-monitor. A bundle that was tampered
with could carry a tampered verifier too: compare this file's SHA-256 with the one its
publisher gives, or run `monitor verify BUNDLE.zip` from your own installation.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

FORMAT = "activist-monitor-bundle/1"
MANIFEST = "manifest.json"
# The RFC 3161 timestamp token of the manifest, when the exporter had one made. It signs the
# manifest, so the manifest cannot list it.
TIMESTAMP = "manifest.json.tsr"
NOT_HASHED = frozenset({MANIFEST, TIMESTAMP})
# What each failed check says; `monitor verify` words its findings the same way.
NOT_COVERED = "is not covered by any chain entry in the bundle"
WARC_MISSING = "its WARC file {} is missing"
WARC_UNREADABLE = "its WARC file {} holds no readable response record"
BYTES_CHANGED = "its bytes changed since capture (SHA-256 mismatch)"
META_CHANGED = "its URL, status, headers or time changed since capture"
HEAD_NOT_LAST = "is not the last chain entry in the bundle"


class Problem(NamedTuple):
    """One failed check, naming what it is about so a person can find it."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


Checks = Callable[["Bundle", dict[str, Any], dict[Any, dict[str, Any]]], list[Problem]]


# --- reading a bundle ---------------------------------------------------------------------


class Bundle:
    """The files of a bundle, from a ZIP or an extracted folder, by their POSIX names."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip = zipfile.ZipFile(path) if path.is_file() else None

    @property
    def is_zip(self) -> bool:
        return self._zip is not None

    def names(self) -> list[str]:
        if self._zip is not None:
            return sorted(n for n in self._zip.namelist() if not n.endswith("/"))
        found = []
        for root, dirs, files in os.walk(self.path):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for name in files:
                found.append(Path(root, name).relative_to(self.path).as_posix())
        return sorted(found)

    def read(self, name: str) -> bytes | None:
        """The file's bytes, or None when it is absent or its name leaves the bundle."""
        parts = PurePosixPath(name).parts
        if not parts or name.startswith("/") or ".." in parts:
            return None
        try:
            if self._zip is not None:
                return self._zip.read(name)
            return self.path.joinpath(*parts).read_bytes()
        except (KeyError, OSError):
            return None


# --- hashing ------------------------------------------------------------------------------


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(value: Any) -> bytes:
    """The serialisation hashes are computed over: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: dict[str, Any]) -> str:
    text = "\n".join(
        str(entry[key])
        for key in ("seq", "prev_hash", "capture_sha256", "meta_sha256", "created_at")
    )
    return sha256_hex(text.encode())


def meta_digest(capture: dict[str, Any]) -> str:
    """The digest of a capture's context, as the chain committed to it."""
    keys = ("request_url", "final_url", "status", "headers", "fetched_at", "sha256", "size")
    return sha256_hex(canonical_json({key: capture[key] for key in keys}))


# --- WARC ---------------------------------------------------------------------------------


def warc_records(data: bytes) -> list[tuple[dict[str, str], bytes]]:
    """(headers, block) of each record: `WARC/1.x` header lines, a blank line, the block of
    Content-Length bytes, then two CRLFs. Each record is its own gzip member."""
    raw = gzip.decompress(data)
    records, pos = [], 0
    while pos < len(raw):
        end = raw.find(b"\r\n\r\n", pos)
        if end < 0:
            raise ValueError("a record has no end of headers")
        lines = raw[pos:end].decode("utf-8").split("\r\n")
        if not lines[0].startswith("WARC/1."):
            raise ValueError("not a WARC/1.x record")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers["content-length"])
        block = raw[end + 4 : end + 4 + length]
        pos = end + 4 + length
        if len(block) != length or raw[pos : pos + 4] != b"\r\n\r\n":
            raise ValueError("a record is truncated")
        pos += 4
        records.append((headers, block))
    return records


def response_payload(data: bytes) -> tuple[str, bytes]:
    """The target URI and HTTP payload of the bundle file's one response record."""
    for headers, block in warc_records(data):
        if headers.get("warc-type") == "response":
            end = block.find(b"\r\n\r\n")
            if end < 0:
                raise ValueError("the HTTP headers of the response do not end")
            return headers.get("warc-target-uri", ""), block[end + 4 :]
    raise ValueError("no response record")


# --- checks -------------------------------------------------------------------------------


def check_files(bundle: Bundle, listed: dict[str, str]) -> list[Problem]:
    problems = []
    for name in sorted(listed):
        data = bundle.read(name)
        if data is None:
            problems.append(Problem(name, "is listed in the manifest but missing"))
        elif sha256_hex(data) != listed[name]:
            problems.append(Problem(name, "its SHA-256 differs from the manifest (changed)"))
    for name in bundle.names():
        if name in listed or name in NOT_HASHED:
            continue
        # An unpacked folder may also hold the ZIP it came from, or other downloads: only its
        # subfolders (captures/) must hold nothing but the bundle's files.
        if bundle.is_zip or "/" in name:
            problems.append(Problem(name, "is not listed in the manifest (added?)"))
    return problems


def check_chain(entries: list[dict[str, Any]]) -> list[Problem]:
    """Linkage, numbering and entry hashes of a contiguous run of chain entries."""
    problems = []
    previous: dict[str, Any] | None = None
    for entry in entries:
        where = f"chain entry {entry['seq']} (capture {entry['capture_id']})"
        if entry_hash(entry) != entry["entry_hash"]:
            problems.append(Problem(where, "entry hash does not match its contents"))
        if previous is not None:
            if entry["seq"] != previous["seq"] + 1:
                missing = f"{previous['seq'] + 1}..{entry['seq'] - 1}"
                problems.append(Problem(where, f"entries {missing} are missing (deleted?)"))
            if entry["prev_hash"] != previous["entry_hash"]:
                problems.append(Problem(where, f"does not follow entry {previous['seq']}"))
        previous = entry
    return problems


def check_head(entries: list[dict[str, Any]], head: dict[str, Any]) -> list[Problem]:
    """The run of entries must end at the head the manifest names (seq 0: an empty chain)."""
    last = entries[-1] if entries else {"seq": 0, "entry_hash": "0" * 64}
    if (last["seq"], last["entry_hash"]) != (head.get("seq"), head.get("entry_hash")):
        return [Problem("chain head", HEAD_NOT_LAST)]
    return []


def check_capture(
    bundle: Bundle, capture: dict[str, Any], entry: dict[str, Any] | None
) -> list[Problem]:
    where = f"capture {capture['id']}"
    if entry is None:
        return [Problem(where, NOT_COVERED)]
    data = bundle.read(capture["warc"])
    if data is None:
        return [Problem(where, WARC_MISSING.format(capture["warc"]))]
    try:
        target, payload = response_payload(data)
    except (OSError, EOFError, ValueError, KeyError, UnicodeDecodeError):
        return [Problem(where, WARC_UNREADABLE.format(capture["warc"]))]
    problems = []
    committed = entry["capture_sha256"]
    if sha256_hex(payload) != committed or capture["sha256"] != committed:
        problems.append(Problem(where, BYTES_CHANGED))
    if meta_digest(capture) != entry["meta_sha256"]:
        problems.append(Problem(where, META_CHANGED))
    return problems + check_target(where, target, capture)


def check_target(where: str, target: str, capture: dict[str, Any]) -> list[Problem]:
    if target != capture["final_url"]:
        return [Problem(where, "its WARC record names another URL than the manifest")]
    return []


def check_sightings(manifest: dict[str, Any], by_capture: dict[int, Any]) -> list[Problem]:
    """Sightings must name their capture by the hash the bundle (or the chain) holds for it."""
    known = {c["id"]: c["sha256"] for c in manifest["captures"]}
    for withheld in manifest["withheld_captures"]:
        entry = by_capture.get(withheld["id"])
        known[withheld["id"]] = entry["capture_sha256"] if entry else withheld["sha256"]
    problems = []
    for incident in manifest["incidents"]:
        for sighting in incident["sightings"]:
            capture_id = sighting.get("capture_id")
            if capture_id is not None and known.get(capture_id) != sighting["capture_sha256"]:
                problems.append(
                    Problem(
                        f"sighting {sighting['id']} (incident {incident['id']})",
                        f"names capture {capture_id} by a SHA-256 the bundle does not hold",
                    )
                )
    return problems


def check_timestamp(bundle: Bundle, manifest: bytes | None) -> list[Problem]:
    """A timestamp token, when present, must be over this manifest: its message imprint (the
    DER OCTET STRING of the manifest's SHA-256) must be in it. Its signature needs X.509 and
    CMS, which the standard library lacks: `openssl ts -verify` or `monitor verify` checks it.
    """
    token = bundle.read(TIMESTAMP)
    if token is None or manifest is None:
        return []
    if b"\x04\x20" + hashlib.sha256(manifest).digest() not in token:
        return [Problem(TIMESTAMP, "does not timestamp this manifest (another SHA-256)")]
    return []


def load_manifest(bundle: Bundle) -> tuple[bytes | None, dict[str, Any] | None, list[Problem]]:
    """The manifest's bytes and content, or the problem that stops verification early."""
    raw = bundle.read(MANIFEST)
    try:
        manifest = json.loads(raw) if raw is not None else None
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict):
        return raw, None, [Problem(MANIFEST, "is missing or not valid JSON")]
    if manifest.get("format") != FORMAT:
        return raw, None, [Problem(MANIFEST, f"is not a {FORMAT} manifest")]
    return raw, manifest, []


def verify(bundle: Bundle, check: Checks | None = None) -> dict[str, Any]:
    """The verdict on one bundle: counts, the chain head and every problem found.

    `check` replaces the chain and capture checks (activist-monitor passes its own, which
    use its evidence module and warcio, so the two implementations check each other)."""
    raw, manifest, problems = load_manifest(bundle)
    if manifest is None:
        return verdict(raw, problems)
    try:
        entries = manifest["chain"]["entries"]
        by_capture = {entry["capture_id"]: entry for entry in entries}
        problems = check_files(bundle, manifest["files"])
        problems += (check or check_evidence)(bundle, manifest, by_capture)
        problems += check_head(entries, manifest["chain"]["head"])
        problems += check_sightings(manifest, by_capture)
        problems += check_timestamp(bundle, raw)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        problems = [Problem(MANIFEST, f"is malformed ({type(exc).__name__}: {exc})")]
    return verdict(raw, problems, manifest, bundle.read(TIMESTAMP) is not None)


def check_evidence(
    bundle: Bundle, manifest: dict[str, Any], by_capture: dict[Any, dict[str, Any]]
) -> list[Problem]:
    """The chain entries, then every capture against the entry that covers it."""
    problems = check_chain(manifest["chain"]["entries"])
    for capture in manifest["captures"]:
        problems += check_capture(bundle, capture, by_capture.get(capture["id"]))
    return problems


def verdict(
    raw: bytes | None,
    problems: list[Problem],
    manifest: dict[str, Any] | None = None,
    timestamped: bool = False,
) -> dict[str, Any]:
    chain = _field(manifest, "chain") or {}
    entries = _field(chain, "entries") or [{}]
    return {
        "ok": not problems,
        "manifest_sha256": sha256_hex(raw) if raw is not None else None,
        "incidents": len(_field(manifest, "incidents") or []),
        "captures": len(_field(manifest, "captures") or []),
        "withheld_captures": len(_field(manifest, "withheld_captures") or []),
        "chain": {
            "first_seq": _field(entries[0], "seq"),
            "last_seq": _field(entries[-1], "seq"),
            "head": _field(_field(chain, "head"), "entry_hash"),
        },
        "timestamped": timestamped,
        "problems": [str(p) for p in problems],
    }


def _field(value: Any, key: str) -> Any:
    """`value[key]` when value is a mapping, else None: a verdict on a broken manifest."""
    return value.get(key) if isinstance(value, dict) else None


def render(result: dict[str, Any]) -> str:
    """The verdict as text: OK or FAILED first, then what was checked, then each problem."""
    count = len(result["problems"])
    lines = ["Bundle: OK" if result["ok"] else f"Bundle: FAILED ({count} problem(s))"]
    lines.append(f"  manifest SHA-256: {result['manifest_sha256'] or '-'}")
    chain = result["chain"]
    lines.append(
        f"  {result['incidents']} incident(s), {result['captures']} capture(s) checked, "
        f"{result['withheld_captures']} withheld; chain entries {chain['first_seq']}.."
        f"{chain['last_seq']}, head {chain['head'] or '-'}"
    )
    if result["timestamped"]:
        lines.append(
            f"  timestamped: {TIMESTAMP} (check its signature with `openssl ts -verify -data "
            f"{MANIFEST} -in {TIMESTAMP} -CAfile <the authority's CA>` or `monitor verify`)"
        )
    lines += [f"  - {problem}" for problem in result["problems"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify an activist-monitor evidence bundle.")
    parser.add_argument(
        "bundle", nargs="?", help="bundle ZIP or folder (default: this script's folder)"
    )
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    args = parser.parse_args(argv)
    path = Path(args.bundle) if args.bundle else Path(__file__).resolve().parent
    if not path.exists():
        print(f"{path}: no such file or folder", file=sys.stderr)
        return 2
    try:
        result = verify(Bundle(path))
    except zipfile.BadZipFile:
        result = verdict(None, [Problem(path.name, "is not a ZIP file")])
    print(json.dumps(result, indent=2) if args.json else render(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
