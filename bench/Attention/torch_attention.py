#!/usr/bin/env python3
"""The yardstick of `bench -- attention`: torch.nn.functional.scaled_dot_product_attention on the same shapes.

Decode: q (B, 32, 1, 128), k/v (B, 8, C, 128) bf16, contiguous (no paging: an advantage torch gets), enable_gqa.
Prefill: one chunk of L query rows at the end of a context of C keys, bottom-right causal (CausalBias where this
torch has it, else a boolean mask). Prints one JSON object per case on stdout, in the shape the C# suite prints.
Usage: python3 torch_attention.py [--contexts 1024,8192,32768] [--batches 1,16] [--chunk 1024] [--iters 20]
"""
import argparse
import json
import sys

import torch
import torch.nn.functional as F

HEADS, KV_HEADS, HEAD_DIM = 32, 8, 128


def timed(fn, iters, warmup=3):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iters):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) * 1e-3 / iters


def sdpa(q, k, v, **kw):
    try:
        return F.scaled_dot_product_attention(q, k, v, enable_gqa=True, **kw)
    except TypeError:  # torch < 2.5: no enable_gqa, expand the KV heads
        g = q.shape[1] // k.shape[1]
        return F.scaled_dot_product_attention(q, k.repeat_interleave(g, 1), v.repeat_interleave(g, 1), **kw)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--contexts", default="1024,8192,32768")
    parser.add_argument("--batches", default="1,16")
    parser.add_argument("--chunk", type=int, default=1024)
    parser.add_argument("--iters", type=int, default=20)
    args = parser.parse_args()
    contexts = [int(c) for c in args.contexts.split(",")]
    batches = [int(b) for b in args.batches.split(",")]
    dev, dt = "cuda", torch.bfloat16
    name = torch.cuda.get_device_name(0)
    for c in contexts:
        for b in batches:
            q = torch.randn(b, HEADS, 1, HEAD_DIM, device=dev, dtype=dt)
            k = torch.randn(b, KV_HEADS, c, HEAD_DIM, device=dev, dtype=dt)
            v = torch.randn_like(k)
            seconds = timed(lambda: sdpa(q, k, v), args.iters)
            kv_bytes = 2 * b * c * KV_HEADS * HEAD_DIM * 2
            print(json.dumps({"impl": "torch-sdpa", "kind": "decode", "batch": b, "context": c, "seconds": seconds,
                              "kv_gbps": kv_bytes / seconds / 1e9, "torch": torch.__version__, "device": name}), flush=True)
            del q, k, v
        chunk = min(args.chunk, c)
        q = torch.randn(1, HEADS, chunk, HEAD_DIM, device=dev, dtype=dt)
        k = torch.randn(1, KV_HEADS, c, HEAD_DIM, device=dev, dtype=dt)
        v = torch.randn_like(k)
        try:
            from torch.nn.attention.bias import causal_lower_right
            mask = causal_lower_right(chunk, c)
            how = "causal_lower_right"
        except ImportError:
            mask = torch.ones(chunk, c, device=dev, dtype=torch.bool).tril(c - chunk)
            how = "bool mask"
        try:
            seconds = timed(lambda: sdpa(q, k, v, attn_mask=mask), args.iters)
        except RuntimeError as error:  # some torch builds refuse CausalBias with GQA: fall back to a plain mask
            print(f"torch_attention: {how} failed ({error}); using a boolean mask", file=sys.stderr)
            mask = torch.ones(chunk, c, device=dev, dtype=torch.bool).tril(c - chunk)
            how = "bool mask"
            seconds = timed(lambda: sdpa(q, k, v, attn_mask=mask), args.iters)
        flops = 4 * chunk * (c - chunk / 2) * HEADS * HEAD_DIM
        print(json.dumps({"impl": "torch-sdpa", "kind": "prefill", "batch": 1, "context": c, "chunk": chunk, "seconds": seconds,
                          "tflops": flops / seconds / 1e12, "mask": how, "torch": torch.__version__, "device": name}), flush=True)
        del q, k, v


if __name__ == "__main__":
    main()
