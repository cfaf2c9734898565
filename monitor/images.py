"""Perceptual image hashes (PDQ): find a registered private photo without ever holding it.

The activist hashes their own photos on their own device (`monitor image-hash`, via
`hash_photo`) and hands over only the hashes; the service hashes the images it meets on
watched pages in memory (`hash_image`), looks them up (`HashIndex.find`) and drops the bytes.
Pure code: no database, no network, no files.

PDQ (Meta's open perceptual hash) turns an image into 256 bits that survive resizing,
re-encoding and colour changes: two hashes of the same picture differ in few bits (Hamming
distance), two unrelated pictures in about half of them (~128). Every hash comes with a
quality score (0-100) that is low for flat, featureless images whose hash is mostly noise;
such hashes are not trusted for matching (`MIN_QUALITY`). PDQ does not survive geometry
(crops, turns, added caption bars), so both sides do a little more (see "edits" below):

* the device also hashes the edits a repost most often makes to a photo (crops, small turns);
* the service also hashes the image it meets mirrored and quarter-turned (PDQ's eight dihedral
  forms, computed in one pass) and with caption bars or borders cut off.

`HashIndex` is a multi-index hash over the registered hashes: the 256 bits are cut into 16
chunks of 16 bits; if two hashes differ in at most `t` bits, then by the pigeonhole principle
at least one chunk differs in at most `t // 16` bits (1 bit at the default threshold 31). So a
query looks up, in each chunk's table, its own chunk value and the values within that radius
(17 per chunk at t=31), and checks the full distance of the few hashes found. The cost depends
on how many hashes share a near-identical chunk with the query, not on how many are registered
(bench/bench_images.py).
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from itertools import combinations
from typing import Any, NamedTuple

import numpy as np
import pdqhash
from PIL import Image, ImageOps

from monitor.errors import InvalidInput

HASH_BITS = 256
HASH_BYTES = HASH_BITS // 8
HEX_DIGITS = HASH_BITS // 4
# PDQ's authors suggest 31 for "same image" at 256 bits; our own measurements (see
# docs/images.md and bench/image_distances.py) put every tested transformation well below it
# and every unrelated pair far above it.
DEFAULT_THRESHOLD = 31
# Below this quality a PDQ hash describes a flat or near-flat picture and matches too much.
MIN_QUALITY = 50
MAX_IMAGE_BYTES = 25 * 1024 * 1024
# Declared width x height refused before any decoding: 50 megapixels covers phone cameras.
MAX_IMAGE_PIXELS = 50_000_000
# Images are reduced to this size (JPEG decodes at a reduced scale) before hashing: PDQ
# reduces every image to 64x64 anyway, so more pixels only cost memory and time.
WORK_SIDE = 512
# Formats a leaked photo arrives in; everything else (SVG, HTML, TIFF, PSD...) is refused,
# which also keeps rarely used decoders out of reach of hostile input.
IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP")
HASHES_FORMAT = "pdq-v1"
MAX_HASHES_PER_FILE = 100_000
MAX_EDITS = 256


@dataclass(frozen=True)
class ImageHash:
    """What the service computes for an image it meets on a watched page.

    `bits` is the PDQ hash of the image as published; `variants` holds every hash worth
    comparing: the eight dihedral forms (mirrors, quarter turns) of the image and of each
    version with a caption bar or border cut off (`variants[0] == bits`).
    """

    bits: int
    quality: int
    variants: tuple[int, ...]

    @property
    def hex(self) -> str:
        return to_hex(self.bits)


class Match(NamedTuple):
    """A registered photo within the threshold of a query: whose, which, and how far."""

    activist_id: int
    hash_id: int
    distance: int


@dataclass(frozen=True)
class HashRecord:
    """One photo of a hashes file: its PDQ hash and quality, and the hashes of likely edits.

    `edits` are hashes of the same photo cropped and slightly rotated (computed on the
    device, see `edit_variants`), so a cropped or straightened repost still lands near one of
    them; `name` is there only when the user asked for names.
    """

    bits: int
    quality: int
    edits: tuple[int, ...] = ()
    name: str | None = None

    @property
    def hex(self) -> str:
        return to_hex(self.bits)

    @property
    def all_bits(self) -> tuple[int, ...]:
        return (self.bits, *self.edits)


# --- decoding and hashing ------------------------------------------------------------------


def load_image(
    data: bytes, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_IMAGE_PIXELS
) -> Image.Image | None:
    """Decode image bytes into a small RGB working image; None for anything else.

    Never raises on hostile input: truncated files, decompression bombs, random bytes, SVG or
    HTML posing as an image, absurd dimensions all give None. The declared size is checked
    before any pixel is decoded; animated images give their first frame.
    """
    if not data or len(data) > max_bytes:
        return None
    try:
        return _decode(data, max_pixels)
    except Exception:  # hostile input must never take the caller down (MemoryError too)
        return None


def _decode(data: bytes, max_pixels: int) -> Image.Image | None:
    with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as image:
        width, height = image.size
        if width < 1 or height < 1 or width * height > max_pixels:
            return None
        image.draft("RGB", (WORK_SIDE, WORK_SIDE))
        # As displayed: a phone photo's pixels are often stored sideways with an EXIF
        # orientation, while reposts carry them turned upright.
        upright = ImageOps.exif_transpose(image)
        frame = upright.convert("RGBA" if _has_alpha(upright) else "RGB")
    frame.thumbnail((WORK_SIDE, WORK_SIDE), Image.Resampling.BOX, reducing_gap=None)
    if frame.mode == "RGBA":
        # Transparent parts laid on white, as a browser shows them.
        background = Image.new("RGBA", frame.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(background, frame).convert("RGB")
    return frame


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def hash_image(
    data: bytes, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_IMAGE_PIXELS
) -> ImageHash | None:
    """The service side: hash an image met on a watched page, in memory; None if unreadable."""
    image = load_image(data, max_bytes=max_bytes, max_pixels=max_pixels)
    if image is None:
        return None
    try:
        variants, quality = _dihedral(image)
        for trimmed in bar_trims(image):
            variants.extend(_dihedral(trimmed)[0])
    except Exception:  # a native hashing failure on odd pixels is "unreadable", not a crash
        return None
    return ImageHash(bits=variants[0], quality=quality, variants=tuple(dict.fromkeys(variants)))


def hash_photo(
    data: bytes,
    *,
    edits: bool = True,
    max_bytes: int = MAX_IMAGE_BYTES,
    max_pixels: int = MAX_IMAGE_PIXELS,
) -> HashRecord | None:
    """The activist's side: hash one private photo and (with `edits`) its likely edits."""
    image = load_image(data, max_bytes=max_bytes, max_pixels=max_pixels)
    if image is None:
        return None
    try:
        bits, quality = _pdq(image)
        edit_bits = [_pdq(variant) for variant in edit_variants(image)] if edits else []
    except Exception:
        return None
    kept = dict.fromkeys(b for b, q in edit_bits if q >= MIN_QUALITY and b != bits)
    return HashRecord(bits=bits, quality=quality, edits=tuple(kept))


def _pdq(image: Image.Image) -> tuple[int, int]:
    vector, quality = pdqhash.compute(np.asarray(image, dtype=np.uint8))
    return _bits_from_vector(vector), int(quality)


def _dihedral(image: Image.Image) -> tuple[list[int], int]:
    vectors, quality = pdqhash.compute_dihedral(np.asarray(image, dtype=np.uint8))
    return [_bits_from_vector(v) for v in vectors], int(quality)


def _bits_from_vector(vector: Sequence[int]) -> int:
    """pdqhash gives 256 ints, most significant bit first (PDQ's canonical hex order)."""
    packed = np.packbits(np.asarray(vector, dtype=np.uint8))
    return int.from_bytes(packed.tobytes(), "big")


# --- edits (registration side) and bar trimming (service side) -----------------------------
#
# PDQ survives resizing, re-encoding and colour changes, but not much geometry: in our
# measurements (bench/image_distances.py) 1% cropped off every side already costs ~20 bits and
# a 1-degree turn ~23. So the device also hashes the edits a repost most often makes, at a
# spacing measured to leave every in-between edit within the threshold: one side trimmed, a
# centred zoom, the sides or top and bottom trimmed together (aspect changes), and small turns
# both with filled corners and "straightened" (cropped to the turned picture). The service,
# for its part, cuts off caption bars and borders that a repost adds. Crops that take
# different amounts off three or four sides fall between the families and are not promised.

_ONE_SIDE = (0.03, 0.06, 0.09, 0.12)
_CENTRED = (0.015, 0.03, 0.045, 0.06, 0.075, 0.09, 0.105, 0.12)
_PAIRED = (0.02, 0.04, 0.06, 0.08, 0.10, 0.12)
TURNS = (1.5, 3.0, 4.5)
# Crop margins (left, top, right, bottom) as fractions of the width and height.
EDIT_MARGINS: tuple[tuple[float, float, float, float], ...] = (
    *((s, 0.0, 0.0, 0.0) for s in _ONE_SIDE),
    *((0.0, s, 0.0, 0.0) for s in _ONE_SIDE),
    *((0.0, 0.0, s, 0.0) for s in _ONE_SIDE),
    *((0.0, 0.0, 0.0, s) for s in _ONE_SIDE),
    *((s, s, s, s) for s in _CENTRED),
    *((s, 0.0, s, 0.0) for s in _PAIRED),
    *((0.0, s, 0.0, s) for s in _PAIRED),
)
# Bar trimming: an edge run of rows (or columns) whose pixels mostly share one shade.
_BAR_TOLERANCE = 24
_BAR_SHARE = 0.7
_BAR_MIN = 0.02
_BAR_MAX = 0.35


def edit_variants(image: Image.Image) -> list[Image.Image]:
    """The crops and small turns of a photo that the device hashes besides the photo itself."""
    variants = [_crop(image, margins) for margins in EDIT_MARGINS]
    for angle in (a * sign for a in TURNS for sign in (1, -1)):
        turned = image.rotate(angle, resample=Image.Resampling.BICUBIC)
        variants.append(turned)
        variants.append(_straightened(turned, image.size, angle))
    return variants


def _crop(image: Image.Image, margins: tuple[float, float, float, float]) -> Image.Image:
    width, height = image.size
    left, top, right, bottom = margins
    return image.crop(
        (
            round(width * left),
            round(height * top),
            width - round(width * right),
            height - round(height * bottom),
        )
    )


def _straightened(turned: Image.Image, size: tuple[int, int], angle: float) -> Image.Image:
    """The largest centred box of the original proportions inside a turned picture."""
    width, height = size
    cos, sin = abs(math.cos(math.radians(angle))), abs(math.sin(math.radians(angle)))
    scale = min(width / (width * cos + height * sin), height / (width * sin + height * cos))
    margin_x, margin_y = width * (1 - scale) / 2, height * (1 - scale) / 2
    return turned.crop(
        (round(margin_x), round(margin_y), width - round(margin_x), height - round(margin_y))
    )


def bar_trims(image: Image.Image) -> list[Image.Image]:
    """The image with each caption bar or border cut off, one edge at a time and all at once.

    A bar is a run of rows (columns) at an edge, 2-35% of the image, whose pixels are mostly
    of one shade. Flat sky or floor can pass for a bar too; that only costs an extra lookup,
    since the untrimmed image is always compared as well.
    """
    luma = np.asarray(image.convert("L"), dtype=np.int16)
    height, width = luma.shape
    top, bottom = _bar(luma), _bar(luma[::-1])
    left, right = _bar(luma.T), _bar(luma.T[::-1])
    boxes = [
        box
        for run, box in (
            (top, (0, top, width, height)),
            (bottom, (0, 0, width, height - bottom)),
            (left, (left, 0, width, height)),
            (right, (0, 0, width - right, height)),
        )
        if run
    ]
    if len(boxes) > 1:
        boxes.append((left, top, width - right, height - bottom))
    return [image.crop(box) for box in boxes]


def _bar(lines: np.ndarray[Any, Any]) -> int:
    """How many leading lines form a bar (0 when they do not)."""
    limit = int(len(lines) * _BAR_MAX)
    head = lines[: limit + 1]
    shades = np.median(head, axis=1)
    flat = np.mean(np.abs(head - shades[:, None]) <= _BAR_TOLERANCE, axis=1) >= _BAR_SHARE
    run = 0
    while run < len(head) and flat[run] and abs(shades[run] - shades[0]) <= _BAR_TOLERANCE:
        run += 1
    return run if max(2, _BAR_MIN * len(lines)) <= run <= limit else 0


# --- hash values ---------------------------------------------------------------------------


def to_hex(bits: int) -> str:
    return f"{bits:0{HEX_DIGITS}x}"


def to_bytes(bits: int) -> bytes:
    return bits.to_bytes(HASH_BYTES, "big")


def as_bits(value: int | bytes | str) -> int:
    """A hash given as an int, 32 raw bytes, or 64 hex digits, as a 256-bit int."""
    if isinstance(value, bytes):
        if len(value) != HASH_BYTES:
            raise ValueError(f"a PDQ hash has {HASH_BYTES} bytes, not {len(value)}")
        return int.from_bytes(value, "big")
    if isinstance(value, str):
        text = value.strip().lower()
        if len(text) != HEX_DIGITS or any(c not in "0123456789abcdef" for c in text):
            raise ValueError(f"a PDQ hash is {HEX_DIGITS} hexadecimal digits")
        return int(text, 16)
    if not 0 <= value < 1 << HASH_BITS:
        raise ValueError("a PDQ hash is a 256-bit unsigned integer")
    return value


def distance(a: int, b: int) -> int:
    """Hamming distance: how many of the 256 bits differ."""
    return (a ^ b).bit_count()


# --- matching ------------------------------------------------------------------------------


class Entry(NamedTuple):
    activist_id: int
    hash_id: int
    bits: int


def linear_matches(entries: Sequence[Entry], query: int, threshold: int) -> list[Match]:
    """Compare against every entry: the reference the index must agree with, and its fallback."""
    return _nearest_per_photo(_within(entries, query, threshold), threshold)


def _within(entries: Iterable[Entry], query: int, threshold: int) -> Iterable[Match]:
    for entry in entries:
        gap = (entry.bits ^ query).bit_count()
        if gap <= threshold:
            yield Match(entry.activist_id, entry.hash_id, gap)


def _nearest_per_photo(found: Iterable[Match], threshold: int) -> list[Match]:
    """One match per registered photo (its nearest hash) within `threshold`, nearest first."""
    best: dict[tuple[int, int], Match] = {}
    for match in found:
        key = (match.activist_id, match.hash_id)
        if match.distance <= threshold and (key not in best or match.distance < best[key].distance):
            best[key] = match
    return sorted(best.values(), key=lambda m: (m.distance, m.activist_id, m.hash_id))


class HashIndex:
    """Multi-index hashing over registered PDQ hashes (16 tables of 16-bit chunks).

    Each table lists the entries sorted by one 16-bit chunk, with the offset where every chunk
    value starts; all in numpy arrays (about 180 bytes per registered hash). A query looks up,
    in every table, the values within `threshold // 16` bits of its own chunk, gathers those
    entries and checks their full distance. Several entries may share a `hash_id` (a photo and
    its edits); results carry each photo once, at the distance of its nearest hash.
    """

    CHUNKS = 16
    CHUNK_BITS = HASH_BITS // CHUNKS

    def __init__(self, entries: Sequence[Entry]) -> None:
        raw = b"".join(to_bytes(e.bits) for e in entries)
        self._owners = np.array([(e.activist_id, e.hash_id) for e in entries], dtype=np.int64)
        self._words = np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(-1, 4)
        chunks = _chunk_array(raw).reshape(-1, self.CHUNKS)
        self._order = np.argsort(chunks, axis=0, kind="stable").T.astype(np.int64)
        self._starts = np.zeros((self.CHUNKS, (1 << self.CHUNK_BITS) + 1), dtype=np.int64)
        for table, column in enumerate(chunks.T):
            counts = np.bincount(column, minlength=1 << self.CHUNK_BITS)
            self._starts[table, 1:] = np.cumsum(counts)

    @classmethod
    def build(cls, entries: Iterable[tuple[int, int, int | bytes | str]]) -> HashIndex:
        """Index `(activist_id, hash_id, hash)` triples; the hash as int, 32 bytes or hex."""
        return cls([Entry(a, h, as_bits(bits)) for a, h, bits in entries])

    def __len__(self) -> int:
        return len(self._words)

    def matches(self, query: int | bytes | str, threshold: int = DEFAULT_THRESHOLD) -> list[Match]:
        """Every registered photo with a hash within `threshold` bits of `query`, nearest first."""
        bits = as_bits(query)
        radius = max(threshold, 0) // self.CHUNKS
        if _probes(self.CHUNK_BITS, radius) * self.CHUNKS >= len(self):
            positions = np.arange(len(self))  # small index or huge radius: scan all
        else:
            positions = self._candidates(bits, radius)
        query_words = np.frombuffer(to_bytes(bits), dtype=">u8").astype(np.uint64)
        gaps = np.bitwise_count(self._words[positions] ^ query_words).sum(axis=1)
        near = gaps <= threshold
        owners = self._owners[positions[near]].tolist()
        found = (Match(a, h, gap) for (a, h), gap in zip(owners, gaps[near].tolist(), strict=True))
        return _nearest_per_photo(found, threshold)

    def find(
        self,
        image: ImageHash,
        threshold: int = DEFAULT_THRESHOLD,
        *,
        min_quality: int = MIN_QUALITY,
    ) -> list[Match]:
        """Registered photos matching an image in any of its forms (mirrored, turned, trimmed).

        One match per photo, at the smallest distance over the forms. An image whose own
        quality is below `min_quality` matches nothing: its hash is mostly noise.
        """
        if image.quality < min_quality:
            return []
        found = (m for variant in image.variants for m in self.matches(variant, threshold))
        return _nearest_per_photo(found, threshold)

    def _candidates(self, bits: int, radius: int) -> np.ndarray[Any, Any]:
        """Positions of the entries sharing a chunk within `radius` bits with the query."""
        probes = _chunk_array(to_bytes(bits))[:, None] ^ _flip_masks(self.CHUNK_BITS, radius)
        tables = np.broadcast_to(np.arange(self.CHUNKS)[:, None], probes.shape)
        first = self._starts[tables, probes].ravel()
        lengths = self._starts[tables, probes + 1].ravel() - first
        total = int(lengths.sum())
        # Every range [first, first + length) of every probe, as one flat array of offsets.
        offsets = np.repeat(first - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        return np.unique(self._order[np.repeat(tables.ravel(), lengths), offsets])


def _chunk_array(raw: bytes) -> np.ndarray[Any, Any]:
    """16-bit chunks of packed hashes, most significant first, as int64 for indexing."""
    return np.frombuffer(raw, dtype=">u2").astype(np.int64)


def _probes(bits: int, radius: int) -> int:
    """How many chunk values lie within `radius` bits of one value."""
    return sum(math.comb(bits, k) for k in range(min(radius, bits) + 1))


@cache
def _flip_masks(bits: int, radius: int) -> np.ndarray[Any, Any]:
    """Every mask of at most `radius` set bits among `bits` (few distinct radii are used)."""
    return np.array(
        [
            sum(1 << b for b in chosen)
            for k in range(min(radius, bits) + 1)
            for chosen in combinations(range(bits), k)
        ],
        dtype=np.int64,
    )


# --- hashes files --------------------------------------------------------------------------


def dump_hashes_file(records: Iterable[HashRecord], *, with_names: bool = False) -> str:
    """The JSON an activist sends: hashes and quality only, unless names were asked for.

    Without names, a photo found twice is written once and the photos are sorted by hash, so
    not even the order of the files on the device leaves it.
    """
    chosen = list(records)
    if not with_names:
        unique: dict[int, HashRecord] = {}
        for record in chosen:
            if record.bits not in unique or record.quality > unique[record.bits].quality:
                unique[record.bits] = replace(record, name=None)
        chosen = [unique[bits] for bits in sorted(unique)]
    rows = [_row(record, with_names) for record in chosen]
    return json.dumps({"format": HASHES_FORMAT, "hashes": rows}, indent=1) + "\n"


def _row(record: HashRecord, with_names: bool) -> dict[str, Any]:
    row: dict[str, Any] = {"hash": record.hex, "quality": record.quality}
    if record.edits:
        row["edits"] = [to_hex(bits) for bits in record.edits]
    if with_names:
        row["name"] = record.name
    return row


def parse_hashes_file(text: str) -> list[HashRecord]:
    """Read a hashes file; any malformed entry rejects the whole file (nothing half-imported).

    Plain PDQ lists from other tools work too (`edits` is optional). Names, if the file has
    them, are dropped here: the service never needs them.
    """
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise InvalidInput(
            "The hashes file is not JSON; make it with `monitor image-hash`."
        ) from exc
    if not isinstance(document, dict) or document.get("format") != HASHES_FORMAT:
        raise InvalidInput(
            f'The hashes file must be an object with "format": "{HASHES_FORMAT}" '
            "(made by `monitor image-hash`)."
        )
    rows = document.get("hashes")
    if not isinstance(rows, list):
        raise InvalidInput('The hashes file has no "hashes" list.')
    if len(rows) > MAX_HASHES_PER_FILE:
        raise InvalidInput(f"The hashes file has more than {MAX_HASHES_PER_FILE} photos; split it.")
    return [_parse_row(number, row) for number, row in enumerate(rows, start=1)]


def _parse_row(number: int, row: object) -> HashRecord:
    if not isinstance(row, dict):
        raise InvalidInput(f"Entry #{number} of the hashes file is not an object.")
    quality = row.get("quality")
    if not isinstance(quality, int) or isinstance(quality, bool) or not 0 <= quality <= 100:
        raise InvalidInput(f"Entry #{number}: quality must be a whole number from 0 to 100.")
    edits = row.get("edits", [])
    if not isinstance(edits, list) or len(edits) > MAX_EDITS:
        raise InvalidInput(f"Entry #{number}: edits must be a list of at most {MAX_EDITS} hashes.")
    try:
        bits = as_bits(_text(row.get("hash")))
        edit_bits = tuple(as_bits(_text(edit)) for edit in edits)
    except ValueError as exc:
        raise InvalidInput(f"Entry #{number}: {exc}.") from exc
    return HashRecord(bits=bits, quality=quality, edits=tuple(dict.fromkeys(edit_bits)))


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"a PDQ hash is a string of {HEX_DIGITS} hexadecimal digits")
    return value
