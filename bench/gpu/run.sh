#!/usr/bin/env bash
# Run ON THE DEVICE machine (after bench/gpu/publish.sh here): everything that needs a GPU, in one call of a few
# minutes, results under $OUT (at most 8 files come back):
#   selftest.log         engine kernels --self-test --device cuda (every self-test kernel on the GPU)
#   gpu-bandwidth.md     C# copy kernel and ILGPU CopyTo vs torch copy_, launch latency plain vs CUDA graph
#   radix-select-cuda.md our radix select vs ILGPU.Algorithms radix sort on the GPU
#   device.txt           nvidia-smi
#   sampler-sweep-cuda.md/.svg  the device sampler chain per sampler at batch 1/16/64/128 x vocab 32k/128k/152k,
#                        beside PyTorch top-k/top-p on the same GPU (block "sampsel" below)
#   attention-cuda.md    paged attention (decode, chunked prefill) at 1k/8k/32k vs torch scaled_dot_product_attention
# Each step has its own time limit so one hang cannot eat the call. Spend a device call on it as soon as one is lent.
set -uo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-/tmp/gpu-out}"; mkdir -p "$out"
rm -rf /tmp/app && tar -C /tmp -xJf .gpu/app.tar.xz
export ENGINE_APP=/tmp/app
nvidia-smi > "$out/device.txt" 2>&1
status=0
timeout 180 /tmp/app/engine kernels --self-test --device cuda > "$out/selftest.log" 2>&1 || status=1
timeout 240 bash bench/Kernels/run-gpu-bandwidth.sh > "$out/bandwidth.log" 2>&1 || status=1
cp bench/results/gpu-bandwidth.md bench/results/radix-select-cuda.md "$out/" 2>/dev/null
# --- begin sampsel (issue 12): device sampler sweep beside the PyTorch yardstick, same GPU, same call ---------------
timeout 150 python3 bench/SamplerSweep/torch_sampler_sweep.py > /tmp/torch-sampler-sweep.jsonl 2> "$out/sampler-sweep.log" \
  || echo "sampler-sweep: the PyTorch yardstick failed; the table will lack its columns" >> "$out/sampler-sweep.log"
timeout 240 /tmp/app/Bench sampler-sweep --device cuda --torch /tmp/torch-sampler-sweep.jsonl >> "$out/sampler-sweep.log" 2>&1 || status=1
cp bench/results/sampler-sweep-cuda.md bench/results/sampler-sweep-cuda.svg "$out/" 2>/dev/null
# --- end sampsel --------------------------------------------------------------------------------------------------
# ---- attention (issue 11): torch SDPA yardstick first, then ours beside it -> attention-cuda.md ----
timeout 150 python3 bench/Attention/torch_attention.py > /tmp/torch-attention.jsonl 2> "$out/attention-torch.log" || status=1
timeout 150 /tmp/app/Bench attention --torch /tmp/torch-attention.jsonl > "$out/attention.log" 2>&1 || status=1
cp bench/results/attention-cuda.md "$out/" 2>/dev/null
# ---- end attention ----
tail -n 5 "$out"/*.log
exit $status
