#!/usr/bin/env python3
"""The PyTorch yardstick of `bench -- sampler-sweep --device cuda`: vLLM-style samplers on the same GPU, timed with
CUDA events, one JSON line per (implementation, vocab, batch). `matches` names the configuration of ours each one
stands beside. The draws use one global generator (the exponential-race trick vLLM uses); per-request seeds, which
ours have, would cost PyTorch a generator per row.

Usage: python3 bench/SamplerSweep/torch_sampler_sweep.py [--vocabs 32000,128256,151936] [--batches 1,16,64,128]
       [--iters 50] > torch.jsonl
"""
import argparse
import json
import sys

import torch


def draw(probs):
    # vLLM's random_sample: argmax of p / Exp(1) noise, a categorical draw without a CDF walk.
    q = torch.empty_like(probs).exponential_()
    return probs.div_(q).argmax(dim=-1)


def top_k_top_p(logits, k, p):
    # vLLM's apply_top_k_top_p (sampler.py): one ascending sort, top-k by the (V-k)-th sorted value, top-p by cumsum.
    logits_sort, logits_idx = logits.sort(dim=-1, descending=False)
    if k is not None:
        kth = logits_sort.gather(1, torch.full((logits.shape[0], 1), logits.shape[1] - k, device=logits.device))
        logits_sort.masked_fill_(logits_sort < kth, float("-inf"))
    if p is not None:
        probs_sort = logits_sort.softmax(dim=-1)
        cumulative = torch.cumsum(probs_sort, dim=-1)
        mask = cumulative <= 1 - p
        mask[:, -1] = False
        logits_sort.masked_fill_(mask, float("-inf"))
    return logits.scatter(-1, logits_idx, logits_sort)


def plain(logits):
    return draw(logits.softmax(dim=-1))


def greedy(logits):
    return logits.argmax(dim=-1)


def top_k_topk(logits):
    # torch.topk for top-k alone (no full sort).
    values, _ = torch.topk(logits, 40, dim=-1)
    return draw(logits.masked_fill(logits < values[:, -1:], float("-inf")).softmax(dim=-1))


def top_p_sort(logits):
    return draw(top_k_top_p(logits, None, 0.9).softmax(dim=-1))


# (impl, the row of ours it stands beside, fn, needs histories). PyTorch/vLLM have no DRY: the penalised row has
# vLLM's penalties but no DRY, so it favours the yardstick.
CASES = [
    ("torch softmax + exponential draw", "plain (T=1, draw)", plain, False),
    ("torch argmax", "greedy (T=0)", greedy, False),
    ("torch.topk", "top_k 40", top_k_topk, False),
    ("torch.sort + cumsum", "top_p 0.9", top_p_sort, False),
    ("torch.sort top-k/top-p + min-p", "selection chain (T 0.8, top_k 40, top_p 0.95, min_p 0.05)", selection_chain, False),
    ("vLLM penalties (no DRY) + torch.sort top-k/top-p + min-p", "goal chain (penalties + DRY + T 0.8, top_k 40, top_p 0.95, min_p 0.05)",
     penalised_chain, True),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vocabs", default="32000,128256,151936")
    parser.add_argument("--batches", default="1,16,64,128")
    parser.add_argument("--iters", type=int, default=50)
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("torch_sampler_sweep: no CUDA device", file=sys.stderr)
        return 1
    gpu = torch.cuda.get_device_name(0)
    generator = torch.Generator(device="cuda").manual_seed(42)
    for vocab in (int(v) for v in args.vocabs.split(",")):
        for batch in (int(b) for b in args.batches.split(",")):
            # A language model's shape: Gaussian body (sigma 2) plus a few strong candidates, as the C# bench's rows.
            logits = torch.randn(batch, vocab, device="cuda", generator=generator) * 2.0
            logits[:, :5] += torch.tensor([12.0, 10.0, 8.0, 6.0, 4.0], device="cuda")
            # the C# bench's histories: a 512-token prompt and 128 generated tokens per sequence
            prompt_ids = torch.randint(vocab, (1, 512), device="cuda", generator=generator)
            prompt_mask = torch.zeros(batch, vocab, dtype=torch.bool, device="cuda")
            prompt_mask[:, prompt_ids[0]] = True
            output_ids = torch.randint(vocab, (batch, 128), device="cuda", generator=generator)
            for impl, matches, fn, histories in CASES:
                call = (lambda: fn(logits, (prompt_mask, output_ids))) if histories else (lambda: fn(logits))
                for _ in range(3):
                    call()
                torch.cuda.synchronize()
                start = torch.cuda.Event(enable_timing=True)
                end = torch.cuda.Event(enable_timing=True)
                start.record()
                for _ in range(args.iters):
                    call()
                end.record()
                torch.cuda.synchronize()
                ms = start.elapsed_time(end) / args.iters
                print(json.dumps({"impl": impl, "matches": matches, "vocab": vocab, "batch": batch, "ms": round(ms, 5),
                                  "torch": torch.__version__, "gpu": gpu}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
