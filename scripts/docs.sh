#!/usr/bin/env bash
# Regenerate the cog sections of the documentation (CLI reference, settings table).
set -euo pipefail
cd "$(dirname "$0")/.."
COLUMNS=100 .venv/bin/cog -r -I docs docs/cli.md docs/configuration.md
