#!/usr/bin/env bash
# The GPU check: what a lent GPU machine runs, in under 8 minutes, from a fresh copy of the
# repository with only the machine's own Python packages (nothing is installed: the package is
# read from src/ through PYTHONPATH, and parts whose modules are missing are skipped and say so).
#
#   bash benchmarks/gpu_check.sh          # on the GPU machine: writes $OUT/gpu_check.json
#   GPU_CHECK_BUDGET=1500 bash benchmarks/gpu_check.sh --cpu   # small sizes on a CPU (dry run)
#
# Parts (benchmarks/gpu_check.py): env, the gpu-marked tests, torch K-means on CUDA against the
# CPU / numpy / scikit-learn and against its GEMM bound at the paper's size, the paper-scale
# probe rounds (reduced) with their estimates, and a two-process DDP probe smoke test. Each part
# runs in its own process with its own timeout; failures are recorded in the JSON, which is
# rewritten after every part. Without $OUT the JSON goes to ./gpu_check.json.
set -u
cd "$(dirname "$0")/.." || exit 1
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
export WANDB_MODE=offline TOKENIZERS_PARALLELISM=false
python=${PYTHON:-$(command -v python3 || command -v python)}
out="${OUT:-$PWD}/gpu_check.json"
mkdir -p "$(dirname "$out")"
# 450 s for the parts (GPU_CHECK_BUDGET), 20 s of grace, then everything is killed: never
# more than 8 minutes.
budget=${GPU_CHECK_BUDGET:-450}
timeout -k 10 $((budget + 20)) "$python" benchmarks/gpu_check.py --out "$out" --budget "$budget" "$@"
rc=$?
if [ ! -s "$out" ]; then
    printf '{"status": "failed", "error": "gpu_check.py wrote no JSON (exit %s)"}\n' "$rc" >"$out"
fi
echo "gpu_check: exit $rc, results in $out"
