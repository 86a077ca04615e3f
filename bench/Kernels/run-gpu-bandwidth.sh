#!/usr/bin/env bash
# Runs the C# host's copy bandwidth (BandwidthSuite: the C# copy kernel our compiler builds, hand-written
# copy_v4 PTX and cuMemcpyDtoD) and PyTorch's
# copy_ on the same GPU in one go, and writes bench/results/gpu-bandwidth.md with device, date and command.
# Usage: bash bench/Kernels/run-gpu-bandwidth.sh   (env: SIZES_MB=64,128,256,512,1024 ITERS=20)
set -euo pipefail
cd "$(dirname "$0")/../.."

sizes="${SIZES_MB:-64,128,256,512,1024}"
iters="${ITERS:-20}"
out=bench/results/gpu-bandwidth.md
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build bench -c Release -nologo -v q >&2
csharp_cmd=(dotnet run -c Release --no-build --project bench -- bandwidth --sizes-mb "$sizes" --iters "$iters")
torch_cmd=(python3 bench/Kernels/torch_copy_bandwidth.py --sizes-mb "$sizes" --iters "$iters")

"${csharp_cmd[@]}" > "$work/csharp.jsonl"
if ! "${torch_cmd[@]}" > "$work/torch.jsonl" 2> "$work/torch.err"; then
  echo "run-gpu-bandwidth: PyTorch run failed, the table will lack its column:" >&2
  cat "$work/torch.err" >&2
fi

gpu="$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -n 1 || echo unknown)"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
python3 - "$work" "$out" "$gpu" "$cpu" "$(nproc)" "${csharp_cmd[*]}" "${torch_cmd[*]}" <<'PY'
import datetime, json, pathlib, sys
work, out, gpu, cpu, nproc, csharp_cmd, torch_cmd = sys.argv[1:]
runs = []
for name in ("csharp.jsonl", "torch.jsonl"):
    path = pathlib.Path(work, name)
    if path.exists():
        runs += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
by_impl = {r["impl"]: {x["bytes"]: x for x in r["results"]} for r in runs}
sizes = sorted({b for table in by_impl.values() for b in table})
impls = list(by_impl)
peak = next((r.get("peak_gbps") for r in runs if r.get("peak_gbps")), None)
torch_version = next((r.get("torch") for r in runs if r.get("torch")), "not run")
lines = [
    "# GPU copy bandwidth: C# CUDA host vs PyTorch",
    "",
    f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
    f"- GPU: {gpu}" + (f" (theoretical DRAM bandwidth {peak} GB/s from clock x bus width)" if peak else ""),
    f"- Host: {cpu}, {nproc} cores; PyTorch {torch_version}",
    f"- Commands: `{csharp_cmd}` and `{torch_cmd}` (both from `bash bench/Kernels/run-gpu-bandwidth.sh`)",
    "- GB/s counts read + write: 2 x bytes / time / 1e9, device time from CUDA events, mean over the timed iterations.",
    "",
    "| size (MiB) | " + " | ".join(f"{i} GB/s" for i in impls) + " | compiled / torch | copy_v4 / torch |",
    "|---:|" + "---:|" * len(impls) + "---:|---:|",
]
for b in sizes:
    cells = [f"{by_impl[i][b]['gbps']:.1f}" if b in by_impl[i] else "-" for i in impls]
    theirs = by_impl.get("torch-copy_", {}).get(b)
    ratios = []
    for impl in ("csharp-compiled-copy", "csharp-ptx-copy_v4"):
        ours = by_impl.get(impl, {}).get(b)
        ratios.append(f"{ours['gbps'] / theirs['gbps']:.2f}" if ours and theirs else "-")
    lines.append(f"| {b >> 20} | " + " | ".join(cells) + f" | {ratios[0]} | {ratios[1]} |")
lines += ["", "Raw JSON:", "", "```"] + [json.dumps(r) for r in runs] + ["```", ""]
pathlib.Path(out).write_text("\n".join(lines))
print("\n".join(lines))
PY
