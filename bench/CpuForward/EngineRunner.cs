using System.Diagnostics;
using Engine.Backends.Cpu;
using Engine.Execution;
using Engine.Model;

namespace Bench.CpuForward;

/// <summary>
/// Our side: the CPU backend running the checkpoint mapped from the HF directory (<see cref="ModelCheckpoint"/>,
/// as <c>engine generate</c> loads it). Decode and prefill mirror <see cref="LlamaCppRunner"/> step for step.
/// </summary>
internal sealed class EngineRunner : IDisposable
{
    private const int BlockSize = 16;

    private readonly ModelCheckpoint _checkpoint;
    private readonly CpuBackend _backend;
    private readonly LlamaModel _model;
    private readonly Engine.Backends.IDeviceKvCache _cache;
    private readonly ForwardBatch _batch;
    private readonly int[] _blockTable;
    private readonly float[] _logits;
    private readonly int[] _oneToken = new int[1];
    private readonly List<System.Buffers.MemoryHandle> _pins = [];

    /// <param name="wrap">wraps the CPU backend the model runs on (the profile's <see cref="TimedBackend"/>).</param>
    /// <param name="kvCacheDType">the KV cache's element type (f32, bf16, f16).</param>
    public EngineRunner(string directory, int threads, int maxTokens, Func<Engine.Backends.IBackend, Engine.Backends.IBackend>? wrap = null,
        DType kvCacheDType = DType.F32)
    {
        _checkpoint = ModelCheckpoint.Open(directory);
        var config = _checkpoint.Config;
        _backend = new CpuBackend(threads, kvCacheDType);
        _model = new LlamaModel(config, LlamaWeights.Bind(config, _checkpoint.Weights), wrap?.Invoke(_backend) ?? _backend, maxTokens, 1);
        var maxBlocks = config.MaxContext / BlockSize;
        _cache = _model.AllocateKvCache(maxBlocks, BlockSize);
        _batch = new ForwardBatch(maxTokens, 1, maxBlocks, BlockSize);
        _blockTable = [.. Enumerable.Range(0, maxBlocks)];
        _logits = new float[config.VocabSize];
    }

    public ModelConfig Config => _checkpoint.Config;

    /// <summary>The memory-mapped range holding every weight (one safetensors file), for a bandwidth probe over the
    /// decode's own pages; (0, 0) when the weights are not one contiguous mapping.</summary>
    public unsafe (nint Start, nint Bytes) MappedWeights()
    {
        nint start = nint.MaxValue, end = 0;
        long total = 0;
        foreach (var name in _checkpoint.Weights.Names)
        {
            if (!_checkpoint.Weights.TryGet(name, out var tensor))
            {
                continue;
            }
            var pin = tensor.Bytes.Pin();
            _pins.Add(pin);
            var p = (nint)pin.Pointer;
            start = Math.Min(start, p);
            end = Math.Max(end, p + tensor.Bytes.Length);
            total += tensor.Bytes.Length;
        }
        // a gap larger than a header's padding would mean several mappings, whose gaps must not be read
        return end > start && end - start - total < 1 << 20 ? (start, end - start) : (0, 0);
    }

    /// <summary>Bytes allocated on the managed heap by the last <see cref="Decode"/>.</summary>
    public long DecodeAllocatedBytes { get; private set; }

    /// <summary>Seconds for <paramref name="tokens"/> greedy single-token steps, from an empty cache or, with
    /// <paramref name="context"/>, after prefilling it (not timed).</summary>
    /// <param name="beforeTimed">runs after the untimed prefill, right before the timed steps (a profile's reset).</param>
    public double Decode(int tokens, int[]? context = null, Action? beforeTimed = null)
    {
        var first = 0;
        if (context is { Length: > 0 })
        {
            Prefill(context);
            first = context.Length;
        }
        beforeTimed?.Invoke();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var start = Stopwatch.GetTimestamp();
        _oneToken[0] = 1;
        for (var pos = first; pos < first + tokens; pos++)
        {
            _batch.Clear();
            _batch.AddSequence(_oneToken, pos, _blockTable, computeLogits: true);
            _model.Forward(_batch, _cache, _logits);
            _oneToken[0] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(_logits);
        }
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        DecodeAllocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - before;
        return seconds;
    }

    public double Prefill(int[] prompt)
    {
        var clock = Stopwatch.StartNew();
        _batch.Clear();
        _batch.AddSequence(prompt, 0, _blockTable, computeLogits: true);
        _model.Forward(_batch, _cache, _logits);
        return clock.Elapsed.TotalSeconds;
    }

    public void Dispose()
    {
        _pins.ForEach(p => p.Dispose());
        _backend.Dispose();
        _checkpoint.Dispose();
    }
}
