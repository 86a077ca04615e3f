using System.CommandLine;
using Engine.Generation;
using Engine.Model;

namespace Server.Cli;

/// <summary>
/// The device options <c>serve</c> and <c>generate</c> share: <c>--device auto|cuda|cpu|check</c>, <c>--threads</c>,
/// <c>--gpu-memory-utilization</c>, <c>--kv-cache-dtype</c> and <c>--sampling-device</c>, parsed into <see cref="EngineOptions"/> fields.
/// </summary>
public sealed class DeviceOptions
{
    public Option<string> Device { get; } = new("--device")
    {
        Description = "Where the model runs: auto (CUDA when a device of sm_80+ is present, else cpu), cuda (fails with exit 2 without one), cpu, "
            + "or check (the CUDA backend's kernels on ILGPU's CPU accelerator: the GPU code path on any machine, slow; for CI and kernel checks).",
        DefaultValueFactory = _ => "auto",
    };

    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "Threads of the CPU backend (the caller included); 0 means every core.",
        DefaultValueFactory = _ => 0,
    };

    public Option<double> GpuMemoryUtilization { get; } = new("--gpu-memory-utilization")
    {
        Description = "Fraction of GPU memory for weights, workspace and KV cache; the KV cache gets what the weights leave. Default 0.9.",
        DefaultValueFactory = _ => 0.9,
    };

    public Option<string> KvCacheDType { get; } = new("--kv-cache-dtype")
    {
        Description = "KV-cache element type: auto (on the GPU the checkpoint's, on the CPU f32), f32, bf16 or f16 (half the memory per cached token).",
        DefaultValueFactory = _ => "auto",
    };

    public Option<string> SamplingDevice { get; } = new("--sampling-device")
    {
        Description = "Where the sampler chain runs: auto (on the GPU, or the check device, when the model runs there: only token ids come back), "
            + "or cpu (every step's logits are copied to the host and sampled there).",
        DefaultValueFactory = _ => "auto",
    };

    public IEnumerable<Option> All => [Device, Threads, GpuMemoryUtilization, KvCacheDType, SamplingDevice];

    /// <summary>The parsed values applied to <paramref name="options"/>; throws <see cref="FormatException"/> naming the bad option.</summary>
    public EngineOptions Apply(ParseResult parse, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(options);
        return options with
        {
            Device = ParseDevice(parse.GetValue(Device)!),
            Threads = ParseThreads(parse.GetValue(Threads)),
            GpuMemoryUtilization = ParseUtilization(parse.GetValue(GpuMemoryUtilization)),
            KvCacheDType = ParseKvCacheDType(parse.GetValue(KvCacheDType)!),
            DeviceSampling = ParseSamplingDevice(parse.GetValue(SamplingDevice)!),
        };
    }

    public static EngineDevice ParseDevice(string value) => value switch
    {
        "auto" => EngineDevice.Auto,
        "cpu" => EngineDevice.Cpu,
        "cuda" => EngineDevice.Cuda,
        "check" => EngineDevice.Check,
        _ => throw new FormatException($"--device '{value}' is not one of auto, cuda, cpu, check."),
    };

    public static int ParseThreads(int value) =>
        value >= 0 ? value : throw new FormatException($"--threads must be 0 (every core) or a positive count, got {value}.");

    public static double ParseUtilization(double value) =>
        value > 0 && value <= 1 ? value : throw new FormatException($"--gpu-memory-utilization must be in (0, 1], got {value}.");

    public static DType? ParseKvCacheDType(string value) => value switch
    {
        "auto" => null,
        "f32" or "float32" => DType.F32,
        "bf16" or "bfloat16" => DType.BF16,
        "f16" or "float16" or "half" => DType.F16,
        _ => throw new FormatException($"--kv-cache-dtype '{value}' is not one of auto, f32, bf16, f16."),
    };

    public static bool ParseSamplingDevice(string value) => value switch
    {
        "auto" => true,
        "cpu" => false,
        _ => throw new FormatException($"--sampling-device '{value}' is not one of auto, cpu."),
    };
}
