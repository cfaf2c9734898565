"""A registration: the ways an activist can be named or reached, validated as a whole.

Pure logic. `validate` turns raw CLI or form input into canonical identifiers, or raises
`InvalidInput` for the first bad value, before anything touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from monitor import identifiers
from monitor.errors import InvalidInput
from monitor.matching import Registration
from monitor.models import LANGUAGES


@dataclass(frozen=True)
class Ident:
    """One canonical identifier: `type` from models.IDENTIFIER_TYPES, `platform` for handles."""

    type: str
    value: str
    platform: str | None = None

    @property
    def label(self) -> str:
        return f"{self.platform}:{self.value}" if self.platform else self.value

    @property
    def lookup_namespace(self) -> str:
        return f"{self.type}:{self.platform}" if self.platform else self.type


# Identifiers that belong to one person: registering one twice is refused.
PERSONAL_TYPES = frozenset({"handle", "email", "phone"})


@dataclass(frozen=True)
class RegistrationInput:
    """What a person typed; nothing is trusted yet."""

    name: str
    aliases: tuple[str, ...] = ()
    nicknames: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    lang: str = "en"


@dataclass(frozen=True)
class ValidRegistration:
    name: str
    lang: str
    idents: tuple[Ident, ...] = field(default=())


def validate(raw: RegistrationInput) -> ValidRegistration:
    name = identifiers.normalize_name(raw.name)
    lang = validate_lang(raw.lang)
    idents = [Ident("name", name)]
    idents += [Ident("alias", identifiers.normalize_name(a)) for a in raw.aliases]
    idents += [Ident("nickname", identifiers.normalize_name(n)) for n in raw.nicknames]
    for text in raw.handles:
        platform, handle = identifiers.parse_handle(text)
        idents.append(Ident("handle", handle, platform))
    idents += [Ident("email", identifiers.normalize_email(e)) for e in raw.emails]
    idents += [Ident("phone", identifiers.normalize_phone(p)) for p in raw.phones]
    idents += [Ident("domain", identifiers.normalize_domain(d)) for d in raw.domains]
    return ValidRegistration(name, lang, tuple(dict.fromkeys(idents)))


def validate_lang(lang: str) -> str:
    code = lang.strip().lower()
    if code not in LANGUAGES:
        raise InvalidInput(
            f"Language {lang!r} is not supported; use one of {', '.join(LANGUAGES)}."
        )
    return code


def to_registration(activist_id: int, idents: tuple[Ident, ...]) -> Registration:
    """What the matcher needs to know about one activist."""

    def values(type_: str) -> tuple[str, ...]:
        return tuple(i.value for i in idents if i.type == type_)

    return Registration(
        activist_id=activist_id,
        names=values("name") + values("alias"),
        nicknames=values("nickname"),
        handles=tuple((i.platform or "", i.value) for i in idents if i.type == "handle"),
        emails=values("email"),
        phones=values("phone"),
        domains=values("domain"),
    )
