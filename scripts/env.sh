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
.venv/bin/python -m pip install --quiet "maturin>=1.9.4,<2" "numpy>=1.24" "pandas>=2.0" "pytest>=8" "mypy>=1.10" "pandas-stubs" "matplotlib>=3.7" "nbformat>=5.9" "nbclient>=0.10" "ipykernel>=6.29" \
  "mkdocs>=1.6" "mkdocs-material>=9.5" "mkdocstrings[python]>=0.26"
export PATH="$PWD/.venv/bin:$PATH"
export VIRTUAL_ENV="$PWD/.venv"
