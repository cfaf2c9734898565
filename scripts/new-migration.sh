#!/usr/bin/env bash
# Write a new alembic revision from the difference between the models and the newest revision.
# Usage: scripts/new-migration.sh "add subscriptions"   (review the file it writes before use)
set -euo pipefail
cd "$(dirname "$0")/.."
message=${1:?usage: scripts/new-migration.sh "what changed"}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
.venv/bin/python - "$message" "$scratch/scratch.db" <<'PY'
import sys

from alembic import command

from monitor import db, schema

message, path = sys.argv[1], sys.argv[2]
engine = db.create_engine(path)
schema.upgrade(engine)
config = schema._alembic_config()
with engine.begin() as connection:
    config.attributes["connection"] = connection
    existing = schema.MIGRATIONS.joinpath("versions").glob("[0-9][0-9][0-9][0-9]_*.py")
    number = max((int(p.name[:4]) for p in existing), default=0) + 1
    command.revision(config, message=message, autogenerate=True, rev_id=f"{number:04d}")
PY
