#!/usr/bin/env bash
# The first command of the README: install into .venv, then run the demo (arguments go to
# `monitor demo`, e.g. --serve).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/monitor demo "$@"
