#!/usr/bin/env bash
# Install what the tests need, then run them. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
# Debian packages the tests need (chromium; postgresql in CI), installed only when missing; in CI
# (CI=true) or with GIAMNGHEO_PG=1 also a throwaway PostgreSQL for the store's tests, stopped on exit.
source scripts/ci_services.sh
# the linter (settings in pyproject.toml) before the tests
python -m ruff check .
python -m pytest -q -p no:cacheprovider tests "$@"
