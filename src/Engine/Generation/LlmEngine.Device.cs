using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Backends.Cuda;
using Engine.Model;
using Kernels;

namespace Engine.Generation;

/// <summary>The engine's device: which backend <see cref="EngineOptions.Device"/> builds, and the KV cache sized for it.</summary>
public sealed partial class LlmEngine
{
    /// <summary>
    /// The backend for <paramref name="options"/>: the CPU backend, or the CUDA backend on a CUDA device (Cuda, or
    /// Auto when one is present) or on ILGPU's CPU accelerator (Check). Throws <see cref="NotSupportedException"/>
    /// saying why for Cuda without a usable device.
    /// </summary>
    public static IBackend CreateBackend(EngineOptions options, Weights weights)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(weights);
        KernelContext? context = null;
        switch (options.Device)
        {
            case EngineDevice.Cpu:
                return new CpuBackend(options.Threads, CpuKvDType(options));
            case EngineDevice.Check:
                context = KernelContext.CreateCpu();
                break;
            case EngineDevice.Cuda:
                context = KernelContext.Create(KernelDevice.Cuda);
                break;
            default:
                if (!KernelContext.TryCreateCuda(out context, out var reason))
                {
                    options.StartupLog?.WriteLine($"device: cpu (no CUDA device: {reason})");
                    return new CpuBackend(options.Threads, CpuKvDType(options));
                }
                break;
        }
        var kvDType = options.KvCacheDType ?? CheckpointDType(weights);
        if (kvDType is not (DType.F32 or DType.BF16 or DType.F16))
        {
            context.Dispose();
            throw new ArgumentOutOfRangeException(nameof(options), kvDType, "The KV cache dtype must be f32, bf16 or f16.");
        }
        var backend = new CudaBackend(context, ownsContext: true, kvDType)
        {
            Progress = options.StartupLog,
            ExpectedWeightBytes = WeightBytes(weights),
        };
        options.StartupLog?.WriteLine($"device: {backend.Name}");
        return backend;
    }

    // The CPU backend's "auto" is float32, not the checkpoint's dtype as on the GPU: it computes in float32 and host
    // memory is rarely the limit; bf16/f16 are there when it is (half the bytes per cached token).
    private static DType CpuKvDType(EngineOptions options) => options.KvCacheDType ?? DType.F32;

    // vLLM's "auto" KV dtype: the checkpoint's (its embedding's) dtype
    private static DType CheckpointDType(Weights weights)
    {
        foreach (var name in weights.Names)
        {
            if (weights.TryGet(name, out var tensor) && tensor.Shape.Count == 2)
            {
                return tensor.DType;
            }
        }
        return DType.F32;
    }

    private static long WeightBytes(Weights weights)
    {
        var total = 0L;
        foreach (var name in weights.Names)
        {
            if (weights.TryGet(name, out var tensor))
            {
                total += tensor.Bytes.Length;
            }
        }
        return total;
    }

    /// <summary>
    /// KV-cache blocks: <see cref="EngineOptions.KvCacheTokens"/> when given; on a CUDA device what
    /// <see cref="EngineOptions.GpuMemoryUtilization"/> leaves after the weights (<see cref="GpuMemoryPlan"/>);
    /// else MaxNumSeqs full contexts within <see cref="EngineOptions.KvCacheBytes"/>. Never less than one full
    /// context (plus its last block), so a lone request can always make progress.
    /// </summary>
    private static int KvCacheBlocks(ModelConfig config, IBackend backend, EngineOptions options)
    {
        var elementSize = WeightTensor.ElementSize(backend switch
        {
            CudaBackend cuda => cuda.KvCacheDType,
            CpuBackend cpu => cpu.KvCacheDType,
            _ => DType.F32,
        });
        var bytesPerToken = 2L * config.NumLayers * config.KvDim * elementSize;
        var blocksPerSequence = (config.MaxContext + 1 + options.BlockSize - 1) / options.BlockSize;
        if (options.KvCacheTokens is null && backend is CudaBackend gpu && gpu.DeviceMemory() is var (free, total))
        {
            var plan = GpuMemoryPlan.Size(total, free, options.GpuMemoryUtilization, bytesPerToken * options.BlockSize, blocksPerSequence);
            options.StartupLog?.WriteLine(
                $"KV cache: {plan.NumBlocks} blocks of {options.BlockSize} tokens ({plan.KvCacheBytes >> 20} MiB, {gpu.KvCacheDType}) = {(long)plan.NumBlocks * options.BlockSize} tokens, "
                + $"{plan.MaxConcurrentSequences} concurrent sequences of full context ({config.MaxContext}); weights {gpu.WeightBytes >> 20} MiB, "
                + $"GPU {total >> 20} MiB × {options.GpuMemoryUtilization}");
            return plan.NumBlocks;
        }
        var cacheTokens = options.KvCacheTokens ?? (int)Math.Min((long)config.MaxContext * options.MaxNumSeqs, options.KvCacheBytes / bytesPerToken);
        var numBlocks = Math.Max((cacheTokens + options.BlockSize - 1) / options.BlockSize, blocksPerSequence);
        if (backend is CudaBackend)
        {
            options.StartupLog?.WriteLine($"KV cache: {numBlocks} blocks of {options.BlockSize} tokens, {numBlocks / blocksPerSequence} concurrent sequences of full context ({config.MaxContext})");
        }
        return numBlocks;
    }
}
