#!/usr/bin/env python3
"""The yardstick of `bench -- gemm`: torch.matmul(x, W.T) in bf16 (cuBLAS) on the shapes the C# suite times.

W (n, k) bf16 row-major like a checkpoint's, x (m, k) bf16. Prints one JSON object per case on stdout, in the
shape the C# suite prints. Usage: python3 torch_gemm.py [--rows 16,64,256,1024,4096] [--iters 20]
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Attention"))
from torch_attention import timed  # noqa: E402  (one CUDA-event timer for every torch yardstick)

SHAPES = [(4096, 4096, "q/o proj"), (14336, 4096, "gate/up")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="16,64,256,1024,4096")
    parser.add_argument("--iters", type=int, default=20)
    args = parser.parse_args()
    name = torch.cuda.get_device_name(0)
    for n, k, shape in SHAPES:
        w = torch.randn(n, k, device="cuda", dtype=torch.bfloat16)
        for m in (int(r) for r in args.rows.split(",")):
            x = torch.randn(m, k, device="cuda", dtype=torch.bfloat16)
            seconds = timed(lambda: torch.matmul(x, w.t()), args.iters)
            print(json.dumps({"impl": "torch-matmul", "shape": shape, "m": m, "n": n, "k": k, "seconds": seconds,
                              "tflops": 2 * m * n * k / seconds / 1e12, "torch": torch.__version__, "device": name}), flush=True)
            del x
        del w


if __name__ == "__main__":
    main()
