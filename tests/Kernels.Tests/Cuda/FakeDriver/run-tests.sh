#!/usr/bin/env bash
# Builds fake_libcuda.c into a temporary libcuda.so.1 and runs the Kernels.Tests CUDA tests against it, so the
# GPU-only tests run (against the stand-in) on a machine without a GPU. Needs gcc. Prints the leak report.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -shared -fPIC -O1 -o "$work/libcuda.so.1" "$here/fake_libcuda.c"
export LD_LIBRARY_PATH="$work${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" FAKECUDA_REPORT="$work/report.txt"
ptxas="${ENGINE_PTXAS:-$root/.tools/cuda/usr/bin/ptxas}"
ENGINE_PTXAS="$ptxas" dotnet test "$root/tests/Kernels.Tests" --filter "FullyQualifiedName~Kernels.Tests.Cuda" -v q "$@"
cat "$work/report.txt"
grep -q "mem=0 host=0 mod=0 stream=0 event=0 ctx=0 primary_refs=0" "$work/report.txt"
