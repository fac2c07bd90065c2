#!/usr/bin/env bash
# Create (or reuse) a virtual environment with xlprobe and its dev tools: `bash scripts/setup.sh
# [VENV_DIR]` (default .venv). Torch is installed first and pinned (XLPROBE_TORCH overrides the
# version): a bare `torch` requirement on a machine without torch pulls several GB of CUDA
# packages.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-.venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "torch==${XLPROBE_TORCH:-2.13.0}"
"$venv/bin/python" -m pip install --quiet -e ".[dev]"
echo "xlprobe installed in $venv"
