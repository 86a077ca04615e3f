#!/usr/bin/env python3
"""PyTorch's device-to-device copy bandwidth, the yardstick for bench/Kernels/BandwidthSuite.cs.

Times dst.copy_(src) on float32 CUDA tensors with CUDA events, over the same sizes and with the same
accounting as the C# suite (GB/s = 2 * bytes / seconds / 1e9: every byte is read once and written once),
and prints one JSON object in the same shape:
  {"impl": "torch-copy_", "device": ..., "torch": ..., "results": [{"bytes", "iters", "ms", "gbps"}, ...]}
"""
import argparse
import json
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes-mb", default="64,128,256,512,1024")
    parser.add_argument("--iters", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--device", type=int, default=0)
    args = parser.parse_args()

    try:
        import torch
    except ImportError:
        print("torch_copy_bandwidth: PyTorch is not installed", file=sys.stderr)
        return 1
    if not torch.cuda.is_available():
        print("torch_copy_bandwidth: torch.cuda.is_available() is False", file=sys.stderr)
        return 1

    device = torch.device("cuda", args.device)
    torch.cuda.set_device(device)
    results = []
    for megabytes in (int(s) for s in args.sizes_mb.split(",")):
        nbytes = megabytes << 20
        src = torch.empty(nbytes // 4, dtype=torch.float32, device=device).fill_(1.0)
        dst = torch.empty_like(src)
        for _ in range(args.warmup):
            dst.copy_(src)
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(args.iters):
            dst.copy_(src)
        end.record()
        end.synchronize()
        ms = start.elapsed_time(end) / args.iters
        if not torch.equal(dst[:4096], src[:4096]) or not torch.equal(dst[-4096:], src[-4096:]):
            print("torch_copy_bandwidth: copy_ result differs from its source", file=sys.stderr)
            return 1
        results.append({"bytes": nbytes, "iters": args.iters, "ms": round(ms, 4),
                        "gbps": round(2 * nbytes / (ms / 1e3) / 1e9, 1)})
        del src, dst
        torch.cuda.empty_cache()

    print(json.dumps({"impl": "torch-copy_", "device": torch.cuda.get_device_name(device),
                      "torch": torch.__version__, "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
