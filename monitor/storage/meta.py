"""Installation facts kept in clear in the `meta` table (key check, KDF parameters)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitor.models import Meta


def get(engine: Engine, name: str) -> str | None:
    with Session(engine) as session:
        row = session.get(Meta, name)
        return None if row is None else row.value


def put(engine: Engine, values: dict[str, str]) -> None:
    with Session(engine) as session:
        for name, value in values.items():
            session.merge(Meta(name=name, value=value))
        session.commit()
