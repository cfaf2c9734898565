#!/usr/bin/env bash
# The test command: install, lint, then the whole pytest suite (PostgreSQL tests included when
# MONITOR_TEST_PG is set; .ci/run sets it). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/setup-system.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy monitor
set +e
.venv/bin/pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating as failure" >&2
  exit 1
fi
exit "$status"
