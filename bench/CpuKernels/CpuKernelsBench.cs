using Bench.Common;

namespace Bench.CpuKernels;

/// <summary>
/// <c>cpu-kernels</c>: BenchmarkDotNet micro-benchmarks of the CPU backend's kernels (<see cref="MatMulBenchmarks"/>,
/// <see cref="NormAttentionBenchmarks"/>) through <see cref="DotNetBenchmarks"/>. Writes bench/results/cpu-kernels.md.
/// </summary>
public static class CpuKernelsBench
{
    public static int Run(string[] args) => DotNetBenchmarks.Run(
        "cpu-kernels", "BenchmarkDotNet micro-benchmarks of the CPU backend's kernels",
        [typeof(MatMulBenchmarks), typeof(NormAttentionBenchmarks)],
        ["DecodeGemv reads 48 × 2048 × 768 weights per call (302 MB F32, 151 MB BF16): GB/s = those bytes ÷ Mean."],
        args);
}
