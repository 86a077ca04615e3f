#!/usr/bin/env bash
# Run ON THE DEVICE machine (after bench/gpu/publish.sh here): everything that needs a GPU, in one call. The device
# tool brings back at most 8 files, so $OUT gets three:
#   selftest.log     engine kernels --self-test --device cuda (every self-test kernel on the GPU)
#   run.log          nvidia-smi, then every other step's output, in order
#   results.tar.gz   the bench/results files the steps wrote (untar at the checkout's root, then commit):
#     gemm-cuda.md           prefill GEMM (tensor cores): correctness on the GPU first, then m = 16..4096 vs
#                            torch.matmul and our GEMV (issue 11)
#     cuda-decode.md         decode tok/s of an 8B-shaped bf16 model at batch 1/8/32/64 vs the measured HBM
#                            roofline and eager PyTorch (issue 11)
#     attention-cuda.md      paged attention (decode, chunked prefill) at 1k/8k/32k vs torch SDPA (issue 11)
#     sampler-sweep-cuda.md/.svg  the device sampler chain at batch 1/16/64/128 x vocab 32k/128k/152k beside
#                            PyTorch top-k/top-p (issue 12)
#     gpu-bandwidth.md       C# copy kernel and ILGPU CopyTo vs torch copy_, launch latency plain vs CUDA graph
#     radix-select-cuda.md   our radix select vs ILGPU.Algorithms radix sort on the GPU
# Each step has its own time limit, cut to what is left of DEADLINE_S (default 540 s, under the tool's 600 s per
# command), so one hang cannot eat the call and the results so far still come back. Yardsticks run beside ours in
# the same call. Spend a device call on it as soon as one is lent.
set -uo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-/tmp/gpu-out}"; mkdir -p "$out"
log="$out/run.log"
deadline=$((SECONDS + ${DEADLINE_S:-540}))
status=0
# step LIMIT_S COMMAND...: runs COMMAND with its output appended to run.log, for at most LIMIT_S seconds (less near the deadline)
step() {
  local limit=$1; shift
  local left=$((deadline - SECONDS))
  [ "$left" -lt "$limit" ] && limit=$left
  if [ "$limit" -le 5 ]; then echo "== skipped (deadline): $*" >> "$log"; status=1; return; fi
  echo "== $(date -u +%H:%M:%S) [${limit}s] $*" >> "$log"
  timeout "$limit" "$@" >> "$log" 2>&1 || { echo "== failed ($?): $*" >> "$log"; status=1; }
}
marker=/tmp/gpu-run-start; touch "$marker"   # only results this run wrote go into results.tar.gz
rm -rf /tmp/app && tar -C /tmp -xJf .gpu/app.tar.xz
export ENGINE_APP=/tmp/app
nvidia-smi > "$log" 2>&1
timeout 150 /tmp/app/engine kernels --self-test --device cuda > "$out/selftest.log" 2>&1 || status=1
# ---- gemm (issue 11): torch.matmul yardstick first, then ours beside it -> gemm-cuda.md ----
step 60 bash -c 'python3 bench/Gemm/torch_gemm.py > /tmp/torch-gemm.jsonl'
step 90 /tmp/app/Bench gemm --torch /tmp/torch-gemm.jsonl
# ---- cuda-decode (issue 11): eager PyTorch on the same shapes first, then ours with the roofline -> cuda-decode.md ----
step 120 bash -c 'python3 bench/CudaDecode/torch_decode.py > /tmp/torch-decode.jsonl'
step 150 /tmp/app/Bench cuda-decode --torch /tmp/torch-decode.jsonl
# ---- attention (issue 11): torch SDPA yardstick first, then ours beside it -> attention-cuda.md ----
step 90 bash -c 'python3 bench/Attention/torch_attention.py > /tmp/torch-attention.jsonl'
step 100 /tmp/app/Bench attention --torch /tmp/torch-attention.jsonl
# ---- sampsel (issue 12): device sampler sweep beside the PyTorch yardstick, same GPU ----
step 90 bash -c 'python3 bench/SamplerSweep/torch_sampler_sweep.py > /tmp/torch-sampler-sweep.jsonl'
step 150 /tmp/app/Bench sampler-sweep --device cuda --torch /tmp/torch-sampler-sweep.jsonl
# ---- bandwidth and radix select (kernel layer) ----
step 150 bash bench/Kernels/run-gpu-bandwidth.sh
files=()
for f in gemm-cuda.md cuda-decode.md attention-cuda.md sampler-sweep-cuda.md sampler-sweep-cuda.svg gpu-bandwidth.md radix-select-cuda.md; do
  [ "bench/results/$f" -nt "$marker" ] && files+=("bench/results/$f")
done
[ ${#files[@]} -gt 0 ] && tar -czf "$out/results.tar.gz" "${files[@]}"
echo "== results.tar.gz: ${files[*]:-none}" >> "$log"
tail -n 30 "$log"
exit $status
