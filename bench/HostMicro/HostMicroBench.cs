using Bench.Common;

namespace Bench.HostMicro;

/// <summary>
/// <c>host-micro</c>: BenchmarkDotNet micro-benchmarks of the host-side hot paths (<see cref="SamplerBenchmarks"/>,
/// <see cref="TokenizerBenchmarks"/>, <see cref="ChatTemplateBenchmarks"/>, <see cref="GuidedMaskBenchmarks"/>)
/// through <see cref="DotNetBenchmarks"/>; the hand-timed suites of each (samplers, tokenizer-encode, chat-template,
/// guided) stay for their yardsticks and sweeps. Writes bench/results/host-micro.md.
/// </summary>
public static class HostMicroBench
{
    public static int Run(string[] args) => DotNetBenchmarks.Run(
        "host-micro", "BenchmarkDotNet micro-benchmarks of samplers, tokenizer encode, chat-template render and the guided mask",
        [typeof(SamplerBenchmarks), typeof(TokenizerBenchmarks), typeof(ChatTemplateBenchmarks), typeof(GuidedMaskBenchmarks)],
        [
            "SamplerBenchmarks: one sequence's step (logit row copy + the configuration's chain); the rows of `samplers` are the same configurations",
            "TokenizerBenchmarks: 64 chunks of 4 KiB (262 KB of UTF-8) per call: MB/s = 0.262 ÷ Mean in s; O200kMlTokenizers (Microsoft.ML.Tokenizers) is the baseline of Ratio",
            "GuidedMaskBenchmarks: llama3 vocabulary (128k tokens), row cleared before each mask",
        ],
        args);
}
