"""Watch an activist's own accounts for signs of takeover, and search for impersonators.

The first check records a baseline. Each later check compares the public profile with it:
display name, bio, avatar (by the bytes' hash), links, handle (for the same account id),
post count, and whether the account still exists. A difference is an `account_takeover`
signal; it stays standing (and is not raised again) until the profile goes back or the
activist accepts the current profile as the new baseline (`monitor source ack`).

The state kept per source (sealed at rest like every source's state):

    baseline   the accepted profile, `since` when it was recorded or accepted
    observed   the last profile seen (what `ack` accepts)
    gone       {"reason", "since"} while the account cannot be found
    raised     keys of the standing signals, so none is raised twice
    pending    fields that differ from the baseline now
    impersonators, avatar_checks   accounts already reported, avatars already compared
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from collectors import _profiles
from collectors._profiles import API_PLATFORMS, Candidate, Observation, Profile, Target
from monitor.config import Config
from monitor.errors import InvalidInput, UserError
from monitor.net import FetchError
from monitor.registry import Collected, Collector, Fetched, Item, SourceView

log = logging.getLogger(__name__)

# A profile edit is often the owner's own (hence `ack`); a rename, wiped posts or a vanished
# account are how hijacked pages look, and are rarely done by the owner without warning.
SEVERITY = {
    "profile_changed": "medium",
    "handle_renamed": "high",
    "posts_wiped": "high",
    "account_gone": "high",
}
LABELS = {
    "display_name": "display name",
    "bio": "bio",
    "avatar": "avatar",
    "links": "links",
    "moved_to": "move to another account",
    "handle": "handle",
    "posts": "post count",
    "account": "account",
}
PROFILE_FIELDS = ("display_name", "bio", "links", "moved_to")
WIPE_SHARE = 0.5  # posts wiped: the count falls to half or less...
WIPE_MIN = 10  # ...and by at least this many posts
MAX_NAMES = 5  # names searched per check (the registered name and its first aliases)
MAX_AVATAR_CHECKS = 10  # candidate avatars fetched per check
MAX_REMEMBERED = 500  # candidate avatars remembered as already compared
_WORD = re.compile(r"\w+")
# Letters NFKD does not decompose; `ə` is written `e` or `a` in Latin transliterations.
_FOLD = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ß": "ss"})


@dataclass(frozen=True)
class Change:
    """One difference from the baseline. `identity` is what the key hashes (the new value)."""

    signal: str
    field: str
    before: Any
    after: Any
    identity: Any = None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def key(self, epoch: str) -> str:
        """Names the change within one baseline: the same change is never raised twice."""
        value = self.after if self.identity is None else self.identity
        return f"{self.signal}:{self.field}:{_digest(value)}:{_digest(epoch)[:8]}"


class ProfileCollector(Collector):
    """An activist's own account, watched for signs that someone else controls it.

    TARGET is PLATFORM:HANDLE (bluesky, mastodon, instagram, facebook, telegram, youtube, x,
    tiktok, threads) or a profile URL; for mirrors and tests, PLATFORM:HANDLE@URL, where URL
    replaces the API base (Bluesky, Mastodon) or the profile page's URL. Bluesky and Mastodon
    are read through their public APIs (settings bluesky_api_url, mastodon_api_url), the
    others from the public page's metadata where it is reachable. The first check records a
    baseline; later changes of display name, bio, avatar or links (profile_changed), a new
    handle on the same account (handle_renamed), a sharp fall in posts (posts_wiped) or an
    account that is gone or suspended (account_gone) are account_takeover incidents. On Bluesky
    and Mastodon, accounts that carry the activist's registered name or avatar under a handle
    that is not theirs are impersonation incidents. `monitor source ack ID` accepts the
    current profile when a change was the activist's own.
    Example: monitor source add profile bluesky:jane.bsky.social --activist 1
    """

    kind: ClassVar[str] = "profile"
    target_help: ClassVar[str] = "PLATFORM:HANDLE or profile URL"
    needs_activist: ClassVar[bool] = True
    default_every: ClassVar[int] = 900

    @classmethod
    def validate_target(cls, target: str) -> str:
        return _profiles.parse_target(target).canonical

    @classmethod
    def acknowledge(
        cls, state: Mapping[str, Any], now: datetime
    ) -> tuple[dict[str, Any], list[str]]:
        """Accept the last observed profile as the baseline; returns the new state and the
        fields whose changes were accepted."""
        watch = Watch.from_state(state)
        if watch.gone:
            raise InvalidInput(
                "The last check found this account gone, so there is no profile to accept. "
                "An account that comes back is compared with the baseline again."
            )
        if watch.observed is None:
            raise InvalidInput("This source has not been checked yet: run `monitor collect`.")
        accepted = watch.pending
        watch.baseline, watch.since = watch.observed, now.isoformat()
        watch.raised, watch.pending = [], []
        return watch.to_state(), accepted

    async def collect(self, source: SourceView) -> Collected:
        if source.activist_id is None:
            raise UserError(
                "A profile source watches one activist's account: add it with --activist ID.",
                code="needs_activist",
            )
        target = _profiles.parse_target(source.target)
        base = api_base(target, self.config)
        watch = Watch.from_state(source.state)
        known = watch.observed or watch.baseline
        observation = await _profiles.observe(self.http, target, base, known, source.proxy)
        fresh = watch.record(target.platform, observation)
        items = [
            signal_item(source.activist_id, target, observation, change, key, watch.since)
            for key, change in fresh
        ]
        if target.platform in API_PLATFORMS and source.activist:
            items += await self._impersonators(source, source.activist_id, target, base, watch)
        log.info("profile checked source_id=%d items=%d", source.id, len(items))
        return Collected(items, watch.to_state())

    async def _impersonators(
        self, source: SourceView, activist_id: int, target: Target, base: str, watch: Watch
    ) -> list[Item]:
        """Accounts found by the activist's names that carry their name or avatar."""
        registration = source.activist or {}
        names = registered_names(registration)[:MAX_NAMES]
        own = own_accounts(registration, target, watch)
        avatar = watch.baseline.avatar_sha256 if watch.baseline else None
        checks = AvatarChecks(watch, avatar)
        items: list[Item] = []
        for name in names:
            try:
                found = await _profiles.search(self.http, target.platform, base, name, source.proxy)
            except FetchError as exc:
                log.warning("impersonation search failed source_id=%d code=%s", source.id, exc.code)
                continue
            for candidate in found.candidates:
                if candidate.key in own or candidate.handle in own:
                    continue
                if candidate.key in watch.impersonators:
                    continue
                reasons = await self._reasons(candidate, names, checks, source.proxy)
                if reasons:
                    watch.impersonators.append(candidate.key)
                    items.append(
                        impersonation_item(activist_id, target, candidate, reasons, found.fetched)
                    )
        return items

    async def _reasons(
        self, candidate: Candidate, names: Sequence[str], checks: AvatarChecks, proxy: str | None
    ) -> dict[str, str]:
        reasons: dict[str, str] = {}
        matched = name_match(candidate.display_name, names)
        if matched:
            reasons["name"] = matched
        if candidate.avatar_url and checks.due(candidate):
            digest = await _profiles.image_digest(self.http, candidate.avatar_url, proxy)
            checks.done(candidate)
            if digest is not None and digest == checks.against:
                reasons["avatar"] = digest
        return reasons


@dataclass
class Watch:
    """The source's state as objects; `record` advances it by one observation."""

    baseline: Profile | None = None
    since: str = ""
    observed: Profile | None = None
    gone: dict[str, str] | None = None
    raised: list[str] = dataclasses.field(default_factory=list)
    pending: list[str] = dataclasses.field(default_factory=list)
    impersonators: list[str] = dataclasses.field(default_factory=list)
    avatar_checks: dict[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Watch:
        gone = state.get("gone")
        return cls(
            baseline=Profile.from_state(state.get("baseline")),
            since=str(state.get("since") or ""),
            observed=Profile.from_state(state.get("observed")),
            gone=dict(gone) if isinstance(gone, dict) else None,
            raised=list(state.get("raised") or []),
            pending=list(state.get("pending") or []),
            impersonators=list(state.get("impersonators") or []),
            avatar_checks=dict(state.get("avatar_checks") or {}),
        )

    def to_state(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline.to_state() if self.baseline else None,
            "since": self.since,
            "observed": self.observed.to_state() if self.observed else None,
            "gone": self.gone,
            "raised": self.raised,
            "pending": self.pending,
            "impersonators": self.impersonators,
            "avatar_checks": self.avatar_checks,
        }

    def record(self, platform: str, observation: Observation) -> list[tuple[str, Change]]:
        """Take in one observation; return the changes not raised before, with their keys."""
        now = observation.fetched.fetched_at.isoformat()
        if observation.gone is not None:
            standing = [self._gone(observation.gone, now)]
        else:
            assert observation.profile is not None
            self.gone, self.observed = None, observation.profile
            if self.baseline is None:
                self.baseline, self.since = observation.profile, now
            standing = changes(self.baseline, observation.profile, platform)
        keyed = {change.key(self.since): change for change in standing}
        fresh = [(key, change) for key, change in keyed.items() if key not in self.raised]
        self.raised = list(keyed)
        self.pending = sorted({change.field for change in standing})
        return fresh

    def _gone(self, reason: str, now: str) -> Change:
        if self.baseline is None:
            raise UserError(
                f"The account was not found on its first check ({reason}). Check the handle "
                "with `monitor source list`; the source is tried again later.",
                code="profile_not_found",
            )
        since = self.gone["since"] if self.gone else now
        self.gone = {"reason": reason, "since": since}
        return Change("account_gone", "account", "present", reason, since, {"gone_since": since})


def changes(baseline: Profile, observed: Profile, platform: str) -> list[Change]:
    """Every signal the observed profile raises against the baseline (pure)."""
    if baseline.account_id and observed.account_id and baseline.account_id != observed.account_id:
        holder = f"another account ({observed.account_id}) now holds this handle"
        return [Change("account_gone", "account", baseline.account_id, holder)]
    found = [
        Change(
            "profile_changed",
            name,
            _plain(getattr(baseline, name)),
            _plain(getattr(observed, name)),
        )
        for name in PROFILE_FIELDS
        if getattr(baseline, name) != getattr(observed, name)
    ]
    avatar = avatar_change(baseline, observed, platform)
    found += [avatar] if avatar else []
    if baseline.handle != observed.handle:
        found.append(Change("handle_renamed", "handle", baseline.handle, observed.handle))
    if posts_wiped(baseline.posts, observed.posts):
        found.append(Change("posts_wiped", "posts", baseline.posts, observed.posts))
    return found


def avatar_change(baseline: Profile, observed: Profile, platform: str) -> Change | None:
    """Compared by the bytes' hash; by URL only where URLs are stable (the APIs' CDNs), since
    page platforms sign their image URLs afresh on every visit."""
    before, after = baseline.avatar_url, observed.avatar_url
    if bool(before) != bool(after):
        changed = True
    elif not before:
        changed = False
    elif baseline.avatar_sha256 and observed.avatar_sha256:
        changed = baseline.avatar_sha256 != observed.avatar_sha256
    else:
        changed = platform in API_PLATFORMS and before != after
    if not changed:
        return None
    extra = {"before_sha256": baseline.avatar_sha256, "after_sha256": observed.avatar_sha256}
    return Change("profile_changed", "avatar", before, after, observed.avatar_sha256, extra)


def posts_wiped(before: int | None, after: int | None) -> bool:
    if before is None or after is None:
        return False
    return before - after >= WIPE_MIN and after <= before * WIPE_SHARE


def api_base(target: Target, settings: Config) -> str:
    """Where the API calls go: the target's mirror, else the setting, else the home server."""
    if target.mirror:
        return target.mirror.rstrip("/")
    if target.platform == "bluesky":
        return settings.bluesky_api_url.rstrip("/")
    return (settings.mastodon_api_url or f"https://{target.instance}").rstrip("/")


def signal_item(
    activist_id: int, target: Target, observation: Observation, change: Change, key: str, since: str
) -> Item:
    title, text = describe(change, f"{target.platform}:{target.handle}", since)
    return Item(
        key=key,
        title=title,
        text=text,
        fetched=observation.fetched,
        url=observation.url,
        activist_id=activist_id,
        kind="account_takeover",
        signal=change.signal,
        severity=SEVERITY[change.signal],
        evidence={"field": change.field, "before": change.before, "after": change.after}
        | dict(change.extra),
        story=f"profile:{target.platform}:{target.handle}",
    )


def describe(change: Change, account: str, since: str) -> tuple[str, str]:
    """Title and text of a signal. The text names the baseline (or, for a vanished account,
    when it vanished), so a change repeated against a later baseline is not mistaken for one
    already recorded."""
    if change.signal == "account_gone":
        when = change.extra.get("gone_since")
        suffix = f" (since {when})." if when else "."
        return f"{account}: account gone", f"The account {account} is gone: {change.after}{suffix}"
    label = LABELS[change.field]
    return (
        f"{account}: {label} changed",
        f"The {label} of {account} changed from {change.before!r} to {change.after!r} "
        f"(compared with the profile recorded {since}).",
    )


def impersonation_item(
    activist_id: int,
    target: Target,
    candidate: Candidate,
    reasons: Mapping[str, str],
    evidence: Fetched,
) -> Item:
    """A copied avatar is deliberate; a name alone may be a namesake, hence the severities."""
    why = " and ".join(
        "the registered avatar" if r == "avatar" else "a registered name" for r in reasons
    )
    return Item(
        key=f"impersonation:{target.platform}:{candidate.key}",
        title=f"Possible impersonation on {target.platform}: {candidate.handle}",
        text=f"The {target.platform} account {candidate.handle} ({candidate.display_name!r}) "
        f"uses {why} but is not a registered handle.",
        fetched=evidence,
        url=candidate.url or None,
        activist_id=activist_id,
        kind="impersonation",
        severity="high" if "avatar" in reasons else "medium",
        evidence={
            "impersonator": candidate.handle,
            "display_name": candidate.display_name,
            "matched": sorted(reasons),
            "registered_name": reasons.get("name"),
            "avatar_sha256": reasons.get("avatar"),
        },
        story=f"impersonation:{target.platform}:{candidate.handle}",
    )


class AvatarChecks:
    """Candidate avatars already compared with the registered one (refetched only when their
    URL changes), and a cap on how many are fetched per check."""

    def __init__(self, watch: Watch, against: str | None) -> None:
        if watch.avatar_checks.get("against") != against:
            watch.avatar_checks = {"against": against, "seen": {}}
        self.against = against
        self.seen: dict[str, str] = watch.avatar_checks.setdefault("seen", {})
        self.budget = MAX_AVATAR_CHECKS

    def due(self, candidate: Candidate) -> bool:
        return (
            self.against is not None
            and self.budget > 0
            and self.seen.get(candidate.key) != candidate.avatar_url
        )

    def done(self, candidate: Candidate) -> None:
        self.budget -= 1
        if len(self.seen) >= MAX_REMEMBERED:
            self.seen.pop(next(iter(self.seen)))
        self.seen[candidate.key] = candidate.avatar_url or ""


def registered_names(registration: Mapping[str, Any]) -> list[str]:
    names = [registration.get("name"), *(registration.get("aliases") or [])]
    return list(dict.fromkeys(n for n in names if isinstance(n, str) and n.strip()))


def own_accounts(registration: Mapping[str, Any], target: Target, watch: Watch) -> set[str]:
    """Handles and account ids that are the activist's own on this platform."""
    prefix = f"{target.platform}:"
    own = {h[len(prefix) :] for h in registration.get("handles") or [] if h.startswith(prefix)}
    own.add(target.handle)
    for profile in (watch.baseline, watch.observed):
        if profile is not None:
            own |= {profile.handle, profile.account_id or profile.handle}
    return own


def name_match(display_name: str, names: Sequence[str]) -> str | None:
    """The registered name whose every word the display name carries, or None.

    Compared case- and diacritic-insensitively; a one-word name must be the whole display
    name, so a common first name alone is not a match.
    """
    shown = set(_tokens(display_name, "e")) | set(_tokens(display_name, "a"))
    for name in names:
        for schwa in ("e", "a"):
            words = _tokens(name, schwa)
            if not words:
                continue
            if len(words) == 1 and set(_tokens(display_name, schwa)) != set(words):
                continue
            if set(words) <= shown:
                return name
    return None


def _tokens(text: str, schwa: str) -> list[str]:
    """Words folded for comparison: case, diacritics and ə (written e or a) removed."""
    lowered = text.casefold().replace("ə", schwa).translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", lowered)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _WORD.findall(plain)


def _plain(value: Any) -> Any:
    """Evidence values as JSON has them (links are a list)."""
    return list(value) if isinstance(value, tuple) else value


def _digest(value: Any) -> str:
    data = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:16]
