"""Evidence bundles: what a coalition hands to a court, a platform or a UN body.

A bundle is one ZIP that a third party can check without the server:

- `captures/<id>.warc.gz`: each capture as a gzipped WARC/1.1 response record, the exact
  bytes received with their HTTP status line and headers;
- `manifest.json`: the scope, the incidents with their sightings and timeline, every capture's
  context and SHA-256, the run of hash-chain entries from the first included capture's entry to
  the chain head, and the SHA-256 of every other file;
- `incidents.csv`, `report.html` (printable), `verify.py` (standard library only), `README.txt`.

Who may be seen is decided here, once. A capture is often shared: a feed is captured once for
all the items in it, and those items may concern several activists. A capture goes into a
bundle only if every sighting that points at it belongs to an incident the bundle's scope may
show (`Scope.may_show`); otherwise it is listed as withheld, by id and hash only, so the
material of another person (or a case not released to the coalition) never leaves with it.

The activist is named only when the exporter asks (`with_names`); by default a bundle says
"Activist #3", and staff who acted on a case appear as "staff". Captured material is evidence
and is not redacted (that would break its hash), so it may still name the person.

The pure parts (scope, capture selection, chain slice, manifest, CSV, HTML) take data and
return data; `gather_cases` and `export_bundle` do the reading and writing.
"""

from __future__ import annotations

import csv
import io
import json
import os
import string
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata, resources
from pathlib import Path
from typing import Any, BinaryIO

import jinja2
from sqlmodel import Session, col, select

from monitor import evidence, timestamps
from monitor.bundle import verify as bundle_verify
from monitor.errors import NotFound, UserError
from monitor.evidence import CaptureMeta, ChainLink
from monitor.models import Incident, Sighting
from monitor.storage import activists as activist_store
from monitor.storage import audit, captures, triage
from monitor.storage import incidents as incident_store
from monitor.storage.incidents import EventRecord, IncidentFilter, IncidentRecord, SightingRecord
from monitor.storage.triage import Tick
from monitor.store import Store
from playbooks.loader import Library, Playbook, UnknownPlaybookError, default_library, plain

FORMAT = bundle_verify.FORMAT
MANIFEST = bundle_verify.MANIFEST
WITHHELD = (
    "also evidence for incidents outside this bundle (another activist, or a case not "
    "released to the coalition); available from the operator by its id and SHA-256"
)
# Timeline notes worded by the system itself (playbook steps, release to the coalition):
# safe to export. Notes people typed are exported only when the exporter asks.
SYSTEM_WORDED = frozenset({"step_done", "step_undone", "shared", "unshared"})
CSV_COLUMNS = (
    "id",
    "activist",
    "kind",
    "severity",
    "status",
    "title",
    "first_seen",
    "last_seen",
    "sightings",
    "urls",
    "playbooks",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- what goes in --------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose incidents a bundle holds, over which period, and how much it names."""

    activist_id: int | None = None
    shareable: bool = False
    since: datetime | None = None
    until: datetime | None = None
    kind: str | None = None
    with_names: bool = False
    with_notes: bool = False

    def incident_filter(self) -> IncidentFilter:
        return IncidentFilter(
            activist_id=self.activist_id,
            kind=self.kind,
            since=self.since,
            until=self.until,
            shareable_only=self.shareable,
        )

    def may_show(self, use: CaptureUse) -> bool:
        """Whether material behind this sighting may travel in this bundle."""
        if self.shareable and not use.shareable:
            return False
        return self.activist_id is None or use.activist_id == self.activist_id

    @property
    def target(self) -> str:
        """What the audit log names as exported."""
        return "coalition" if self.shareable else f"activist:{self.activist_id}"

    def describe(self) -> str:
        who = f"Activist #{self.activist_id}" if self.activist_id is not None else "all activists"
        if self.shareable:
            who = f"incidents released to the coalition ({who})"
        period = f" from {_day(self.since)}" if self.since else ""
        period += f" to {_day(self.until)}" if self.until else ""
        return who + period + (f", kind {self.kind}" if self.kind else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "activist": f"Activist #{self.activist_id}" if self.activist_id is not None else None,
            "shareable_only": self.shareable,
            "from": self.since.isoformat() if self.since else None,
            "to": self.until.isoformat() if self.until else None,
            "kind": self.kind,
            "names_included": self.with_names,
            "notes_included": self.with_notes,
            "description": self.describe(),
        }


@dataclass(frozen=True)
class Case:
    """One incident with everything the bundle says about it."""

    incident: IncidentRecord
    sightings: tuple[SightingRecord, ...]
    events: tuple[EventRecord, ...]
    ticks: tuple[Tick, ...]
    playbooks: tuple[Playbook, ...]


@dataclass(frozen=True)
class CaptureUse:
    """One sighting's claim on a capture: whose incident it is and whether it is released."""

    capture_id: int
    incident_id: int
    activist_id: int
    shareable: bool


@dataclass(frozen=True)
class CaptureFile:
    """A capture placed in the bundle, with the chain entry that covers it."""

    capture_id: int
    meta: CaptureMeta
    link: ChainLink

    @property
    def warc(self) -> str:
        return f"captures/{self.capture_id}.warc.gz"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.capture_id,
            **self.meta.to_dict(),
            "chain_seq": self.link.seq,
            "warc": self.warc,
        }


@dataclass(frozen=True)
class Contents:
    """Everything a bundle says, read from the store: the whole input of `assemble`."""

    scope: Scope
    cases: Sequence[Case]
    captured: Sequence[tuple[CaptureFile, bytes]]
    withheld: Mapping[int, str]
    chain: Sequence[ChainLink]
    names: Mapping[int, str]
    created_at: datetime
    generator: str
    library: Library

    @property
    def capture_files(self) -> list[CaptureFile]:
        return [placed for placed, _ in self.captured]

    @property
    def included(self) -> dict[int, str]:
        return {placed.capture_id: placed.meta.sha256 for placed, _ in self.captured}


def captures_in_scope(
    scope: Scope, cases: Sequence[Case], uses: Iterable[CaptureUse]
) -> tuple[dict[int, str], dict[int, str]]:
    """(included, withheld): capture id → SHA-256 for every capture behind the cases.

    `uses` must list every sighting of each of these captures, in scope or not: one that the
    scope may not show withholds the capture."""
    wanted = {
        s.capture_id: s.capture_sha256 or ""
        for case in cases
        for s in case.sightings
        if s.capture_id is not None
    }
    blocked = {use.capture_id for use in uses if not scope.may_show(use)}
    included = {cid: sha for cid, sha in wanted.items() if cid not in blocked}
    withheld = {cid: sha for cid, sha in wanted.items() if cid in blocked}
    return included, withheld


def chain_slice(links: Sequence[ChainLink], capture_ids: Iterable[int]) -> list[ChainLink]:
    """The contiguous run of entries from the first one covering `capture_ids` to the head
    (just the head when none does), so the recipient can check every link in between."""
    if not links:
        return []
    wanted = set(capture_ids)
    start = next((i for i, link in enumerate(links) if link.capture_id in wanted), len(links) - 1)
    return list(links[start:])


def chain_head(links: Sequence[ChainLink]) -> dict[str, Any]:
    if not links:
        return {"seq": 0, "entry_hash": evidence.GENESIS}
    return {"seq": links[-1].seq, "entry_hash": links[-1].entry_hash}


# --- how people are shown ------------------------------------------------------------------


def person_label(activist_id: int, names: Mapping[int, str]) -> str:
    name = names.get(activist_id)
    return f"{name} (activist #{activist_id})" if name else f"Activist #{activist_id}"


def actor_label(actor: str, with_names: bool) -> str:
    """Staff who acted on a case are named only on request: they may be at risk too."""
    return actor if with_names or actor == "system" else "staff"


def shown_evidence(found: Mapping[str, Any], with_names: bool) -> dict[str, Any]:
    """Why a sighting matched, without the matched names or account details by default."""
    if with_names:
        return dict(found)
    kept = {key: found[key] for key in ("signal", "cues", "scores") if key in found}
    if "hits" in found:
        kept["hits"] = [{"how": hit.get("how")} for hit in found["hits"]]
    return kept


def shown_note(event: EventRecord, with_notes: bool) -> str | None:
    if event.note is None or with_notes or event.action in SYSTEM_WORDED:
        return event.note
    return "(note not exported)"


# --- the manifest --------------------------------------------------------------------------


def capture_ref(capture_id: int | None, included: Mapping[int, str]) -> str | None:
    """Where a sighting's capture is: its WARC file, "withheld", or None (no capture)."""
    if capture_id is None:
        return None
    return f"captures/{capture_id}.warc.gz" if capture_id in included else "withheld"


def step_text(library: Library, tick: Tick) -> str:
    try:
        return plain(library.get(tick.playbook_id).step(tick.step_key).text)
    except (UnknownPlaybookError, KeyError):
        return ""


def incident_entry(
    case: Case,
    scope: Scope,
    names: Mapping[int, str],
    included: Mapping[int, str],
    library: Library,
) -> dict[str, Any]:
    record = case.incident
    entry = record.to_dict([p.id for p in case.playbooks])
    entry["activist"] = person_label(record.activist_id, names)
    del entry["activist_id"]
    entry["sightings"] = [
        {
            **s.to_dict(),
            "evidence": shown_evidence(s.evidence, scope.with_names),
            "capture": capture_ref(s.capture_id, included),
        }
        for s in case.sightings
    ]
    entry["events"] = [
        {
            **e.to_dict(),
            "actor": actor_label(e.actor, scope.with_names),
            "note": shown_note(e, scope.with_notes),
        }
        for e in case.events
    ]
    entry["playbook_steps_done"] = [
        {
            "playbook": t.playbook_id,
            "step": t.step_key,
            "text": step_text(library, t),
            "done_by": actor_label(t.done_by, scope.with_names),
            "done_at": t.done_at.isoformat(),
        }
        for t in case.ticks
    ]
    return entry


def build_manifest(contents: Contents, files: Mapping[str, bytes]) -> dict[str, Any]:
    """The index of the bundle; `files` are all its other files, which it hashes."""
    c = contents
    included = c.included
    return {
        "format": FORMAT,
        "created_at": c.created_at.isoformat(),
        "generator": c.generator,
        "scope": c.scope.to_dict(),
        "incidents": [
            incident_entry(case, c.scope, c.names, included, c.library) for case in c.cases
        ],
        "captures": [placed.to_dict() for placed in c.capture_files],
        "withheld_captures": [
            {"id": cid, "sha256": sha, "reason": WITHHELD}
            for cid, sha in sorted(c.withheld.items())
        ],
        "chain": {"head": chain_head(c.chain), "entries": [link.to_dict() for link in c.chain]},
        "files": {name: evidence.sha256_hex(data) for name, data in sorted(files.items())},
    }


# --- incidents.csv -------------------------------------------------------------------------


def safe_cell(value: object) -> str:
    """Captured titles are written by attackers: never let a spreadsheet run one as a formula."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def incidents_csv(cases: Sequence[Case], names: Mapping[int, str]) -> bytes:
    """One row per incident; UTF-8 with a byte-order mark so spreadsheets read every script."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for case in cases:
        r = case.incident
        row = [
            r.id,
            person_label(r.activist_id, names),
            r.kind,
            r.severity,
            r.status,
            r.title,
            r.first_seen.isoformat(),
            r.last_seen.isoformat(),
            r.sightings,
            " ".join(r.urls),
            " ".join(p.id for p in case.playbooks),
        ]
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


# --- report.html ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    text: str
    detail: str = ""


def when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "-"


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def timeline(case: Case, scope: Scope, included: Mapping[int, str]) -> list[TimelineRow]:
    """Sightings and the incident's history, in time order."""
    rows = [_sighting_row(s, included) for s in case.sightings]
    rows += [_event_row(e, scope) for e in case.events]
    return sorted(rows, key=lambda row: row.at)


def _sighting_row(s: SightingRecord, included: Mapping[int, str]) -> TimelineRow:
    where = [s.url] if s.url else []
    if s.capture_id is not None:
        where.append(f"capture {s.capture_id} ({capture_ref(s.capture_id, included)})")
    return TimelineRow(s.seen_at, f"Seen: {s.title or '(no title)'}", " · ".join(where))


EVENT_WORDS = {
    "created": "Incident opened",
    "alerted": "Alert sent to subscribers",
    "new": "Alert due (no subscriber to send it to)",
    "escalated": "Severity rose: alert due (no subscriber to send it to)",
    "reopened": "Reopened: seen again after it was resolved",
    "status": "Status changed by {who}",
    "note": "Note by {who}",
    "shared": "Released to the coalition by {who}",
    "unshared": "Withdrawn from the coalition by {who}",
    "step_done": "Playbook step done by {who}",
    "step_undone": "Playbook step undone by {who}",
}


def _event_row(e: EventRecord, scope: Scope) -> TimelineRow:
    who = actor_label(e.actor, scope.with_names)
    words = EVENT_WORDS.get(e.action, e.action.replace("_", " ").capitalize() + " by {who}")
    text = words.format(who=who)
    if e.to_status:
        text += f": {e.from_status} → {e.to_status}" if e.from_status else f" ({e.to_status})"
    return TimelineRow(e.at, text, shown_note(e, scope.with_notes) or "")


def capture_views(
    case: Case, files: Mapping[int, CaptureFile], withheld: Mapping[int, str]
) -> list[dict[str, Any]]:
    """What was captured for this incident, when, and under which hashes."""
    views: dict[int, dict[str, Any]] = {}
    for s in case.sightings:
        if s.capture_id is None or s.capture_id in views:
            continue
        found = files.get(s.capture_id)
        if found is None:
            views[s.capture_id] = {
                "id": s.capture_id,
                "withheld": True,
                "sha256": withheld.get(s.capture_id, s.capture_sha256 or ""),
                "seen_at": when(s.seen_at),
            }
            continue
        meta = found.meta
        views[s.capture_id] = {
            "id": s.capture_id,
            "withheld": False,
            "fetched_at": when(meta.fetched_at),
            "request_url": meta.request_url,
            "final_url": meta.final_url,
            "status": meta.status,
            "size": meta.size,
            "sha256": meta.sha256,
            "chain_seq": found.link.seq,
            "entry_hash": found.link.entry_hash,
            "warc": found.warc,
        }
    return list(views.values())


def case_view(
    case: Case,
    scope: Scope,
    names: Mapping[int, str],
    files: Mapping[int, CaptureFile],
    withheld: Mapping[int, str],
    library: Library,
) -> dict[str, Any]:
    r = case.incident
    return {
        "id": r.id,
        "title": r.title,
        "facts": [
            ("Person", person_label(r.activist_id, names)),
            ("Kind", r.kind),
            ("Severity", r.severity),
            ("Status", r.status),
            ("First seen", when(r.first_seen)),
            ("Last seen", when(r.last_seen)),
            ("Sightings", str(r.sightings)),
            ("Signals", ", ".join(r.signals) or "-"),
            ("Released to coalition", "yes" if r.shareable else "no"),
        ],
        "timeline": [
            {"at": when(row.at), "text": row.text, "detail": row.detail}
            for row in timeline(case, scope, {cid: "" for cid in files})
        ],
        "captures": capture_views(case, files, withheld),
        "steps": [
            {
                "playbook": t.playbook_id,
                "step": t.step_key,
                "text": step_text(library, t),
                "done_by": actor_label(t.done_by, scope.with_names),
                "done_at": when(t.done_at),
            }
            for t in case.ticks
        ],
        "playbooks": [f"{p.title} ({p.id})" for p in case.playbooks],
    }


def _template(name: str) -> str:
    return resources.files("monitor.bundle").joinpath(name).read_text(encoding="utf-8")


def report_html(contents: Contents) -> str:
    """A self-contained printable report: no scripts, no external resources, all text escaped."""
    c = contents
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    files = {placed.capture_id: placed for placed in c.capture_files}
    return environment.from_string(_template("report.html")).render(
        scope=c.scope.describe(),
        created_at=when(c.created_at),
        generator=c.generator,
        head=chain_head(c.chain),
        first_seq=c.chain[0].seq if c.chain else 0,
        included=len(files),
        withheld=len(c.withheld),
        cases=[case_view(case, c.scope, c.names, files, c.withheld, c.library) for case in c.cases],
    )


def readme_text(contents: Contents) -> str:
    return string.Template(_template("README.txt")).substitute(
        scope=contents.scope.describe(),
        created_at=when(contents.created_at),
        generator=contents.generator,
        head=chain_head(contents.chain)["entry_hash"],
    )


def assemble(contents: Contents) -> dict[str, bytes]:
    """Every file of the bundle by name, manifest first (it hashes all the others)."""
    files: dict[str, bytes] = {}
    for placed, body in contents.captured:
        buffer = io.BytesIO()
        evidence.write_warc([(placed.meta, body)], buffer)
        files[placed.warc] = buffer.getvalue()
    files["incidents.csv"] = incidents_csv(contents.cases, contents.names)
    files["report.html"] = report_html(contents).encode()
    files["verify.py"] = verifier_source()
    files["README.txt"] = readme_text(contents).encode()
    manifest = build_manifest(contents, files)
    return {MANIFEST: json.dumps(manifest, indent=2, ensure_ascii=False).encode(), **files}


def verifier_source() -> bytes:
    return resources.files("monitor.bundle").joinpath("verify.py").read_bytes()


# --- reading the store ---------------------------------------------------------------------


def gather_cases(store: Store, scope: Scope, library: Library | None = None) -> list[Case]:
    """The incidents in scope, oldest first, each with its sightings, history and steps."""
    library = library or default_library()
    records = incident_store.list_incidents(store, scope.incident_filter())
    records.sort(key=lambda r: (r.first_seen, r.id))
    return [
        Case(
            incident=r,
            sightings=tuple(incident_store.sightings(store, r.id)),
            events=tuple(incident_store.events(store, r.id)),
            ticks=tuple(sorted(triage.ticks(store, r.id).values(), key=lambda t: t.done_at)),
            playbooks=tuple(library.for_incident(r.kind, r.signals)),
        )
        for r in records
    ]


def capture_uses(store: Store, capture_ids: Iterable[int]) -> list[CaptureUse]:
    """Every sighting of these captures, whichever incident or activist it belongs to."""
    ids = sorted(set(capture_ids))
    uses: list[CaptureUse] = []
    with Session(store.engine) as session:
        for start in range(0, len(ids), 500):
            rows = session.exec(
                select(
                    Sighting.capture_id,
                    Sighting.incident_id,
                    Incident.activist_id,
                    Incident.shareable,
                )
                .join(Incident, col(Incident.id) == col(Sighting.incident_id))
                .where(col(Sighting.capture_id).in_(ids[start : start + 500]))
            ).all()
            uses += [CaptureUse(c or 0, i, a, s) for c, i, a, s in rows]
    return uses


def activist_names(store: Store, cases: Sequence[Case], scope: Scope) -> dict[int, str]:
    """Registered names, only when the exporter asked for them."""
    if not scope.with_names:
        return {}
    ids = {case.incident.activist_id for case in cases}
    return {activist_id: activist_store.get(store, activist_id).name for activist_id in ids}


def generator_name() -> str:
    try:
        return f"activist-monitor {metadata.version('activist-monitor')}"
    except metadata.PackageNotFoundError:
        return "activist-monitor"


# --- writing a bundle ----------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    scope: Scope
    incidents: int
    captures: int
    withheld: int
    chain_head: str
    manifest_sha256: str
    timestamp: datetime | None = None  # the authority's time, when the manifest was stamped

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "scope": self.scope.describe(),
            "incidents": self.incidents,
            "captures": self.captures,
            "withheld_captures": self.withheld,
            "chain_head": self.chain_head,
            "manifest_sha256": self.manifest_sha256,
            "timestamp": self.timestamp.isoformat() if self.timestamp else None,
        }


def gather_contents(store: Store, scope: Scope, library: Library, created_at: datetime) -> Contents:
    """Read everything the bundle will say; refuse when no incident is in scope."""
    cases = gather_cases(store, scope, library)
    if not cases:
        raise NotFound(f"No incidents match ({scope.describe()}); nothing was exported.")
    wanted = {s.capture_id for c in cases for s in c.sightings if s.capture_id is not None}
    included, withheld = captures_in_scope(scope, cases, capture_uses(store, wanted))
    chain = chain_slice(captures.chain(store), included)
    links = {link.capture_id: link for link in chain}
    unchained = sorted(set(included) - set(links))
    if unchained:
        raise UserError(
            f"Capture(s) {', '.join(map(str, unchained))} have no hash-chain entry, so a bundle "
            "could not prove them. Run `monitor verify --store` and look into it first.",
            code="chain_broken",
        )
    captured = []
    for capture_id in sorted(included):
        meta, body = captures.read(store, capture_id)
        captured.append((CaptureFile(capture_id, meta, links[capture_id]), body))
    return Contents(
        scope=scope,
        cases=cases,
        captured=captured,
        withheld=withheld,
        chain=chain,
        names=activist_names(store, cases, scope),
        created_at=created_at,
        generator=generator_name(),
        library=library,
    )


def export_bundle(
    store: Store,
    scope: Scope,
    out: Path,
    *,
    actor: str,
    now: datetime | None = None,
    library: Library | None = None,
    timestamp: bool = True,
) -> ExportSummary:
    """Write the bundle to `out` (atomically) and note the export in the audit log. With a
    timestamp authority configured (and `timestamp`), the manifest is timestamped first: an
    export asked to carry a timestamp is not written without one."""
    contents = gather_contents(store, scope, library or default_library(), now or datetime.now(UTC))
    files = assemble(contents)
    stamped = None
    if timestamp and store.config.timestamp_url:
        files[timestamps.TOKEN] = timestamps.stamp(store.config, files[MANIFEST])
        stamped = timestamps.read(files[timestamps.TOKEN]).time
    write_zip(out, files, contents.created_at)
    summary = ExportSummary(
        out,
        scope,
        len(contents.cases),
        len(contents.captured),
        len(contents.withheld),
        chain_head(contents.chain)["entry_hash"],
        evidence.sha256_hex(files[MANIFEST]),
        stamped,
    )
    ids = [case.incident.id for case in contents.cases]
    record_export(store, scope, actor, "zip", ids, summary.to_dict())
    return summary


def write_zip(out: Path, files: Mapping[str, bytes], created_at: datetime) -> None:
    stamp = created_at.astimezone(UTC).timetuple()[:6]

    def write(raw: BinaryIO) -> None:
        with zipfile.ZipFile(raw, "w") as bundle:
            for name, data in files.items():
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = (
                    zipfile.ZIP_STORED if name.endswith(".gz") else zipfile.ZIP_DEFLATED
                )
                info.external_attr = 0o644 << 16
                bundle.writestr(info, data)

    write_atomically(out, write)


def write_atomically(out: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write next to `out` and rename, so a reader never sees half an export."""
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".export-", suffix=out.suffix, dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as raw:
            write(raw)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def record_export(
    store: Store,
    scope: Scope,
    actor: str,
    form: str,
    incident_ids: Sequence[int],
    detail: Mapping[str, Any],
) -> None:
    """One audit entry per export. The entry's actor column carries no names (the audit
    module's rule), so the CLI login goes into the sealed detail."""
    audit.record(
        store,
        user_id=None,
        action="export",
        target=scope.target,
        detail={"via": actor, "form": form, "incident_ids": list(incident_ids), **detail},
    )
