"""Leaked-image watch: images on watched pages against activists' registered photo hashes.

Activists register only perceptual hashes of private photos, computed on their own device
(`monitor image-hash`). For each new item that links or embeds images, this stage fetches a
capped number of them through the shared HTTP client (same proxy and address rules), hashes
each in memory in a worker process, compares the hash with the index of registered hashes,
and drops the bytes. A match becomes a finding (a critical `leak` for the pipeline to record);
a miss leaves nothing but a counter. When no hashes are registered, nothing is fetched at all.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field

from monitor import images
from monitor.net import FetchError, HttpClient
from monitor.registry import Fetched, Item, SourceView
from monitor.storage import images as image_store
from monitor.store import Store

log = logging.getLogger(__name__)
MAX_IMAGES_PER_ITEM = 8
MAX_IMAGES_PER_PASS = 40
MAX_IMAGE_BYTES = 8 * 1024 * 1024
CONCURRENT_FETCHES = 4
IMAGE_ACCEPT = "image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8"


@dataclass(frozen=True)
class ImageFinding:
    """A registered photo seen on a watched page: where, whose, and how close."""

    item_key: str
    image_url: str
    activist_id: int
    hash_id: int
    distance: int
    image_hash: str
    image: Fetched | None = None  # the bytes, only for activists who chose to keep them


@dataclass
class ImageReport:
    """What one pass looked at: counts for the counters, findings for the incident book."""

    checked: int = 0
    unmatched: int = 0
    failed: int = 0
    findings: list[ImageFinding] = field(default_factory=list)


@dataclass(frozen=True)
class Registered:
    """The index of registered hashes, and who asked to keep matched images as evidence."""

    index: images.HashIndex
    keepers: frozenset[int]


class IndexCache:
    """Keeps the hash index and rebuilds it only when registrations change (checked at most
    every `recheck_seconds`)."""

    def __init__(self, store: Store, recheck_seconds: float = 5.0) -> None:
        self.store = store
        self.recheck_seconds = recheck_seconds
        self._registered: Registered | None = None
        self._fingerprint: object = None
        self._checked_at = 0.0

    def get(self) -> Registered:
        now = time.monotonic()
        if self._registered is not None and now - self._checked_at < self.recheck_seconds:
            return self._registered
        self._checked_at = now
        current = image_store.fingerprint(self.store)
        if self._registered is None or current != self._fingerprint:
            index = image_store.load_index(self.store)
            keepers = frozenset(
                activist
                for activist in image_store.counts(self.store)
                if image_store.keeps_images(self.store, activist)
            )
            self._registered = Registered(index, keepers)
            self._fingerprint = current
            log.info("image index built photos=%d", len(index))
        return self._registered


class ImageWatch:
    def __init__(self, http: HttpClient, cpu: Executor | None = None) -> None:
        self.http = http
        self.cpu = cpu
        self.fetches = asyncio.Semaphore(CONCURRENT_FETCHES)

    async def scan(
        self, source: SourceView, items: Sequence[Item], registered: Registered
    ) -> ImageReport:
        report = ImageReport()
        if not len(registered.index):
            return report
        targets = _targets(items)
        results = await asyncio.gather(
            *(self._check(source, key, url, registered) for key, url in targets)
        )
        for outcome in results:
            if outcome is None:
                report.failed += 1
                continue
            report.checked += 1
            report.findings += outcome
            report.unmatched += int(not outcome)
        return report

    async def _check(
        self, source: SourceView, item_key: str, url: str, registered: Registered
    ) -> list[ImageFinding] | None:
        """The findings for one image, or None if it could not be fetched or read."""
        try:
            async with self.fetches:
                response = await self.http.get(
                    url, proxy=source.proxy, max_bytes=MAX_IMAGE_BYTES, accept=IMAGE_ACCEPT
                )
            response.raise_for_status()
        except FetchError as exc:
            log.info("image fetch failed source_id=%d code=%s", source.id, exc.code)
            return None
        hashed = await self._hash(response.body)
        if hashed is None:
            return None
        matches = registered.index.find(hashed)
        return [
            ImageFinding(
                item_key=item_key,
                image_url=url,
                activist_id=match.activist_id,
                hash_id=match.hash_id,
                distance=match.distance,
                image_hash=hashed.hex,
                image=response.evidence() if match.activist_id in registered.keepers else None,
            )
            for match in matches
        ]

    async def _hash(self, body: bytes) -> images.ImageHash | None:
        """Hash in a worker process when there are some (decoding is CPU-heavy)."""
        if self.cpu is None:
            return images.hash_image(body)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.cpu, images.hash_image, body)


def _targets(items: Sequence[Item]) -> list[tuple[str, str]]:
    """(item key, image URL) pairs: at most a few per item and per pass, each URL once."""
    seen: set[str] = set()
    targets = []
    for item in items:
        for url in item.image_urls[:MAX_IMAGES_PER_ITEM]:
            if url not in seen and url.startswith(("http://", "https://")):
                seen.add(url)
                targets.append((item.key, url))
    return targets[:MAX_IMAGES_PER_PASS]
