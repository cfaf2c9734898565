"""PDQ hashing, edits, bar trimming, the match index and hashes files (monitor.images).

Every image is generated here with Pillow: photo-like scenes (a graded sky, a horizon, a
figure in the middle, random shapes, a line of text, sensor noise). Reposts of a registered
scene must match; other scenes built the same way (similar composition) must not. The same
generators feed `bench/image_distances.py`, which prints the distance distributions.
"""

from __future__ import annotations

import io
import random
import statistics
import string
import zlib
from collections.abc import Callable
from functools import cache

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps
from sqlmodel import Session, select

from monitor import images
from monitor.activists import RegistrationInput, validate
from monitor.errors import InvalidInput, NotFound
from monitor.images import DEFAULT_THRESHOLD, HashIndex, HashRecord, ImageHash, Match
from monitor.models import ImageHash as ImageHashRow
from monitor.storage import activists as activist_store
from monitor.storage import images as image_store
from monitor.store import Store

SIZE = (480, 360)
Transform = Callable[[Image.Image], bytes]


# --- generated photos and reposts (shared with bench/image_distances.py) --------------------


@cache
def photo(seed: int, size: tuple[int, int] = SIZE) -> Image.Image:
    """A photo-like scene: graded sky, horizon, figure, shapes, text, blur, noise (cached)."""
    rng = random.Random(seed)
    width, height = size

    def colour() -> tuple[int, int, int]:
        return (rng.randrange(256), rng.randrange(256), rng.randrange(256))

    ramp = np.linspace(0.0, 1.0, height)[:, None, None]
    sky = np.array(colour(), float) * (1 - ramp) + np.array(colour(), float) * ramp
    image = Image.fromarray(np.broadcast_to(sky, (height, width, 3)).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    horizon = rng.randrange(height // 2, 3 * height // 4)
    draw.polygon(
        [
            (0, horizon + rng.randrange(-30, 30)),
            (width, horizon + rng.randrange(-30, 30)),
            (width, height),
            (0, height),
        ],
        fill=colour(),
    )
    x, y = width // 2 + rng.randrange(-60, 60), height // 2 + rng.randrange(-20, 20)
    unit = width // 8
    draw.ellipse([x - unit, y - unit // 4, x + unit, y + 3 * unit], fill=colour())
    draw.ellipse([x - unit // 2, y - 3 * unit // 2, x + unit // 2, y], fill=colour())
    for _ in range(8):
        _shape(draw, rng, size, colour())
    text = "".join(rng.choice(string.ascii_lowercase + " ") for _ in range(14))
    font = ImageFont.load_default(size=width // 24)
    draw.text((rng.randrange(10, width // 2), rng.randrange(10, 60)), text, fill="white", font=font)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    noise = np.random.default_rng(seed).normal(0, 12, (height, width, 3))
    return Image.fromarray(np.clip(np.asarray(image) + noise, 0, 255).astype(np.uint8))


def _shape(
    draw: ImageDraw.ImageDraw, rng: random.Random, size: tuple[int, int], fill: tuple[int, ...]
) -> None:
    x, y, r = rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(8, size[0] // 8)
    kind = rng.choice("erp")
    if kind == "e":
        draw.ellipse([x - r, y - r, x + r, y + r * rng.uniform(0.5, 1.5)], fill=fill)
    elif kind == "r":
        draw.rectangle([x - r, y - r // 2, x + r, y + r], fill=fill)
    else:
        points = [(x + rng.randrange(-r, r), y + rng.randrange(-r, r)) for _ in range(5)]
        draw.polygon(points, fill=fill)


def encode(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def png(image: Image.Image) -> bytes:
    return encode(image, "PNG", compress_level=1)


def crop(image: Image.Image, left: float, top: float, right: float, bottom: float) -> Image.Image:
    width, height = image.size
    box = (left * width, top * height, width - right * width, height - bottom * height)
    return image.crop(tuple(round(v) for v in box))


def turn(image: Image.Image, degrees: float) -> Image.Image:
    """Turned in place, corners filled black (what a script or most converters do)."""
    return image.rotate(degrees, resample=Image.Resampling.BICUBIC)


def straighten(image: Image.Image, degrees: float) -> Image.Image:
    """Turned and cropped to the turned picture (what a phone's "straighten" tool does)."""
    width, height = image.size
    cos = np.cos(np.radians(degrees))
    sin = abs(np.sin(np.radians(degrees)))
    scale = min(width / (width * cos + height * sin), height / (width * sin + height * cos))
    margin = (1 - scale) / 2
    return crop(turn(image, degrees), margin, margin, margin, margin)


def caption(
    image: Image.Image, *, top: bool = False, text: str = "SHOCKING photo!!"
) -> Image.Image:
    """A black caption bar with white text added below (or above) the picture."""
    bar = image.height // 9
    out = Image.new("RGB", (image.width, image.height + bar), "black")
    out.paste(image, (0, bar if top else 0))
    font = ImageFont.load_default(size=bar // 2)
    text_y = bar // 4 if top else image.height + bar // 4
    ImageDraw.Draw(out).text((bar // 3, text_y), text, fill="white", font=font)
    return out


def resized(image: Image.Image, factor: float) -> Image.Image:
    size = (round(image.width * factor), round(image.height * factor))
    return image.resize(size, Image.Resampling.LANCZOS)


# What a repost does to a registered photo; each must still match.
REPOSTS: dict[str, Transform] = {
    "resized to 1/3": lambda i: png(resized(i, 1 / 3)),
    "resized x1.6": lambda i: png(resized(i, 1.6)),
    "cropped 10% (one side)": lambda i: png(crop(i, 0.10, 0, 0, 0)),
    "cropped 10% (centred)": lambda i: png(crop(i, 0.05, 0.05, 0.05, 0.05)),
    "JPEG quality 40": lambda i: encode(i, "JPEG", quality=40),
    "greyscale": lambda i: png(ImageOps.grayscale(i)),
    "turned 3.5 degrees": lambda i: png(turn(i, 3.5)),
    "turned -5 degrees": lambda i: png(turn(i, -5)),
    "straightened 4 degrees": lambda i: png(straighten(i, 4)),
    "caption bar below": lambda i: png(caption(i)),
    "caption bar above": lambda i: png(caption(i, top=True)),
    "mirrored": lambda i: png(ImageOps.mirror(i)),
    "repost (caption, 1/2, greyscale, JPEG 50)": lambda i: encode(
        ImageOps.grayscale(resized(caption(i), 0.5)), "JPEG", quality=50
    ),
}
# Edits we measure and document but do not promise to match (see docs/images.md).
LIMITS: dict[str, Transform] = {
    "cropped 7% left + 3% top": lambda i: png(crop(i, 0.07, 0.03, 0, 0)),
    "cropped 4/6/2/8% (four sides)": lambda i: png(crop(i, 0.04, 0.06, 0.02, 0.08)),
    "cropped 20% (one side)": lambda i: png(crop(i, 0.20, 0, 0, 0)),
    "turned 4 degrees, white corners, expanded": lambda i: png(
        i.rotate(4, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")
    ),
    "turned 10 degrees": lambda i: png(turn(i, 10)),
}


@cache
def original(seed: int) -> bytes:
    """The photo of `seed` as the activist has it (PNG)."""
    return png(photo(seed))


@cache
def repost(name: str, seed: int) -> bytes:
    """The photo of `seed` as a repost `name` (from REPOSTS or LIMITS) publishes it."""
    return {**REPOSTS, **LIMITS}[name](photo(seed))


@cache
def registered(seed: int) -> HashRecord:
    """What the activist's device registers for the photo of `seed`."""
    record = images.hash_photo(original(seed))
    assert record is not None
    return record


@cache
def seen(data: bytes) -> ImageHash:
    """What the service computes for an image it meets."""
    found = images.hash_image(data)
    assert found is not None
    return found


def photo_distance(record: HashRecord, data: bytes) -> int:
    """The distance the service sees between a registered photo and an image it met."""
    return min(images.distance(a, b) for a in record.all_bits for b in seen(data).variants)


def summary(values: list[int]) -> dict[str, float]:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


REGISTERED = range(6)
STRANGERS = range(100, 112)


# --- hashing -------------------------------------------------------------------------------


def test_hash_is_pdq_of_the_image_with_a_quality_score() -> None:
    data = png(photo(1))
    seen = images.hash_image(data)
    record = images.hash_photo(data)
    assert seen is not None and record is not None
    assert seen.bits == record.bits == seen.variants[0]
    assert len(seen.hex) == 64 and int(seen.hex, 16) == seen.bits
    assert 50 <= seen.quality <= 100
    assert len(record.edits) > 30
    assert images.hash_photo(data, edits=False) == HashRecord(record.bits, record.quality)


def test_the_same_image_hashes_the_same_whatever_the_container() -> None:
    image = photo(2)
    hashes = {fmt: images.hash_image(encode(image, fmt)) for fmt in ("PNG", "BMP", "WEBP", "GIF")}
    base = hashes["PNG"]
    assert base is not None
    for fmt, seen in hashes.items():
        assert seen is not None, fmt
        assert images.distance(seen.bits, base.bits) <= 16, fmt


def test_a_mirrored_or_quarter_turned_image_matches_through_its_dihedral_forms() -> None:
    image = photo(3)
    original = images.hash_image(png(image))
    assert original is not None
    for form in (ImageOps.mirror(image), ImageOps.flip(image), image.rotate(90, expand=True)):
        seen = images.hash_image(png(form))
        assert seen is not None
        assert images.distance(seen.bits, original.bits) > 64  # as published: far apart
        assert min(images.distance(v, original.bits) for v in seen.variants) <= 8


def test_transparency_is_laid_on_white_and_animation_gives_the_first_frame() -> None:
    image = photo(4)
    rgba = image.convert("RGBA")
    rgba.putalpha(Image.new("L", image.size, 255))
    opaque, with_alpha = images.hash_image(png(image)), images.hash_image(png(rgba))
    assert opaque is not None and with_alpha is not None
    assert opaque.bits == with_alpha.bits
    frames = [image.convert("P"), photo(5).convert("P")]
    gif = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    first = images.hash_image(gif)
    assert first is not None
    assert images.distance(first.bits, opaque.bits) <= 24


def test_flat_pictures_have_a_low_quality_and_match_nothing() -> None:
    flat = images.hash_image(png(Image.new("RGB", (300, 200), (120, 130, 140))))
    assert flat is not None and flat.quality < images.MIN_QUALITY
    index = HashIndex.build([(1, 1, flat.bits)])
    assert index.find(flat) == []
    assert index.find(flat, min_quality=0) == [Match(1, 1, 0)]


def test_caption_bars_and_borders_are_cut_off_on_the_service_side() -> None:
    image = photo(6)
    trimmed = images.bar_trims(caption(image))
    assert any(t.size == image.size for t in trimmed)
    framed = ImageOps.expand(image, border=30, fill="white")
    assert image.size in [t.size for t in images.bar_trims(framed)]


def _bomb_png(width: int, height: int) -> bytes:
    """A valid PNG header for a huge all-black picture with a tiny compressed body."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    rows = zlib.compressobj(9)
    body = b"".join(rows.compress(b"\x00" * (width + 1)) for _ in range(64)) + rows.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


HOSTILE = {
    "empty": b"",
    "random bytes": random.Random(1).randbytes(50_000),
    "truncated JPEG": encode(photo(7), "JPEG", quality=90)[:4000],
    "PNG bomb 60000x60000": _bomb_png(60_000, 60_000),
    "PNG bomb 10000x8000": _bomb_png(10_000, 8_000),
    "SVG": b'<svg xmlns="http://www.w3.org/2000/svg" width="9000" height="9000"><rect/></svg>',
    "HTML named .jpg": b"<!doctype html><html><body><img src=x.jpg></body></html>",
    "JPEG header only": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "TIFF": encode(photo(8), "TIFF"),
    "zero-size GIF header": b"GIF89a\x00\x00\x00\x00\x00\x00\x00;",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_gives_none_without_raising(name: str) -> None:
    data = HOSTILE[name]
    assert images.hash_image(data) is None
    assert images.hash_photo(data) is None
    assert images.load_image(data) is None


def test_oversized_input_is_refused_before_decoding() -> None:
    data = png(photo(9))
    assert images.hash_image(data, max_bytes=len(data) - 1) is None
    assert images.hash_image(data, max_pixels=SIZE[0] * SIZE[1] - 1) is None
    assert images.hash_image(data) is not None


def test_large_jpegs_are_decoded_at_a_reduced_scale() -> None:
    big = encode(resized(photo(10), 8), "JPEG", quality=85)
    image = images.load_image(big)
    assert image is not None and max(image.size) <= images.WORK_SIDE


# --- what matches and what does not ---------------------------------------------------------


@pytest.mark.parametrize("name", REPOSTS)
def test_reposts_of_a_registered_photo_match(name: str) -> None:
    for seed in REGISTERED:
        index = HashIndex.build((7, seed, bits) for bits in registered(seed).all_bits)
        [match] = index.find(seen(repost(name, seed)))
        assert match.hash_id == seed and match.distance <= DEFAULT_THRESHOLD, name


def test_other_photos_of_similar_composition_do_not_match() -> None:
    index = HashIndex.build(
        (1, seed, bits) for seed in REGISTERED for bits in registered(seed).all_bits
    )
    for seed in STRANGERS:
        for name in ("resized to 1/3", "caption bar below", "mirrored"):
            assert index.find(seen(repost(name, seed))) == [], (seed, name)


def test_distance_distributions_separate_reposts_from_strangers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The figures behind DEFAULT_THRESHOLD (printed with -s; the bench prints more)."""
    rows = {
        name: summary([photo_distance(registered(s), repost(name, s)) for s in REGISTERED])
        for name in REPOSTS
    }
    strangers = [
        photo_distance(registered(s), original(other)) for s in REGISTERED for other in STRANGERS
    ]
    rows["other photos (similar composition)"] = summary(strangers)
    with capsys.disabled():
        print()
        for name, row in rows.items():
            print(f"{name:45} min {row['min']:4} median {row['median']:6} max {row['max']:4}")
    assert all(r["max"] <= DEFAULT_THRESHOLD for n, r in rows.items() if n in REPOSTS)
    assert min(strangers) > 2 * DEFAULT_THRESHOLD


# --- the index ------------------------------------------------------------------------------


def _random_entries(count: int, seed: int) -> list[tuple[int, int, int]]:
    rng = random.Random(seed)
    return [(i % 50, i, rng.getrandbits(256)) for i in range(count)]


def _near(bits: int, flips: int, rng: random.Random) -> int:
    for position in rng.sample(range(256), flips):
        bits ^= 1 << position
    return bits


@pytest.mark.parametrize("threshold", [0, 15, 16, 31, 32, 47, 63])
def test_index_agrees_with_a_linear_scan(threshold: int) -> None:
    entries = _random_entries(5000, seed=threshold)
    index = HashIndex.build(entries)
    rng = random.Random(99)
    plain = [images.Entry(*e) for e in entries]
    for _ in range(150):
        target = rng.choice(entries)[2]
        query = _near(target, rng.randrange(0, threshold + 3), rng)
        expected = images.linear_matches(plain, query, threshold)
        assert index.matches(query, threshold) == expected
        assert index.matches(rng.getrandbits(256), threshold) == []


def _mask(positions: list[int]) -> int:
    return sum(1 << p for p in positions)


def test_index_finds_every_hash_at_the_threshold_through_the_pigeonhole() -> None:
    """Differences spread evenly over the 16 chunks: the worst case for the chunk tables."""
    base = random.Random(5).getrandbits(256)
    index = HashIndex.build([(1, 1, base), *_random_entries(3000, seed=6)])
    two_per_chunk = [chunk * 16 + b for chunk in range(16) for b in (3, 11)]
    # 31 bits: two in fifteen chunks, one in the last, which alone is within one bit.
    assert index.matches(base ^ _mask(two_per_chunk[:-1]), 31) == [Match(1, 1, 31)]
    assert index.matches(base ^ _mask(two_per_chunk), 31) == []
    assert index.matches(base ^ _mask(two_per_chunk), 32) == [Match(1, 1, 32)]


def test_index_keeps_one_match_per_photo_at_its_nearest_hash() -> None:
    base = random.Random(8).getrandbits(256)
    index = HashIndex.build([(1, 10, base), (1, 10, base ^ 0b111), (2, 20, base ^ 0b1)])
    assert index.matches(base ^ 0b11) == [Match(1, 10, 1), Match(2, 20, 1)]
    assert len(index) == 3


def test_index_accepts_hashes_as_int_bytes_or_hex() -> None:
    bits = random.Random(3).getrandbits(256)
    index = HashIndex.build(
        [(1, 1, bits), (1, 2, images.to_bytes(bits ^ 1)), (1, 3, images.to_hex(bits ^ 3))]
    )
    assert index.matches(images.to_hex(bits), 1) == [Match(1, 1, 0), Match(1, 2, 1)]
    with pytest.raises(ValueError):
        HashIndex.build([(1, 1, "not a hash")])
    with pytest.raises(ValueError):
        index.matches(b"short")


# --- hashes files ---------------------------------------------------------------------------


def test_hashes_file_round_trip_without_names() -> None:
    first, second = registered(0), registered(1)
    named = [
        HashRecord(first.bits, first.quality, first.edits, "IMG_0001.jpg"),
        HashRecord(second.bits, second.quality, (), "holiday/IMG_0002.jpg"),
        HashRecord(first.bits, 10, (), "copy of IMG_0001.jpg"),
    ]
    text = images.dump_hashes_file(named)
    assert "IMG_" not in text and "holiday" not in text and "name" not in text
    parsed = images.parse_hashes_file(text)
    expected = [
        HashRecord(first.bits, first.quality, first.edits),
        HashRecord(second.bits, second.quality),
    ]
    assert parsed == sorted(expected, key=lambda r: r.bits)


def test_hashes_file_with_names_keeps_them_only_in_the_file() -> None:
    record = HashRecord(registered(0).bits, 90, (), "IMG_0001.jpg")
    text = images.dump_hashes_file([record], with_names=True)
    assert '"name": "IMG_0001.jpg"' in text
    assert images.parse_hashes_file(text) == [HashRecord(record.bits, 90)]


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"format": "pdq-v2", "hashes": []}',
        '{"format": "pdq-v1"}',
        '{"format": "pdq-v1", "hashes": [{"hash": "ab", "quality": 90}]}',
        '{"format": "pdq-v1", "hashes": [{"hash": "' + "g" * 64 + '", "quality": 90}]}',
        '{"format": "pdq-v1", "hashes": [{"hash": "' + "a" * 64 + '", "quality": 101}]}',
        '{"format": "pdq-v1", "hashes": [{"hash": "' + "a" * 64 + '", "quality": true}]}',
        '{"format": "pdq-v1", "hashes": [{"hash": 12, "quality": 90}]}',
        '{"format": "pdq-v1", "hashes": [{"hash": "' + "a" * 64 + '", "quality": 9, "edits": 1}]}',
        '{"format": "pdq-v1", "hashes": [{"hash": "'
        + "a" * 64
        + '", "quality": 9, "edits": ["x"]}]}',
        '{"format": "pdq-v1", "hashes": ["' + "a" * 64 + '"]}',
    ],
)
def test_malformed_hashes_files_are_rejected_whole(text: str) -> None:
    with pytest.raises(InvalidInput):
        images.parse_hashes_file(text)


# --- storage --------------------------------------------------------------------------------


def _activist(store: Store, name: str = "Jane Doe") -> int:
    return activist_store.add(
        store, validate(RegistrationInput(name, (), (), (), (), (), (), "en"))
    )


def test_registered_photos_are_sealed_and_found_through_the_index(store: Store) -> None:
    first, second = _activist(store), _activist(store, "Ann Roe")
    report = image_store.add(store, first, [registered(0), registered(1)])
    assert report == image_store.AddReport(added=2, duplicates=0, low_quality=0, total=2)
    image_store.add(store, second, [registered(1)])
    assert image_store.counts(store) == {first: 2, second: 1}
    assert image_store.count(store, first) == 2
    with Session(store.engine) as session:
        rows = session.exec(select(ImageHashRow)).all()
    assert all(registered(0).hex.encode() not in row.hash_enc for row in rows)
    assert all(images.to_bytes(registered(0).bits) not in row.hash_enc for row in rows)
    index = image_store.load_index(store)
    assert len(index) == sum(len(registered(s).all_bits) for s in (0, 1, 1))
    found = index.find(seen(repost("caption bar below", 1)))
    assert sorted(m.activist_id for m in found) == [first, second]
    assert index.find(seen(original(STRANGERS[0]))) == []


def test_duplicates_and_flat_pictures_are_skipped(store: Store) -> None:
    activist_id = _activist(store)
    flat = HashRecord(random.Random(1).getrandbits(256), images.MIN_QUALITY - 1)
    image_store.add(store, activist_id, [registered(2)])
    before = image_store.fingerprint(store)
    report = image_store.add(store, activist_id, [registered(2), flat, registered(3)])
    assert report == image_store.AddReport(added=1, duplicates=1, low_quality=1, total=3)
    assert image_store.count(store, activist_id) == 2
    assert image_store.fingerprint(store) != before


def test_unknown_activists_are_refused(store: Store) -> None:
    with pytest.raises(NotFound):
        image_store.add(store, 999, [registered(0)])
    with pytest.raises(NotFound):
        image_store.count(store, 999)
    with pytest.raises(NotFound):
        image_store.set_keep_images(store, 999, True)


def test_keep_images_is_off_until_the_activist_asks(store: Store) -> None:
    activist_id = _activist(store)
    assert image_store.keeps_images(store, activist_id) is False
    image_store.set_keep_images(store, activist_id, True)
    assert image_store.keeps_images(store, activist_id) is True
    image_store.set_keep_images(store, activist_id, False)
    assert image_store.keeps_images(store, activist_id) is False


def test_counters_add_up_inside_transactions(store: Store) -> None:
    image_store.bump(store, images_checked=3, images_unmatched=2)
    with Session(store.engine) as session:
        image_store.increment(session, "images_checked")
        image_store.increment(session, "images_matched", 1)
        session.rollback()
    with Session(store.engine) as session:
        image_store.increment(session, "images_checked", 4)
        session.commit()
    assert image_store.counters(store) == {"images_checked": 7, "images_unmatched": 2}


def test_exif_orientation_is_applied_as_a_viewer_would() -> None:
    image = photo(11)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: "rotate 90 degrees clockwise to display"
    sideways = encode(image.rotate(90, expand=True), "JPEG", quality=95, exif=exif.tobytes())
    upright = encode(image, "JPEG", quality=95)
    stored, shown = images.hash_image(sideways), images.hash_image(upright)
    assert stored is not None and shown is not None
    assert images.distance(stored.bits, shown.bits) <= 8
