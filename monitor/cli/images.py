"""`monitor image-hash` and `monitor activist add-images/images/set-keep-images`.

`image-hash` is the part an activist runs on their own device: it never opens a database and
never sends anything anywhere; it reads photos and writes a hashes file (PDQ hashes and
quality scores only). The `activist` commands register such a file on the service.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

import click

from monitor import images
from monitor.cli.activist import activist_group
from monitor.cli.base import cli, command_options, get_app, json_option
from monitor.errors import InvalidInput, UserError
from monitor.images import HashRecord
from monitor.storage import images as image_store

MAX_HASHES_FILE_BYTES = 64 * 1024 * 1024


@dataclass
class HashRun:
    """What `image-hash` found: the photos hashed and how many files it passed over."""

    records: list[HashRecord] = field(default_factory=list)
    unreadable: int = 0
    too_large: int = 0
    low_quality: int = 0

    def summary(self) -> str:
        distinct = len({r.bits for r in self.records})
        edits = sum(len(r.edits) for r in self.records)
        parts = [
            f"Hashed {len(self.records)} photos ({distinct} distinct; "
            f"{edits} hashes of likely edits)."
        ]
        if self.low_quality:
            parts.append(
                f"{self.low_quality} too flat to match reliably (quality < {images.MIN_QUALITY})"
                " were left out."
            )
        if self.unreadable:
            parts.append(f"{self.unreadable} files were not readable images.")
        if self.too_large:
            parts.append(f"{self.too_large} files were larger than {_megabytes()} MB.")
        return " ".join(parts)


def _megabytes() -> int:
    return images.MAX_IMAGE_BYTES // (1024 * 1024)


def _files(paths: tuple[Path, ...]) -> Iterator[Path]:
    """The given files, and every file under the given directories, in a stable order."""
    for path in paths:
        if path.is_dir():
            for folder, subfolders, names in os.walk(path):
                subfolders.sort()
                yield from (Path(folder) / name for name in sorted(names))
        else:
            yield path


def hash_files(paths: tuple[Path, ...], *, edits: bool, with_names: bool) -> HashRun:
    run = HashRun()
    for path in _files(paths):
        try:
            if path.stat().st_size > images.MAX_IMAGE_BYTES:
                run.too_large += 1
                continue
            data = path.read_bytes()
        except OSError:
            run.unreadable += 1
            continue
        record = images.hash_photo(data, edits=edits)
        if record is None:
            run.unreadable += 1
        elif record.quality < images.MIN_QUALITY:
            run.low_quality += 1
        else:
            run.records.append(replace(record, name=str(path) if with_names else None))
    return run


def _write_private(path: Path, text: str) -> None:
    """Write the hashes file readable by its owner only (it says these photos exist)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


@cli.command("image-hash")
@command_options
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the hashes file here (default: standard output).",
)
@click.option(
    "--with-names",
    is_flag=True,
    help="Also write each photo's file path into the hashes file (off: hashes only).",
)
@click.option(
    "--plain",
    is_flag=True,
    help="Only each photo's own hash, no hashes of likely edits (crops, small turns).",
)
def image_hash_command(
    paths: tuple[Path, ...], out: Path | None, with_names: bool, plain: bool
) -> None:
    """Hash private photos on this device, to register them without sending them anywhere.

    Reads image files (JPEG, PNG, GIF, WebP, BMP), and every file under a directory, and
    writes a hashes file: PDQ perceptual hashes and quality scores only. No image, file name,
    size, date or EXIF data goes into it unless --with-names is given. Needs no database and
    no network: run it on the activist's own machine, then hand over only the hashes file
    (`monitor activist add-images`).

    Example:

        monitor image-hash ~/Pictures/private --out hashes.json
    """
    app = get_app()
    run = hash_files(paths, edits=not plain, with_names=with_names)
    if not run.records:
        raise UserError(
            "No photo could be hashed. " + run.summary() + " Give image files or folders."
        )
    text = images.dump_hashes_file(run.records, with_names=with_names)
    if out is None:
        click.echo(text, nl=False)
    else:
        _write_private(out, text)
    app.note(run.summary())
    if with_names:
        app.note("The file holds file names: remove --with-names before sending it to anyone.")


def _read_hashes_file(handle: IO[str]) -> list[HashRecord]:
    text = handle.read(MAX_HASHES_FILE_BYTES + 1)
    if len(text) > MAX_HASHES_FILE_BYTES:
        raise InvalidInput("The hashes file is larger than 64 MB; split it into several.")
    return images.parse_hashes_file(text)


@activist_group.command("add-images")
@command_options
@json_option
@click.argument("activist_id", type=int)
@click.argument("hashes_file", type=click.File("r", encoding="utf-8"))
def add_images_command(activist_id: int, hashes_file: IO[str]) -> None:
    """Register an activist's photo hashes (a file made by `monitor image-hash`).

    The hashes are stored encrypted. Photos already registered for this activist are
    skipped, and so are hashes of flat pictures (quality below 50), which would match too
    much; a malformed file registers nothing.

    Example:

        monitor activist add-images 1 hashes.json
    """
    app = get_app()
    records = _read_hashes_file(hashes_file)
    report = image_store.add(app.store(), activist_id, records)

    def render() -> None:
        app.out.print(f"Registered {report.added} photos for activist #{activist_id}.")
        if report.duplicates:
            app.note(f"{report.duplicates} were already registered.")
        if report.low_quality:
            app.note(
                f"{report.low_quality} were left out: quality below {images.MIN_QUALITY} "
                "(a flat or featureless picture matches too much)."
            )

    app.emit({"activist_id": activist_id, **report.to_dict()}, render)


@activist_group.command("images")
@command_options
@json_option
@click.argument("activist_id", type=int)
def images_command(activist_id: int) -> None:
    """Show how many photos an activist has registered (the hashes are never shown).

    Example:

        monitor activist images 1
    """
    app = get_app()
    store = app.store()
    data = {
        "activist_id": activist_id,
        "photos": image_store.count(store, activist_id),
        "keep_images": image_store.keeps_images(store, activist_id),
    }

    def render() -> None:
        kept = "kept as encrypted evidence" if data["keep_images"] else "not kept"
        app.out.print(
            f"Activist #{activist_id}: {data['photos']} photos registered; "
            f"matched images are {kept}."
        )

    app.emit(data, render)


@activist_group.command("set-keep-images")
@command_options
@json_option
@click.argument("activist_id", type=int)
@click.argument("choice", type=click.Choice(["on", "off"]))
def set_keep_images_command(activist_id: int, choice: str) -> None:
    """Choose whether an image matching a registered photo is kept as encrypted evidence.

    Off by default: the incident then records the image's address, the page, the hash and
    the distance, and the image itself is dropped. Turn it on only if the activist wants the
    image itself in the evidence (for a complaint, say).

    Example:

        monitor activist set-keep-images 1 on
    """
    app = get_app()
    keep = choice == "on"
    image_store.set_keep_images(app.store(), activist_id, keep)
    app.emit(
        {"activist_id": activist_id, "keep_images": keep},
        lambda: app.out.print(
            f"Activist #{activist_id}: matched images will "
            + ("be kept as encrypted evidence." if keep else "not be kept.")
        ),
    )
