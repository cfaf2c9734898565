"""The profile collector against local servers speaking the Bluesky, Mastodon and page formats.

The base documents are real saved API responses (tests/data/profile-api); each test derives
the changed versions it needs from them.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml

from collectors import _profiles
from collectors.profile import ProfileCollector, changes, name_match, posts_wiped
from monitor.errors import InvalidInput, UserError
from monitor.registry import Collected, Item
from tests import DATA
from tests.conftest import Cli
from tests.support.collecting import collect
from tests.support.localweb import LocalWeb

SAVED = DATA / "profile-api"
BSKY_2024 = json.loads((SAVED / "bluesky__atproto.dart__getProfile.json").read_text())
BSKY_2023 = json.loads((SAVED / "bluesky__atproto.dart__find_profile_2023-03.json").read_text())
MASTODON = json.loads(
    (SAVED / "mastodon__mastodon-api-dart__lookup_account_from_web_finger_address.json").read_text()
)
CASSETTE = yaml.safe_load((SAVED / "mastodon__Mastodon.py__test_account_lookup.yaml").read_text())
DID = BSKY_2024["did"]
GET_PROFILE = "/xrpc/app.bsky.actor.getProfile"
SEARCH_ACTORS = "/xrpc/app.bsky.actor.searchActors"
AVATAR = b"\x89PNG\r\n\x1a\n registered avatar bytes"
OTHER_AVATAR = b"\x89PNG\r\n\x1a\n another picture"
ACTIVIST: dict[str, Any] = {
    "id": 1,
    "name": "Gülnarə Mehdiyeva",
    "aliases": ["Shinya Kato"],
    "handles": ["bluesky:shinyakato.dev", "bluesky:gm.bsky.social", "instagram:jane.doe"],
}


def _recorded(uri_end: str) -> tuple[int, str]:
    """Status and body of the cassette interaction whose request URI ends with `uri_end`."""
    for interaction in CASSETTE["interactions"]:
        if interaction["request"]["uri"].endswith(uri_end):
            response = interaction["response"]
            return response["status"]["code"], response["body"]["string"]
    raise AssertionError(uri_end)


def _serve_json(web: LocalWeb, path: str, doc: Any, status: int = 200) -> None:
    body = doc if isinstance(doc, str) else json.dumps(doc)
    web.serve(path, body, status=status, content_type="application/json; charset=utf-8")


def _bluesky(web: LocalWeb, base: dict[str, Any] = BSKY_2024, **changes: Any) -> dict[str, Any]:
    """Serve a getProfile answer derived from a saved one, its avatar local."""
    doc = copy.deepcopy(base) | {"avatar": web.url("/img/avatar.png")} | changes
    _serve_json(web, GET_PROFILE, doc)
    web.serve("/img/avatar.png", AVATAR, content_type="image/png")
    _serve_json(web, SEARCH_ACTORS, {"actors": []})
    return doc


def _derived(web: LocalWeb, avatar_path: str, **changes: Any) -> dict[str, Any]:
    """A getProfile answer whose avatar is another picture at its own URL."""
    web.serve(avatar_path, OTHER_AVATAR, content_type="image/png")
    return copy.deepcopy(BSKY_2024) | {"avatar": web.url(avatar_path)} | changes


async def _check(target: str, state: Any = None, activist: Any = ACTIVIST) -> Collected:
    return await collect(
        ProfileCollector, target, activist_id=1, activist=activist, state=state or {}
    )


async def _watched(web: LocalWeb) -> tuple[str, Collected]:
    """The saved Bluesky profile served locally, and its first check (the baseline)."""
    _bluesky(web)
    target = f"bluesky:shinyakato.dev@{web.url('')}"
    return target, await _check(target)


def _signals(result: Collected) -> dict[str, Item]:
    return {f"{i.signal}:{i.evidence['field']}": i for i in result.items}


# --- targets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "canonical"),
    [
        ("bluesky:@ShinyaKato.dev", "bluesky:shinyakato.dev"),
        ("bsky:" + DID, "bluesky:" + DID),
        ("https://bsky.app/profile/shinyakato.dev", "bluesky:shinyakato.dev"),
        ("mastodon:NateSilva@mstdn.social", "mastodon:natesilva@mstdn.social"),
        ("https://mstdn.social/@natesilva", "mastodon:natesilva@mstdn.social"),
        ("https://www.instagram.com/jane.doe/", "instagram:jane.doe"),
        ("twitter:JaneDoe", "x:janedoe"),
        ("https://t.me/jane_doe", "telegram:jane_doe"),
        ("https://www.youtube.com/@JaneDoe", "youtube:janedoe"),
        ("https://m.facebook.com/jane.doe", "facebook:jane.doe"),
        (
            "instagram:jane.doe@http://127.0.0.1:8000/mirror/",
            "instagram:jane.doe@http://127.0.0.1:8000/mirror/",
        ),
        (
            "mastodon:mastodonpy_test@localhost:3000@http://127.0.0.1:9",
            "mastodon:mastodonpy_test@localhost:3000@http://127.0.0.1:9",
        ),
    ],
)
def test_target_forms(target: str, canonical: str) -> None:
    assert ProfileCollector.validate_target(target) == canonical


@pytest.mark.parametrize(
    "target",
    [
        "jane",
        "myspace:jane",
        "bluesky:not a handle",
        "mastodon:nobody",
        "https://example.org/about",
        "https://www.youtube.com/watch",
        "instagram:jane@ftp://mirror.example/",
    ],
)
def test_bad_targets(target: str) -> None:
    with pytest.raises(InvalidInput):
        ProfileCollector.validate_target(target)


# --- parsing the saved responses -------------------------------------------------------------


def test_both_bluesky_shapes_parse_to_the_same_account() -> None:
    new, old = _profiles.bluesky_profile(BSKY_2024), _profiles.bluesky_profile(BSKY_2023)
    assert new.account_id == old.account_id == DID
    assert new.handle == old.handle == "shinyakato.dev"
    assert new.display_name == "Shinya Kato 🤯" and old.display_name == "Shinya Kato"
    assert (new.posts, new.followers) == (3358, 4945)
    assert (old.posts, old.followers) == (194, 121)
    assert new.links == ("https://github.com/myConsciousness/atproto.dart",)
    assert "Contrib. bluesky-social/atproto\n\nThe author" in new.bio


def test_mastodon_accounts_parse_with_html_note_and_fields() -> None:
    nate = _profiles.mastodon_profile(MASTODON, "mstdn.social")
    assert (nate.account_id, nate.handle) == ("109479832628602326", "natesilva@mstdn.social")
    assert nate.bio.startswith("This is where I post about #family, local events")
    assert "<" not in nate.bio
    assert nate.links == ("tech posts: https://hachyderm.io/@ns",)
    status, body = _recorded("lookup?acct=mastodonpy_test")
    local = _profiles.mastodon_profile(json.loads(body), "localhost:3000")
    assert status == 200
    assert (local.handle, local.display_name, local.bio) == (
        "mastodonpy_test@localhost:3000",
        "John Lennon",
        "I walk funny",
    )
    assert local.links == ("bread: toasty.", "lasagna: no!!!")


@pytest.mark.parametrize(
    ("text", "counts", "rest"),
    [
        (
            "1,234 Followers, 56 Following, 78 Posts - See Instagram photos and videos from "
            "Jane Doe (@jane.doe)",
            {"followers": 1234, "posts": 78},
            "See Instagram photos and videos from Jane Doe (@jane.doe)",
        ),
        ("12 345 subscribers", {"followers": 12345}, ""),
        ("1.2K Followers. Activist, Baku", {"followers": 1200}, "Activist, Baku"),
        ("Activist since 2012, Baku", {}, "Activist since 2012, Baku"),
    ],
)
def test_counts_are_read_out_of_descriptions(text: str, counts: dict[str, int], rest: str) -> None:
    assert _profiles.read_counts(text) == (counts, rest)


@pytest.mark.parametrize(
    ("display", "matched"),
    [
        ("Gulnara Mehdiyeva", "Gülnarə Mehdiyeva"),
        ("GÜLNARƏ MEHDİYEVA 🌹", "Gülnarə Mehdiyeva"),
        ("Mehdiyeva Gülnare (official)", "Gülnarə Mehdiyeva"),
        ("shinya kato", "Shinya Kato"),
        ("Gülnarə Həsənova", None),
        ("Mehdiyev", None),
        ("Gülnarə", None),
        ("", None),
    ],
)
def test_display_names_match_registered_names(display: str, matched: str | None) -> None:
    assert name_match(display, ["Gülnarə Mehdiyeva", "Shinya Kato"]) == matched


@pytest.mark.parametrize(
    ("before", "after", "wiped"),
    [(3358, 2, True), (20, 10, True), (18, 9, False), (3358, 3300, False), (None, 0, False)],
)
def test_posts_wiped_needs_half_and_ten_posts(before: int | None, after: int, wiped: bool) -> None:
    assert posts_wiped(before, after) is wiped


def test_another_account_behind_the_handle_is_account_gone() -> None:
    mine = _profiles.mastodon_profile(MASTODON, "mstdn.social")
    other = _profiles.mastodon_profile(MASTODON | {"id": "42", "display_name": "X"}, "mstdn.social")
    [change] = changes(mine, other, "mastodon")
    assert (change.signal, change.before) == ("account_gone", "109479832628602326")
    assert "another account (42)" in change.after


# --- Bluesky signals -------------------------------------------------------------------------


async def test_first_check_records_the_baseline_and_an_unchanged_profile_raises_nothing(
    web: LocalWeb,
) -> None:
    target, first = await _watched(web)
    assert first.items == []
    baseline = first.state["baseline"]
    assert baseline["account_id"] == DID and baseline["posts"] == 3358
    assert baseline["avatar_sha256"] is not None and len(baseline["avatar_sha256"]) == 64
    again = await _check(target, first.state)
    assert again.items == []
    assert again.state["baseline"] == baseline
    assert again.state["pending"] == [] and again.state["raised"] == []


async def test_the_bluesky_api_url_setting_is_used(
    web: LocalWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONITOR_BLUESKY_API_URL", web.url("/"))
    _bluesky(web)
    first = await _check("bluesky:shinyakato.dev")
    assert first.state["baseline"]["handle"] == "shinyakato.dev"
    assert web.hits[GET_PROFILE] == 1


async def test_profile_edits_raise_profile_changed_once_each(web: LocalWeb) -> None:
    target, first = await _watched(web)
    description = BSKY_2024["description"] + "\nDonate: https://pay.evil.example/x"
    _bluesky(web, displayName="Official support", description=description)
    _serve_json(
        web,
        GET_PROFILE,
        _derived(web, "/img/new.png", displayName="Official support", description=description),
    )
    changed = await _check(target, first.state)
    signals = _signals(changed)
    assert set(signals) == {
        "profile_changed:display_name",
        "profile_changed:bio",
        "profile_changed:links",
        "profile_changed:avatar",
    }
    name = signals["profile_changed:display_name"]
    assert name.evidence == {
        "field": "display_name",
        "before": "Shinya Kato 🤯",
        "after": "Official support",
    }
    assert (name.kind, name.activist_id, name.severity) == ("account_takeover", 1, "medium")
    assert name.story == "profile:bluesky:shinyakato.dev"
    assert "https://pay.evil.example/x" in signals["profile_changed:links"].evidence["after"]
    avatar = signals["profile_changed:avatar"].evidence
    assert avatar["before_sha256"] != avatar["after_sha256"]
    assert len({i.key for i in changed.items}) == 4
    assert all(i.key.startswith(f"profile_changed:{i.evidence['field']}:") for i in changed.items)
    assert changed.items[0].fetched.status == 200 and b"Official support" in name.fetched.raw
    assert sorted(changed.state["pending"]) == ["avatar", "bio", "display_name", "links"]
    again = await _check(target, changed.state)
    assert again.items == []
    _serve_json(
        web,
        GET_PROFILE,
        _derived(web, "/img/new.png", displayName="Another name", description=description),
    )
    third = await _check(target, again.state)
    assert [i.evidence["after"] for i in third.items] == ["Another name"]


async def test_the_same_picture_at_a_new_url_is_no_change(web: LocalWeb) -> None:
    target, first = await _watched(web)
    web.serve("/cdn2/avatar.png", AVATAR, content_type="image/png")  # the CDN moved
    _serve_json(web, GET_PROFILE, BSKY_2024 | {"avatar": web.url("/cdn2/avatar.png")})
    moved = await _check(target, first.state)
    assert moved.items == []
    assert moved.state["observed"]["avatar_url"] == web.url("/cdn2/avatar.png")


async def test_a_new_handle_on_the_same_did_is_handle_renamed(web: LocalWeb) -> None:
    target, first = await _watched(web)
    _bluesky(web, handle="free-speech-news.bsky.social")
    renamed = await _check(target, first.state)
    [item] = renamed.items
    assert item.signal == "handle_renamed" and item.severity == "high"
    assert item.evidence == {
        "field": "handle",
        "before": "shinyakato.dev",
        "after": "free-speech-news.bsky.social",
    }
    assert item.story == "profile:bluesky:shinyakato.dev"
    last = [r for r in web.requests if r.path == GET_PROFILE][-1]
    assert last.query["actor"] == DID  # after the baseline, the account is asked for by DID


async def test_a_sharp_fall_in_posts_is_posts_wiped_and_a_small_one_is_not(
    web: LocalWeb,
) -> None:
    target, first = await _watched(web)
    _bluesky(web, postsCount=3300)
    assert (await _check(target, first.state)).items == []
    _bluesky(web, postsCount=2)
    [item] = (await _check(target, first.state)).items
    assert item.signal == "posts_wiped"
    assert item.evidence == {"field": "posts", "before": 3358, "after": 2}


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (400, {"error": "InvalidRequest", "message": "Profile not found"}, "not found"),
        (400, {"error": "AccountTakedown", "message": "Account has been suspended"}, "suspended"),
        (400, {"error": "AccountDeactivated", "message": "Account is deactivated"}, "deactivated"),
        (404, {"error": "NotFound"}, "not found"),
        (410, "", "not found"),
    ],
)
async def test_a_vanished_bluesky_account_is_account_gone(
    web: LocalWeb, status: int, body: Any, reason: str
) -> None:
    target, first = await _watched(web)
    _serve_json(web, GET_PROFILE, body, status=status)
    gone = await _check(target, first.state)
    [item] = gone.items
    assert (item.signal, item.severity) == ("account_gone", "high")
    assert item.evidence == {
        "field": "account",
        "before": "present",
        "after": reason,
        "gone_since": item.fetched.fetched_at.isoformat(),
    }
    assert item.text.startswith(f"The account bluesky:shinyakato.dev is gone: {reason} (since ")
    assert item.fetched.status == status
    assert (await _check(target, gone.state)).items == []  # still gone: not raised again


async def test_a_takedown_label_is_account_gone(web: LocalWeb) -> None:
    target, first = await _watched(web)
    label = {"src": "did:plc:moderation", "uri": f"at://{DID}", "val": "!takedown", "cts": "x"}
    _bluesky(web, labels=[label])
    [item] = (await _check(target, first.state)).items
    assert item.signal == "account_gone" and item.evidence["after"] == "taken down"


async def test_an_account_missing_on_its_first_check_is_an_error(web: LocalWeb) -> None:
    _serve_json(web, GET_PROFILE, {"error": "InvalidRequest", "message": "Profile not found"}, 400)
    with pytest.raises(UserError) as error:
        await _check(f"bluesky:shinyakato.dev@{web.url('')}")
    assert error.value.code == "profile_not_found"


# --- acknowledging ---------------------------------------------------------------------------


async def test_an_acknowledged_change_is_not_raised_again(web: LocalWeb) -> None:
    target, first = await _watched(web)
    _bluesky(web, displayName="Shinya (travelling)")
    changed = await _check(target, first.state)
    assert [i.signal for i in changed.items] == ["profile_changed"]
    state, accepted = ProfileCollector.acknowledge(changed.state, datetime.now(UTC))
    assert accepted == ["display_name"]
    assert state["baseline"]["display_name"] == "Shinya (travelling)"
    after = await _check(target, state)
    assert after.items == [] and after.state["pending"] == []
    _bluesky(web)  # back to the old name: a change against the accepted baseline
    [back] = (await _check(target, after.state)).items
    assert back.evidence["before"] == "Shinya (travelling)"
    assert back.key != changed.items[0].key


async def test_acknowledge_refuses_without_a_profile_to_accept(web: LocalWeb) -> None:
    now = datetime.now(UTC)
    with pytest.raises(InvalidInput, match="not been checked"):
        ProfileCollector.acknowledge({}, now)
    target, first = await _watched(web)
    _serve_json(web, GET_PROFILE, {"error": "AccountTakedown"}, status=400)
    gone = await _check(target, first.state)
    with pytest.raises(InvalidInput, match="gone"):
        ProfileCollector.acknowledge(gone.state, now)


# --- Mastodon --------------------------------------------------------------------------------

LOOKUP = "/api/v1/accounts/lookup"
RECORDED_ID = "117020565966271181"


def _mastodon(web: LocalWeb, **changes: Any) -> str:
    """Serve the recorded lookup answer (derived with `changes`); return the target."""
    _, body = _recorded("lookup?acct=mastodonpy_test")
    _serve_json(web, LOOKUP, json.loads(body) | changes)
    _serve_json(web, "/api/v2/search", {"accounts": [], "statuses": [], "hashtags": []})
    return f"mastodon:mastodonpy_test@localhost:3000@{web.url('')}"


async def test_mastodon_record_not_found_is_account_gone(web: LocalWeb) -> None:
    target = _mastodon(web)
    first = await _check(target)
    assert first.items == [] and first.state["baseline"]["account_id"] == RECORDED_ID
    status, body = _recorded("lookup?acct=kljadklajsdkljlkjlkjlkjasdasd")
    _serve_json(web, LOOKUP, body, status=status)
    _serve_json(web, f"/api/v1/accounts/{RECORDED_ID}", body, status=status)
    [item] = (await _check(target, first.state)).items
    assert item.signal == "account_gone" and item.fetched.raw == b'{"error":"Record not found"}'
    assert web.hits[f"/api/v1/accounts/{RECORDED_ID}"] == 1  # asked whether it was renamed


async def test_mastodon_rename_is_found_through_the_account_id(web: LocalWeb) -> None:
    target = _mastodon(web)
    first = await _check(target)
    _, body = _recorded("lookup?acct=mastodonpy_test")
    renamed = json.loads(body) | {"acct": "someone_else", "username": "someone_else"}
    _serve_json(web, LOOKUP, {"error": "Record not found"}, status=404)
    _serve_json(web, f"/api/v1/accounts/{RECORDED_ID}", renamed)
    [item] = (await _check(target, first.state)).items
    assert item.signal == "handle_renamed"
    assert item.evidence["after"] == "someone_else@localhost:3000"


async def test_mastodon_suspension_fields_and_statuses(web: LocalWeb) -> None:
    target = _mastodon(web, statuses_count=120)
    first = await _check(target)
    fields = [{"name": "bread", "value": '<a href="https://phish.example">win</a>'}]
    _mastodon(web, statuses_count=3, fields=fields)
    signals = _signals(await _check(target, first.state))
    assert set(signals) == {"profile_changed:links", "posts_wiped:posts"}
    assert signals["profile_changed:links"].evidence["after"] == [
        "bread: win (https://phish.example)"
    ]
    _mastodon(web, suspended=True)
    [gone] = (await _check(target, first.state)).items
    assert gone.evidence["after"] == "suspended"


# --- impersonation ---------------------------------------------------------------------------


def _actor(web: LocalWeb, did: str, handle: str, name: str, avatar: str) -> dict[str, Any]:
    """A search result derived from the saved profile (a ProfileView has the same fields)."""
    return copy.deepcopy(BSKY_2024) | {
        "did": did,
        "handle": handle,
        "displayName": name,
        "avatar": web.url(avatar),
    }


async def test_impersonators_are_found_once_by_name_or_avatar(web: LocalWeb) -> None:
    own = _bluesky(web)
    web.serve("/img/copied.png", AVATAR, content_type="image/png")
    web.serve("/img/other.png", OTHER_AVATAR, content_type="image/png")
    actors = [
        own,
        _actor(web, "did:plc:registered", "gm.bsky.social", "Gülnarə Mehdiyeva", "/img/other.png"),
        _actor(
            web, "did:plc:byname", "gulnara-m.bsky.social", "GULNARA Mehdiyeva", "/img/other.png"
        ),
        _actor(web, "did:plc:byavatar", "fan-page.bsky.social", "Fan page", "/img/copied.png"),
        _actor(
            web, "did:plc:namesake", "gulnare.bsky.social", "Gülnarə Həsənova", "/img/other.png"
        ),
    ]
    _serve_json(web, SEARCH_ACTORS, {"actors": actors})
    target = f"bluesky:shinyakato.dev@{web.url('')}"
    first = await _check(target)
    found = {i.evidence["impersonator"]: i for i in first.items}
    assert set(found) == {"gulnara-m.bsky.social", "fan-page.bsky.social"}
    by_name, by_avatar = found["gulnara-m.bsky.social"], found["fan-page.bsky.social"]
    assert by_name.kind == "impersonation" and by_name.activist_id == 1
    assert by_name.evidence["matched"] == ["name"] and by_name.severity == "medium"
    assert by_name.evidence["registered_name"] == "Gülnarə Mehdiyeva"
    assert by_name.story == "impersonation:bluesky:gulnara-m.bsky.social"
    assert by_avatar.evidence["matched"] == ["avatar"] and by_avatar.severity == "high"
    assert by_avatar.url == "https://bsky.app/profile/fan-page.bsky.social"
    searched = sorted(r.query["q"] for r in web.requests if r.path == SEARCH_ACTORS)
    assert searched == ["Gülnarə Mehdiyeva", "Shinya Kato"]
    fetched_avatars = web.hits["/img/other.png"]
    again = await _check(target, first.state)
    assert again.items == []
    assert web.hits["/img/other.png"] == fetched_avatars  # compared avatars are not refetched


async def test_mastodon_account_search_finds_an_impersonator(web: LocalWeb) -> None:
    target = _mastodon(web)
    _, body = _recorded("lookup?acct=mastodonpy_test")
    fake = json.loads(body) | {
        "id": "1",
        "acct": "shinya_kato_official@evil.example",
        "display_name": "Shinya KATO",
        "url": "https://evil.example/@shinya_kato_official",
    }
    _serve_json(web, "/api/v2/search", {"accounts": [fake], "statuses": [], "hashtags": []})
    [item] = (await _check(target)).items
    assert item.evidence["impersonator"] == "shinya_kato_official@evil.example"
    assert item.url == "https://evil.example/@shinya_kato_official"
    accounts = [r for r in web.requests if r.path == "/api/v2/search"]
    assert accounts and all(r.query["type"] == "accounts" for r in accounts)


# --- page platforms --------------------------------------------------------------------------

INSTAGRAM = """<!DOCTYPE html><html><head>
<meta property="og:title" content="{name} (@jane.doe) • Instagram photos and videos">
<meta property="og:description" content="{followers} Followers, 56 Following, {posts} Posts -
 See Instagram photos and videos from {name} (@jane.doe)">
<meta property="og:image" content="{avatar}">
</head><body><div id="root"></div></body></html>"""

TELEGRAM = """<!DOCTYPE html><html><head>
<meta property="og:title" content="Telegram: Contact @jane_doe"></head><body><div class="tgme_page">
<div class="tgme_page_photo"><img class="tgme_page_photo_image" src="{avatar}"></div>
<div class="tgme_page_title"><span dir="auto">{name}</span></div>
<div class="tgme_page_extra">@jane_doe</div>
<div class="tgme_page_description">{bio}</div>
</div></body></html>"""

TELEGRAM_NO_ACCOUNT = """<!DOCTYPE html><html><head>
<meta property="og:title" content="Telegram: Contact @jane_doe"></head><body>
<div class="tgme_page"><div class="tgme_page_description">If you have <strong>Telegram</strong>,
you can contact <a class="tgme_username_link" href="tg://resolve?domain=jane_doe">@jane_doe</a>
right away.</div></div></body></html>"""


def _instagram(
    web: LocalWeb, name: str = "Jane Doe", followers: str = "1,234", posts: int = 78
) -> str:
    web.serve("/cdn/jane.jpg", AVATAR, content_type="image/jpeg")
    # a signed CDN URL that differs on every visit, as Instagram's do
    avatar = web.url(f"/cdn/jane.jpg?sig={web.hits['/jane.doe/']}")
    page = INSTAGRAM.format(name=name, followers=followers, posts=posts, avatar=avatar)
    web.serve("/jane.doe/", page)
    return f"instagram:jane.doe@{web.url('/jane.doe/')}"


async def test_instagram_page_metadata(web: LocalWeb) -> None:
    target = _instagram(web)
    first = await _check(target)
    baseline = first.state["baseline"]
    assert (baseline["display_name"], baseline["posts"], baseline["followers"]) == (
        "Jane Doe (@jane.doe) • Instagram photos and videos",
        78,
        1234,
    )
    assert baseline["bio"] == "See Instagram photos and videos from Jane Doe (@jane.doe)"
    _instagram(web, followers="1,301")  # new followers, new avatar URL, same picture
    assert (await _check(target, first.state)).items == []
    _instagram(web, name="Deleted page", posts=0)
    signals = _signals(await _check(target, first.state))
    assert set(signals) == {
        "profile_changed:display_name",
        "profile_changed:bio",
        "posts_wiped:posts",
    }
    assert signals["posts_wiped:posts"].url == web.url("/jane.doe/")
    web.serve(
        "/jane.doe/", "<html><body>Sorry, this page isn't available.</body></html>", status=404
    )
    [gone] = (await _check(target, first.state)).items
    assert gone.signal == "account_gone" and gone.story == "profile:instagram:jane.doe"


async def test_telegram_page_blocks(web: LocalWeb) -> None:
    web.serve("/tg/avatar.jpg", AVATAR, content_type="image/jpeg")
    avatar = web.url("/tg/avatar.jpg")
    bio = 'Activist. <a href="https://jane.example/">jane.example</a>'
    web.serve("/jane_doe", TELEGRAM.format(avatar=avatar, name="Jane Doe", bio=bio))
    target = f"telegram:jane_doe@{web.url('/jane_doe')}"
    first = await _check(target)
    assert first.items == []
    assert first.state["baseline"]["links"] == ["https://jane.example/"]
    assert first.state["baseline"]["avatar_sha256"] is not None
    moved = 'Now at <a href="https://t.me/jane_doe_new">@jane_doe_new</a>'
    web.serve("/jane_doe", TELEGRAM.format(avatar=avatar, name="Jane Doe", bio=moved))
    signals = _signals(await _check(target, first.state))
    assert set(signals) == {"profile_changed:bio", "profile_changed:links"}
    assert signals["profile_changed:bio"].evidence["after"] == "Now at @jane_doe_new"
    web.serve("/jane_doe", TELEGRAM_NO_ACCOUNT)
    [gone] = (await _check(target, first.state)).items
    assert gone.signal == "account_gone"


# --- end to end ------------------------------------------------------------------------------


def test_cli_end_to_end_one_account_takeover_incident(
    monitor_cli: Cli, web: LocalWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONITOR_BLUESKY_API_URL", web.url(""))
    _bluesky(web)
    activist = monitor_cli.json(
        "activist", "add", "Shinya Kato", "--handle", "bluesky:shinyakato.dev"
    )["id"]
    source = monitor_cli.json(
        "source", "add", "profile", "bluesky:shinyakato.dev", "--activist", str(activist)
    )["id"]
    first = monitor_cli.json("collect", "--once", "--all")
    assert (first["failed"], first["sightings"]) == (0, 0)
    assert monitor_cli.json("incidents") == []
    _bluesky(web, displayName="Free speech news", handle="free-speech-news.bsky.social")
    second = monitor_cli.json("collect", "--once", "--all")
    assert (second["failed"], second["sightings"]) == (0, 2)
    [incident] = monitor_cli.json("incidents")
    assert incident["kind"] == "account_takeover" and incident["activist_id"] == activist
    assert incident["sightings"] == 2 and incident["severity"] == "high"
    assert "account-takeover" in incident["playbooks"]
    assert incident["urls"] == ["https://bsky.app/profile/free-speech-news.bsky.social"]
    ack = monitor_cli.json("source", "ack", str(source))
    assert sorted(ack["accepted"]) == ["display_name", "handle"]
    third = monitor_cli.json("collect", "--once", "--all")
    assert (third["failed"], third["sightings"]) == (0, 0)
    _bluesky(web, displayName="Shinya Kato", handle="free-speech-news.bsky.social")
    fourth = monitor_cli.json("collect", "--once", "--all")
    assert (fourth["failed"], fourth["sightings"]) == (0, 1)  # compared with the accepted one
    [incident] = monitor_cli.json("incidents")
    assert incident["sightings"] == 3
    assert monitor_cli("source", "ack", "999").exit_code != 0
