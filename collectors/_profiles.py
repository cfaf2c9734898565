"""Platform adapters for the profile collector: targets, fetching, and parsing into snapshots.

Bluesky and Mastodon have public JSON APIs; the other platforms are read from the public
profile page's metadata (Open Graph tags; Telegram's own `tgme_page_*` blocks). Every adapter
turns one exchange into an `Observation`: a `Profile` snapshot, or the reason the account is
gone. Parsing is pure; fetching goes through `monitor.net` only.

Handles are validated here rather than with `monitor.identifiers`, which collectors may not
import: the patterns below are deliberately loose (they only keep a handle safe to put in a
URL), since the registry already validated what the activist registered.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, fields, replace
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from collectors import _html
from collectors._http import fetched, validate_url
from monitor.errors import InvalidInput
from monitor.net import FetchError, HttpClient, Response
from monitor.registry import Fetched

API_PLATFORMS = ("bluesky", "mastodon")
# Public profile page per platform: its URL template and the hosts its profile URLs use.
PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "instagram": ("https://www.instagram.com/{}/", ("instagram.com",)),
    "facebook": ("https://www.facebook.com/{}", ("facebook.com", "m.facebook.com", "fb.com")),
    "telegram": ("https://t.me/{}", ("t.me", "telegram.me")),
    "youtube": ("https://www.youtube.com/@{}", ("youtube.com", "m.youtube.com")),
    "x": ("https://x.com/{}", ("x.com", "twitter.com", "mobile.twitter.com")),
    "tiktok": ("https://www.tiktok.com/@{}", ("tiktok.com",)),
    "threads": ("https://www.threads.net/@{}", ("threads.net", "threads.com")),
}
AT_PATHS = ("youtube", "tiktok", "threads")  # profile URLs of the form host/@handle
PLATFORMS = (*API_PLATFORMS, *PAGES)
ALIASES = {"twitter": "x", "fb": "facebook", "ig": "instagram", "tg": "telegram", "bsky": "bluesky"}
HANDLE_PATTERNS = {
    "bluesky": r"did:[a-z0-9]+:[a-z0-9._:%\-]+|[a-z0-9][a-z0-9\-]*(\.[a-z0-9\-]+)+",
    "mastodon": r"[a-z0-9_]+(\.[a-z0-9_]+)*@[a-z0-9\-]+(\.[a-z0-9\-]+)*(:\d{1,5})?",
}
PAGE_HANDLE = r"[a-z0-9_][a-z0-9._\-]{0,99}"
_MIRROR = re.compile(r"^(?P<ref>[^:/@]+:.+?)@(?P<url>https?://.+)$", re.IGNORECASE)

JSON_ACCEPT = "application/json"
AVATAR_MAX_BYTES = 5 * 1024 * 1024
# Bluesky answers 400 with one of these errors for an actor that no longer exists.
BLUESKY_GONE = {
    "AccountTakedown": "suspended",
    "AccountDeactivated": "deactivated",
    "NotFound": "not found",
}
BLUESKY_GONE_LABELS = {"!takedown": "taken down", "!suspend": "suspended"}
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"')\]]+")
_COUNT = re.compile(
    r"(?P<number>\d[\d,.\u00a0\u202f ]*\d|\d)\s*(?P<scale>[KkMmBb])?\s+"
    r"(?P<label>followers|following|posts|subscribers|members|likes|videos)\b",
    re.IGNORECASE,
)
COUNT_FIELDS = {
    "followers": "followers",
    "subscribers": "followers",
    "members": "followers",
    "posts": "posts",
    "videos": "posts",
}
_SCALES = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}
_EDGE_PUNCTUATION = re.compile(r"^[\s,;:·•|\-–—.]+|[\s,;:·•|\-–—]+$")
_REPEATED_SEPARATORS = re.compile(r"(\s*[,;·•|]\s*){2,}")


@dataclass(frozen=True)
class Target:
    """What a profile source watches: a platform, a handle, and optionally a mirror URL.

    The mirror replaces the API base (Bluesky, Mastodon) or the page URL (other platforms);
    it exists for mirrors and tests.
    """

    platform: str
    handle: str
    mirror: str | None = None

    @property
    def canonical(self) -> str:
        base = f"{self.platform}:{self.handle}"
        return f"{base}@{self.mirror}" if self.mirror else base

    @property
    def instance(self) -> str:
        """A Mastodon handle's home server (`user@server` → `server`)."""
        return self.handle.rpartition("@")[2]

    def page_url(self) -> str:
        if self.mirror:
            return self.mirror
        return PAGES[self.platform][0].format(quote(self.handle, safe="._-"))


def parse_target(text: str) -> Target:
    """`PLATFORM:HANDLE`, a profile URL, or `PLATFORM:HANDLE@URL` (mirrors and tests)."""
    raw = text.strip()
    mirror = _MIRROR.match(raw)
    if mirror:
        url = validate_url(mirror.group("url"), "mirror")
        inner = parse_target(mirror.group("ref"))
        return Target(inner.platform, inner.handle, url)
    if raw.lower().startswith(("http://", "https://")):
        return _from_url(raw)
    name, sep, handle = raw.partition(":")
    if not sep or not handle.strip():
        raise InvalidInput(
            f"Profile {text!r} must be written PLATFORM:HANDLE (e.g. bluesky:jane.bsky.social) "
            f"or be a profile URL. Platforms: {', '.join(PLATFORMS)}."
        )
    return _checked(name, handle, text)


def _checked(name: str, handle: str, original: str) -> Target:
    platform = ALIASES.get(name.strip().lower(), name.strip().lower())
    if platform not in PLATFORMS:
        raise InvalidInput(
            f"The profile collector does not watch {name!r}. Platforms: {', '.join(PLATFORMS)}."
        )
    canonical = handle.strip().lstrip("@").lower()
    if not re.fullmatch(HANDLE_PATTERNS.get(platform, PAGE_HANDLE), canonical):
        raise InvalidInput(f"{original!r} does not hold a valid {platform} handle.")
    return Target(platform, canonical)


def _from_url(url: str) -> Target:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if host == "bsky.app" and segments[:1] == ["profile"] and len(segments) > 1:
        return _checked("bluesky", segments[1], url)
    for platform, (_template, hosts) in PAGES.items():
        if host in hosts and segments:
            first = segments[0]
            if platform in AT_PATHS and not first.startswith("@"):
                break
            return _checked(platform, first, url)
    if segments and segments[0].startswith("@") and host:
        user = segments[0][1:]
        return _checked("mastodon", user if "@" in user else f"{user}@{host}", url)
    raise InvalidInput(
        f"{url!r} is not a profile URL of a watched platform. For a mirror or a test server "
        "write PLATFORM:HANDLE@URL."
    )


@dataclass(frozen=True)
class Profile:
    """A snapshot of the public profile: what is compared from one check to the next."""

    handle: str
    account_id: str | None = None
    display_name: str = ""
    bio: str = ""
    avatar_url: str | None = None
    avatar_sha256: str | None = None
    links: tuple[str, ...] = ()
    posts: int | None = None
    followers: int | None = None
    moved_to: str | None = None

    def to_state(self) -> dict[str, Any]:
        data = asdict(self)
        data["links"] = list(self.links)
        return data

    @classmethod
    def from_state(cls, data: Any) -> Profile | None:
        if not isinstance(data, dict) or not isinstance(data.get("handle"), str):
            return None
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["links"] = tuple(values.get("links") or ())
        return cls(**values)


@dataclass(frozen=True)
class Observation:
    """One check's result: a profile, or why the account is gone; and the exchange behind it."""

    fetched: Fetched
    url: str
    profile: Profile | None = None
    gone: str | None = None


@dataclass(frozen=True)
class Candidate:
    """An account a name search returned."""

    key: str
    handle: str
    display_name: str
    avatar_url: str | None
    url: str


@dataclass(frozen=True)
class Search:
    """One search's accounts, and the exchange they came from (the evidence)."""

    candidates: list[Candidate]
    fetched: Fetched


# --- fetching --------------------------------------------------------------------------------


async def observe(
    http: HttpClient,
    target: Target,
    base: str,
    known: Profile | None,
    proxy: str | None,
) -> Observation:
    """Check the account once. `known` is the last snapshot (its account id and avatar)."""
    if target.platform == "bluesky":
        observation = await _bluesky(http, target, base, known, proxy)
    elif target.platform == "mastodon":
        observation = await _mastodon(http, target, base, known, proxy)
    else:
        observation = await _page(http, target, proxy)
    if observation.profile is None:
        return observation
    digest = await _avatar_digest(http, observation.profile, known, proxy)
    profile = replace(observation.profile, avatar_sha256=digest)
    return Observation(observation.fetched, observation.url, profile)


async def _bluesky(
    http: HttpClient, target: Target, base: str, known: Profile | None, proxy: str | None
) -> Observation:
    actor = known.account_id if known and known.account_id else target.handle
    url = f"{base}/xrpc/app.bsky.actor.getProfile?{urlencode({'actor': actor})}"
    response = await http.get(url, accept=JSON_ACCEPT, proxy=proxy)
    public = f"https://bsky.app/profile/{target.handle}"
    gone = bluesky_gone(response.status, response.body)
    if gone:
        return Observation(fetched(response), public, gone=gone)
    response.raise_for_status()
    doc = _json_object(response)
    label = next((BLUESKY_GONE_LABELS[v] for v in _labels(doc) if v in BLUESKY_GONE_LABELS), None)
    if label:
        return Observation(fetched(response), public, gone=label)
    profile = bluesky_profile(doc)
    return Observation(fetched(response), f"https://bsky.app/profile/{profile.handle}", profile)


async def _mastodon(
    http: HttpClient, target: Target, base: str, known: Profile | None, proxy: str | None
) -> Observation:
    query = urlencode({"acct": target.handle})
    lookup = f"{base}/api/v1/accounts/lookup?{query}"
    response = await http.get(lookup, accept=JSON_ACCEPT, proxy=proxy)
    if response.status in (404, 410) and known and known.account_id:
        # The handle no longer resolves: ask for the account itself, to tell a rename from a
        # deletion.
        by_id = f"{base}/api/v1/accounts/{quote(known.account_id, safe='')}"
        response = await http.get(by_id, accept=JSON_ACCEPT, proxy=proxy)
    public = f"https://{target.instance}/@{target.handle.partition('@')[0]}"
    if response.status in (404, 410):
        return Observation(fetched(response), public, gone="not found")
    response.raise_for_status()
    doc = _json_object(response)
    if doc.get("suspended") is True:
        return Observation(fetched(response), public, gone="suspended")
    profile = mastodon_profile(doc, target.instance)
    return Observation(fetched(response), str(doc.get("url") or public), profile)


async def _page(http: HttpClient, target: Target, proxy: str | None) -> Observation:
    url = target.page_url()
    response = await http.get(url, proxy=proxy)
    if response.status in (404, 410):
        return Observation(fetched(response), url, gone="not found")
    response.raise_for_status()
    if not target.mirror and target.handle not in response.final_url.lower():
        raise FetchError(
            "login_wall",
            "the platform answered with another page (a login wall?) instead of the profile",
            retryable=True,
        )
    profile = page_profile(response.body, target.platform, target.handle)
    if profile is None:
        return Observation(fetched(response), url, gone="not found")
    return Observation(fetched(response), url, profile)


async def _avatar_digest(
    http: HttpClient, profile: Profile, known: Profile | None, proxy: str | None
) -> str | None:
    """SHA-256 of the avatar's bytes; reused when the URL is the one already hashed."""
    if not profile.avatar_url:
        return None
    if known and known.avatar_url == profile.avatar_url and known.avatar_sha256:
        return known.avatar_sha256
    return await image_digest(http, profile.avatar_url, proxy)


async def image_digest(http: HttpClient, url: str, proxy: str | None) -> str | None:
    """SHA-256 of an image's bytes, or None when it cannot be fetched (never fatal)."""
    try:
        response = await http.get(url, accept="image/*", max_bytes=AVATAR_MAX_BYTES, proxy=proxy)
    except FetchError:
        return None
    if response.status != 200 or not response.body:
        return None
    return hashlib.sha256(response.body).hexdigest()


async def search(
    http: HttpClient, platform: str, base: str, name: str, proxy: str | None
) -> Search:
    """Accounts the platform's search finds for a name (Bluesky or Mastodon)."""
    if platform == "bluesky":
        url = f"{base}/xrpc/app.bsky.actor.searchActors?{urlencode({'q': name, 'limit': 25})}"
    else:
        url = f"{base}/api/v2/search?{urlencode({'type': 'accounts', 'q': name, 'limit': 40})}"
    response = (await http.get(url, accept=JSON_ACCEPT, proxy=proxy)).raise_for_status()
    doc = _json_object(response)
    entries = doc.get("actors" if platform == "bluesky" else "accounts")
    parse = _bluesky_candidate if platform == "bluesky" else _mastodon_candidate
    found = [parse(e, base) for e in entries or [] if isinstance(e, dict)]
    return Search([c for c in found if c is not None], fetched(response))


# --- parsing (pure) --------------------------------------------------------------------------


def bluesky_gone(status: int, body: bytes) -> str | None:
    """Why Bluesky says an actor is gone (404/410, or a 400 naming it), else None."""
    if status in (404, 410):
        return "not found"
    if status != 400:
        return None
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    error, message = str(doc.get("error") or ""), str(doc.get("message") or "")
    if error in BLUESKY_GONE:
        return BLUESKY_GONE[error]
    if error == "InvalidRequest" and "not found" in message.lower():
        return "not found"
    return None


def bluesky_profile(doc: dict[str, Any]) -> Profile:
    """A ProfileViewDetailed (any vintage: unknown and legacy fields are ignored)."""
    did, handle = doc.get("did"), doc.get("handle")
    if not isinstance(did, str) or not isinstance(handle, str):
        raise _bad_response()
    bio = _text(doc.get("description"))
    website = doc.get("website")
    links = _URL_IN_TEXT.findall(bio) + ([website] if isinstance(website, str) else [])
    return Profile(
        handle=handle.lower(),
        account_id=did,
        display_name=_text(doc.get("displayName")),
        bio=bio,
        avatar_url=_optional_str(doc.get("avatar")),
        links=_sorted_unique(link.rstrip(".,;:!?") for link in links),
        posts=_count(doc.get("postsCount")),
        followers=_count(doc.get("followersCount")),
    )


def mastodon_profile(doc: dict[str, Any], instance: str) -> Profile:
    """A Mastodon Account entity; local `acct`s get the server of the account's own URL."""
    account_id, acct = doc.get("id"), doc.get("acct")
    if not isinstance(account_id, str | int) or not isinstance(acct, str):
        raise _bad_response()
    moved = doc.get("moved")
    return Profile(
        handle=_full_acct(acct, doc.get("url"), instance),
        account_id=str(account_id),
        display_name=_text(doc.get("display_name")),
        bio=_html_text(doc.get("note")),
        avatar_url=_optional_str(doc.get("avatar")),
        links=_sorted_unique(
            _mastodon_field(f) for f in doc.get("fields") or [] if isinstance(f, dict)
        ),
        posts=_count(doc.get("statuses_count")),
        followers=_count(doc.get("followers_count")),
        moved_to=_optional_str(moved.get("acct")) if isinstance(moved, dict) else None,
    )


def _mastodon_field(entry: dict[str, Any]) -> str:
    """`name: text`, plus the link targets the text does not show (`win (https://...)`)."""
    value = entry.get("value")
    page = _html.page_text(value if isinstance(value, str) else "", "", whole_page=False)
    text = " ".join(page.text.split())
    hidden = [link for link in page.links if link not in text]
    shown = f"{text} ({', '.join(hidden)})" if hidden else text
    return f"{_text(entry.get('name'))}: {shown}"


def page_profile(html: bytes | str, platform: str, handle: str) -> Profile | None:
    """A profile from a page's metadata; None when Telegram shows no account at that name.

    Follower and post counts in descriptions ("1,234 Followers, 56 Posts - ...") are read
    out and removed from the bio, so a new follower is not a changed bio.
    """
    tree = _html.parse(html)
    page = _telegram_page(tree) if platform == "telegram" else _og_page(tree)
    if page is None:
        return None
    counts, bio = read_counts(page.bio)
    extra_counts, _ = read_counts(page.extra)
    counts = {**extra_counts, **counts}
    return Profile(
        handle=handle,
        display_name=" ".join(page.name.split()),
        bio=bio,
        avatar_url=page.avatar or None,
        links=_sorted_unique(u for u in page.links if u.startswith(("http://", "https://"))),
        posts=counts.get("posts"),
        followers=counts.get("followers"),
    )


@dataclass(frozen=True)
class _PageFields:
    name: str
    bio: str
    avatar: str
    links: tuple[str, ...] = ()
    extra: str = ""


def _meta(tree: HTMLParser, name: str) -> str:
    node = tree.css_first(f'meta[property="{name}"]') or tree.css_first(f'meta[name="{name}"]')
    return _text(node.attributes.get("content")) if node is not None else ""


def _og_page(tree: HTMLParser) -> _PageFields:
    page = _PageFields(
        _meta(tree, "og:title"),
        _meta(tree, "og:description") or _meta(tree, "description"),
        _meta(tree, "og:image"),
    )
    if not (page.name or page.bio or page.avatar):
        raise FetchError(
            "no_metadata",
            "the page shows no profile metadata (a login wall or a changed layout?)",
            retryable=True,
        )
    return page


def _telegram_page(tree: HTMLParser) -> _PageFields | None:
    """t.me/<name>: a page without title and extra line is Telegram's "no such account"."""
    title = tree.css_first(".tgme_page_title")
    extra = tree.css_first(".tgme_page_extra")
    if title is None and extra is None:
        return None
    description = tree.css_first(".tgme_page_description")
    photo = tree.css_first("img.tgme_page_photo_image")
    links = description.css("a[href]") if description is not None else []
    return _PageFields(
        _html.node_text(title) if title is not None else _meta(tree, "og:title"),
        _html.node_text(description) if description is not None else "",
        (photo.attributes.get("src") or "") if photo is not None else _meta(tree, "og:image"),
        tuple(a.attributes.get("href") or "" for a in links),
        _html.node_text(extra) if extra is not None else "",
    )


def read_counts(text: str) -> tuple[dict[str, int], str]:
    """Labelled counts in a description, and the description without them."""
    counts: dict[str, int] = {}
    for match in _COUNT.finditer(text):
        target = COUNT_FIELDS.get(match.group("label").lower())
        number = _number(match.group("number"), match.group("scale"))
        if target and number is not None:
            counts.setdefault(target, number)
    rest = _REPEATED_SEPARATORS.sub(", ", _COUNT.sub("", text))
    return counts, " ".join(_EDGE_PUNCTUATION.sub("", rest).split())


def _number(digits: str, scale: str | None) -> int | None:
    compact = re.sub(r"[\s\u00a0\u202f]", "", digits)
    try:
        if scale:
            return int(float(compact.replace(",", ".")) * _SCALES[scale.lower()])
        return int(re.sub(r"[,.]", "", compact))
    except ValueError:
        return None


def _bluesky_candidate(entry: dict[str, Any], base: str) -> Candidate | None:
    did, handle = entry.get("did"), entry.get("handle")
    if not isinstance(did, str) or not isinstance(handle, str):
        return None
    return Candidate(
        key=did,
        handle=handle.lower(),
        display_name=_text(entry.get("displayName")),
        avatar_url=_optional_str(entry.get("avatar")),
        url=f"https://bsky.app/profile/{handle.lower()}",
    )


def _mastodon_candidate(entry: dict[str, Any], base: str) -> Candidate | None:
    acct = entry.get("acct")
    if not isinstance(acct, str):
        return None
    handle = _full_acct(acct, entry.get("url"), urlsplit(base).netloc)
    return Candidate(
        key=handle,
        handle=handle,
        display_name=_text(entry.get("display_name")),
        avatar_url=_optional_str(entry.get("avatar")),
        url=_optional_str(entry.get("url")) or "",
    )


def _full_acct(acct: str, url: Any, fallback_host: str) -> str:
    """`user@server` for an acct that may be local (`user`), using the account's own URL."""
    if "@" in acct:
        return acct.lower()
    host = urlsplit(url).netloc if isinstance(url, str) else ""
    return f"{acct}@{host or fallback_host}".lower()


def _labels(doc: dict[str, Any]) -> list[str]:
    return [str(label.get("val")) for label in doc.get("labels") or [] if isinstance(label, dict)]


def _json_object(response: Response) -> dict[str, Any]:
    try:
        doc = json.loads(response.body)
    except ValueError as exc:
        raise _bad_response() from exc
    if not isinstance(doc, dict):
        raise _bad_response()
    return doc


def _bad_response() -> FetchError:
    return FetchError(
        "bad_response",
        "the profile API answered with something that is not a profile",
        retryable=True,
    )


def _text(value: Any) -> str:
    """A string field, whitespace-normalised per line (so trailing spaces are no change)."""
    if not isinstance(value, str):
        return ""
    return "\n".join(" ".join(line.split()) for line in value.strip().splitlines())


def _html_text(value: Any) -> str:
    return _html.fragment_text(value) if isinstance(value, str) else ""


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _sorted_unique(values: Any) -> tuple[str, ...]:
    return tuple(sorted({v for v in values if v}))
