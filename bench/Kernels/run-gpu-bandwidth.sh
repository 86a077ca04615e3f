#!/usr/bin/env bash
# Everything the kernel layer needs a GPU for, in one call (meant for a lent device, ~5 minutes):
#   1. engine kernels --self-test --device cuda  (every self-test kernel on the GPU, non-zero on a mismatch)
#   2. the Kernels.Tests CUDA facts and theories (the same kernels over the test sizes, plus the CPU ones)
#   3. bandwidth: the ILGPU-compiled C# copy kernel and ILGPU CopyTo (cuMemcpyDtoD), launch latency plain vs
#      CUDA graph, beside PyTorch's copy_ when torch is installed
#   4. radix-select --device cuda: our radix select vs ILGPU.Algorithms radix sort on the GPU
# Writes bench/results/gpu-bandwidth.md (device, date, commands, table) and bench/results/radix-select-cuda.md;
# the logs of 1 and 2 go to bench/results/gpu-selftest.log.
# With the .NET 10 SDK on the machine it builds and runs from source. On a machine without .NET (the lent device),
# set ENGINE_APP to the unpacked output of bench/gpu/publish.sh (bench/gpu/run.sh does): the published `engine` and
# bench run instead, and step 2 (xunit needs the SDK) is skipped, saying so.
# Usage: bash bench/Kernels/run-gpu-bandwidth.sh   (env: SIZES_MB=64,128,256,512,1024 ITERS=20 ENGINE_APP=DIR)
set -uo pipefail
cd "$(dirname "$0")/../.."

sizes="${SIZES_MB:-64,128,256,512,1024}"
iters="${ITERS:-20}"
out=bench/results/gpu-bandwidth.md
log=bench/results/gpu-selftest.log
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0

if [ -n "${ENGINE_APP:-}" ]; then
  engine=("$ENGINE_APP/engine")
  bench=("$ENGINE_APP/Bench")
else
  dotnet build Engine.sln -c Release -nologo -v q >&2 || exit 1
  engine=(dotnet run -c Release --no-build --project src/Server --)
  bench=(dotnet run -c Release --no-build --project bench --)
fi
{
  echo "== engine kernels --self-test --device cuda"
  "${engine[@]}" kernels --self-test --device cuda || status=1
  echo "== Kernels.Tests (CPU and CUDA)"
  if [ -n "${ENGINE_APP:-}" ]; then
    echo "skipped: no .NET SDK here (published binaries only); the self-test above covers the kernels on CUDA"
  else
    dotnet test tests/Kernels.Tests -c Release --no-build -nologo -v q || status=1
  fi
} 2>&1 | tee "$log"

csharp_cmd=("${bench[@]}" bandwidth --sizes-mb "$sizes" --iters "$iters")
torch_cmd=(python3 bench/Kernels/torch_copy_bandwidth.py --sizes-mb "$sizes" --iters "$iters")
"${csharp_cmd[@]}" > "$work/csharp.jsonl" || status=1
if ! "${torch_cmd[@]}" > "$work/torch.jsonl" 2> "$work/torch.err"; then
  echo "run-gpu-bandwidth: PyTorch run failed, the table will lack its column:" >&2
  cat "$work/torch.err" >&2
  rm -f "$work/torch.jsonl"
fi
"${bench[@]}" radix-select --device cuda --repeat 20 || status=1

gpu="$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -n 1 || echo unknown)"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
python3 - "$work" "$out" "$gpu" "$cpu" "$(nproc)" "$(cat /proc/loadavg)" "${csharp_cmd[*]}" "${torch_cmd[*]}" <<'PY'
import datetime, json, pathlib, sys
work, out, gpu, cpu, nproc, load, csharp_cmd, torch_cmd = sys.argv[1:]
runs = []
for name in ("csharp.jsonl", "torch.jsonl"):
    path = pathlib.Path(work, name)
    if path.exists():
        runs += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
latency = next((r for r in runs if r.get("impl") == "launch-latency"), None)
copies = [r for r in runs if "results" in r]
by_impl = {r["impl"]: {x["bytes"]: x for x in r["results"]} for r in copies}
sizes = sorted({b for table in by_impl.values() for b in table})
impls = list(by_impl)
torch_version = next((r.get("torch") for r in runs if r.get("torch")), "not run")
lines = [
    "# GPU copy bandwidth and launch latency: the ILGPU kernel layer vs PyTorch",
    "",
    f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
    f"- GPU: {gpu}",
    f"- Host: {cpu}, {nproc} cores, load average {load}; PyTorch {torch_version}",
    f"- Commands: `{csharp_cmd}` and `{torch_cmd}` (both from `bash bench/Kernels/run-gpu-bandwidth.sh`)",
    "- GB/s counts read + write: 2 x bytes / time / 1e9, mean over the timed iterations.",
    "",
    "| size (MiB) | " + " | ".join(f"{i} GB/s" for i in impls) + " | ilgpu copy / torch | CopyTo / torch |",
    "|---:|" + "---:|" * len(impls) + "---:|---:|",
]
for b in sizes:
    cells = [f"{by_impl[i][b]['gbps']:.1f}" if b in by_impl[i] else "-" for i in impls]
    theirs = by_impl.get("torch-copy_", {}).get(b)
    ratios = []
    for impl in ("csharp-ilgpu-copy", "csharp-ilgpu-CopyTo"):
        ours = by_impl.get(impl, {}).get(b)
        ratios.append(f"{ours['gbps'] / theirs['gbps']:.2f}" if ours and theirs else "-")
    lines.append(f"| {b >> 20} | " + " | ".join(cells) + f" | {ratios[0]} | {ratios[1]} |")
if latency:
    lines += ["", f"Launch latency ({latency['launches_per_step']} launches of a 1-group kernel per step): "
              f"plain {latency['plain_us']} us per launch, CUDA graph {latency['graph_us']} us per launch "
              f"(graph / plain {latency['graph_us'] / latency['plain_us']:.2f}); capture failures: {latency['graph_failures'] or 'none'}."]
lines += ["", "Raw JSON:", "", "```"] + [json.dumps(r) for r in runs] + ["```", ""]
pathlib.Path(out).write_text("\n".join(lines))
print("\n".join(lines))
PY
exit $status
