// Benchmarks: `dotnet run -c Release --project bench -- <suite> [options]`. Each suite writes its results to
// bench/results/<suite>.md with the machine, date and command; this file is only the table of suites.

var suites = new SortedDictionary<string, (string Description, Func<string[], int> Run)>(StringComparer.Ordinal)
{
    ["chat-template"] = ("Jinja chat-template rendering beside Python's Jinja2 on the same template", Bench.ChatTemplates.ChatTemplateBench.Run),
    ["compile-time"] = ("ILGPU kernel compile time per kernel (PTX cold/warm/cached, CPU accelerator load) and host cost per launch", Bench.Kernels.CompileTime.Run),
    ["cpu-forward"] = ("CPU backend beside llama.cpp (LLamaSharp) on one 110M checkpoint: decode/prefill tok/s, ratios, memory roofline", Bench.CpuForward.CpuForwardBench.Run),
    ["cpu-kernels"] = ("BenchmarkDotNet micro-benchmarks of the CPU kernels: decode GEMV, fused q/k/v, prefill GEMM, RMSNorm, attention", Bench.CpuKernels.CpuKernelsBench.Run),
    ["cpu-decode-profile"] = ("one CPU decode step of the 110M shape op by op: each GEMV's time and GB/s beside the bandwidth probe, norms, attention, hand-offs", Bench.CpuForward.CpuDecodeProfile.Run),
    ["cpu-bandwidth"] = ("the roofline probe's read variants (unrolled, 4 streams, prefetch, claimed blocks, huge pages) beside our decode GEMV", Bench.CpuForward.CpuBandwidthBench.Run),
    ["cpu-forward-memory"] = ("peak RSS of the CPU engine serving a memory-mapped 110M checkpoint vs weights + KV cache", Bench.CpuForward.CpuForwardMemory.Run),
    ["host-micro"] = ("BenchmarkDotNet micro-benchmarks of the host hot paths: each CPU sampler, tokenizer encode (beside ML.Tokenizers), chat-template render, guided mask", Bench.HostMicro.HostMicroBench.Run),
    ["fuzz-soak"] = ("hostile fuzzed requests over every spec field against a running server: no 5xx, §4.1 errors, still healthy", Bench.Fuzz.FuzzSoakSuite.Run),
    ["generation-features"] = ("beam search and prompt logprobs cost beside best_of sampling, greedy and a plain prefill", Bench.Generation.GenerationFeaturesBench.Run),
    ["guided"] = ("guided decoding: vocabulary prep, constraint compile, per-step mask (json_object, schema, regex)", Bench.Guided.GuidedBench.Run),
    ["lora"] = ("LoRA decode tok/s of 8 sequences: base, merged, unmerged one adapter, unmerged mixed adapters; cost of one merge", Bench.Lora.LoraBench.Run),
    ["prefix-cache"] = ("TTFT of a request sharing a 512-token prefix with a finished one, prefix caching on vs off", Bench.PrefixCache.PrefixCacheBench.Run),
    ["safetensors-load"] = ("safetensors load throughput (mapped, converted, streamed) beside cat > /dev/null", Bench.Loader.SafetensorsLoadBench.Run),
    ["serve-decode"] = ("one sequence's decode tok/s in `engine generate --json` beside `engine serve` (streaming, greedy) on the 110M checkpoint, rounds alternated", Bench.Server.ServeDecodeBench.Run),
    ["server-load"] = ("N concurrent streaming clients against a running server: TTFT, inter-token latency, req/s, tok/s", Bench.Server.ServerLoadSuite.Run),
    ["server-profile"] = ("the engine without HTTP: forward alone, step loop with token ids, the text path (layers of the 64-token latency)", Bench.Server.ServerProfile.Run),
    ["radix-select"] = ("k-th largest logit: our one-group radix select vs ILGPU.Algorithms radix sort, same accelerator", Bench.Kernels.RadixSelectBench.Run),
    ["sampler-sweep"] = ("each sampler and the chain per step at batch 1/16/64/128 x vocab 32k/128k/152k on --device cpu|cuda|check, PyTorch top-k/top-p beside it on the GPU", Bench.SamplerSweep.SamplerSweepBench.Run),
    ["samplers"] = ("CPU cost of each sampler and the whole chain per decoding step (vocab 32k/128k, batch 1/16/64)", Bench.Sampling.SamplersBench.Run),
    ["tokenizer-encode"] = ("tokenizer encode MB/s (llama3, qwen3, gemini) beside HF tokenizers' Node binding; o200k, cl100k beside Microsoft.ML.Tokenizers", Bench.Tokenizer.TokenizerEncodeBench.Run),
    ["attention"] = ("paged attention (decode, chunked prefill) at 1k/8k/32k context beside torch scaled_dot_product_attention (needs a CUDA device)", Bench.Attention.AttentionSuite.Run),
    ["cuda-decode"] = ("decode tok/s of an 8B-shaped random bf16 model on the CUDA backend at batch 1/8/32/64 beside the measured HBM roofline and eager PyTorch (needs a CUDA device; --device check runs the loop on the CPU accelerator)", Bench.CudaDecode.CudaDecodeSuite.Run),
    ["gemm"] = ("prefill GEMM (bf16 mma.sync) at m = 16..4096 on Llama-3-8B shapes beside torch.matmul and our decode GEMV (needs a CUDA device)", Bench.Gemm.GemmSuite.Run),
    ["bandwidth"] = ("GPU copy bandwidth of the ILGPU-compiled C# copy kernel and ILGPU CopyTo, launch latency plain vs CUDA graph (needs a CUDA device)", Bench.Kernels.BandwidthSuite.Run),
};

if (args.Length == 0 || !suites.TryGetValue(args[0], out var suite))
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench -- <suite> [options]");
    Console.Error.WriteLine("suites:");
    foreach (var (name, (description, _)) in suites)
    {
        Console.Error.WriteLine($"  {name,-16} {description}");
    }
    return args.Length == 0 ? 2 : 1;
}
return suite.Run(args[1..]);
