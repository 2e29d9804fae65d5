#!/usr/bin/env bash
# The engine and analysis numerics tests under the configurations whose sums differ: OpenBLAS on
# one thread and on three (whatever the machine's core count), and the portable kernel. A test
# that holds on one of them only (an exact comparison across thread counts) fails here.
set -euo pipefail
cd "$(dirname "$0")/.."
suites=(test/unit/engine test/unit/analysis)
for config in OPENBLAS_NUM_THREADS=1 OPENBLAS_NUM_THREADS=3 WORKBENCH_GEMM=portable; do
  echo "numerics tests with ${config}"
  env "${config}" npx vitest run --project unit "${suites[@]}"
done
