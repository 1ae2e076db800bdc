#!/usr/bin/env bash
# Install what the tests need, then run them. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
python -m pytest -q -p no:cacheprovider tests "$@"
