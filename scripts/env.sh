# Sourced by demo.sh and test.sh: make (or reuse) the project's virtual environment.
# Usage: . scripts/env.sh [fresh]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-python3}
if [ "${1:-}" = fresh ] || [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PY" -m venv --clear .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
# Build tools and the test/optional dependencies, pinned loosely in pyproject.toml.
.venv/bin/python -m pip install --quiet "maturin>=1.9.4,<2" "numpy>=1.24" "pandas>=2.0" "pytest>=8" "mypy>=1.10" "pandas-stubs" "matplotlib>=3.7" "polars>=1.0" "pyarrow>=15" "dask[distributed]>=2024.1" "hypothesis>=6.100" "nbformat>=5.9" "nbclient>=0.10" "ipykernel>=6.29" \
  "mkdocs>=1.6" "mkdocs-material>=9.5" "mkdocstrings[python]>=0.26" "markdown-exec>=1.9"
# Headless Chromium for the report's browser test (Debian's package; skipped where it cannot install).
if [ "${CHIPMODEL_BROWSER:-}" = 1 ] && ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "==> installing chromium (browser test of the HTML report)"
  { timeout 300 apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1 ||
    { timeout 300 apt-get update -q >/dev/null 2>&1 && timeout 300 apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1; }; } ||
    echo "    chromium could not be installed: the browser tests will fail (CHIPMODEL_BROWSER=0 skips them)"
fi
export PATH="$PWD/.venv/bin:$PATH"
export VIRTUAL_ENV="$PWD/.venv"
