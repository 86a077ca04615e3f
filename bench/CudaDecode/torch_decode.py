#!/usr/bin/env python3
"""The yardstick of `bench -- cuda-decode`: the same decode step in plain eager PyTorch on the same shapes.

A Llama-3-8B-shaped model (32 layers, dim 4096, 32/8 heads of 128, SwiGLU 14336, vocab 128256, untied classifier)
with random bf16 weights on the GPU and a static bf16 KV cache (B, 8, max_len, 128) per layer; one step embeds B
tokens, runs every layer (RMSNorm, separate q/k/v/o and gate/up/down projections as HF's modules, rotate-half RoPE,
SDPA over the cache with GQA, SwiGLU), the final norm and the classifier, and copies one logits row to the host
(the same synchronisation as ours). Prints one JSON object per batch size on stdout.
Usage: python3 torch_decode.py [--layers 32] [--batches 1,8,32,64] [--context 512] [--steps 32]
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

DIM, HIDDEN, HEADS, KV_HEADS, HEAD_DIM, VOCAB, THETA, EPS = 4096, 14336, 32, 8, 128, 128256, 500000.0, 1e-5


def rms_norm(x, w):
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + EPS)).to(x.dtype) * w


def rotate_half(x, cos, sin):
    x1, x2 = x[..., : HEAD_DIM // 2], x[..., HEAD_DIM // 2:]
    return x * cos + torch.cat((-x2, x1), dim=-1) * sin


def sdpa(q, k, v):
    try:
        return F.scaled_dot_product_attention(q, k, v, enable_gqa=True)
    except TypeError:  # torch < 2.5: no enable_gqa, expand the KV heads
        g = q.shape[1] // k.shape[1]
        return F.scaled_dot_product_attention(q, k.repeat_interleave(g, 1), v.repeat_interleave(g, 1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--layers", type=int, default=32)
    parser.add_argument("--batches", default="1,8,32,64")
    parser.add_argument("--context", type=int, default=512)
    parser.add_argument("--steps", type=int, default=32)
    args = parser.parse_args()
    dev, dt = "cuda", torch.bfloat16
    batches = [int(b) for b in args.batches.split(",")]
    max_len = args.context + 3 + args.steps

    def matrix(rows, cols):
        return (torch.rand(rows, cols, device=dev, dtype=dt) * 2 - 1) / cols ** 0.5

    embed = torch.randn(VOCAB, DIM, device=dev, dtype=dt)
    layers = [dict(an=torch.ones(DIM, device=dev, dtype=dt), q=matrix(HEADS * HEAD_DIM, DIM), k=matrix(KV_HEADS * HEAD_DIM, DIM),
                   v=matrix(KV_HEADS * HEAD_DIM, DIM), o=matrix(DIM, HEADS * HEAD_DIM), fn=torch.ones(DIM, device=dev, dtype=dt),
                   g=matrix(HIDDEN, DIM), u=matrix(HIDDEN, DIM), d=matrix(DIM, HIDDEN)) for _ in range(args.layers)]
    final_norm = torch.ones(DIM, device=dev, dtype=dt)
    lm_head = matrix(VOCAB, DIM)
    inv_freq = 1.0 / (THETA ** (torch.arange(0, HEAD_DIM, 2, device=dev, dtype=torch.float32) / HEAD_DIM))
    angles = torch.outer(torch.arange(max_len, device=dev, dtype=torch.float32), inv_freq)
    cos_table = torch.cat((angles.cos(), angles.cos()), -1).to(dt)
    sin_table = torch.cat((angles.sin(), angles.sin()), -1).to(dt)
    name = torch.cuda.get_device_name(0)

    for b in batches:
        caches = [(torch.zeros(b, KV_HEADS, max_len, HEAD_DIM, device=dev, dtype=dt),
                   torch.zeros(b, KV_HEADS, max_len, HEAD_DIM, device=dev, dtype=dt)) for _ in range(args.layers)]
        tokens = torch.arange(b, device=dev) * 7919 % (VOCAB - 3) + 3

        @torch.inference_mode()
        def step(p):
            x = embed[tokens]
            cos, sin = cos_table[p].view(1, 1, HEAD_DIM), sin_table[p].view(1, 1, HEAD_DIM)
            for layer, (kc, vc) in zip(layers, caches):
                h = rms_norm(x, layer["an"])
                q = rotate_half((h @ layer["q"].t()).view(b, HEADS, HEAD_DIM), cos, sin)
                k = rotate_half((h @ layer["k"].t()).view(b, KV_HEADS, HEAD_DIM), cos, sin)
                kc[:, :, p] = k
                vc[:, :, p] = (h @ layer["v"].t()).view(b, KV_HEADS, HEAD_DIM)
                a = sdpa(q.unsqueeze(2), kc[:, :, : p + 1], vc[:, :, : p + 1]).reshape(b, HEADS * HEAD_DIM)
                x = x + a @ layer["o"].t()
                h = rms_norm(x, layer["fn"])
                x = x + (F.silu(h @ layer["g"].t()) * (h @ layer["u"].t())) @ layer["d"].t()
            logits = rms_norm(x, final_norm) @ lm_head.t()
            return logits[0].float().cpu()

        for i in range(3):
            step(args.context + i)
        start = time.perf_counter()
        for i in range(args.steps):
            step(args.context + 3 + i)
        seconds = (time.perf_counter() - start) / args.steps
        print(json.dumps({"impl": "torch-eager", "batch": b, "context": args.context, "layers": args.layers, "seconds_per_step": seconds,
                          "tok_s": b / seconds, "torch": torch.__version__, "device": name}), flush=True)
        del caches


if __name__ == "__main__":
    main()
