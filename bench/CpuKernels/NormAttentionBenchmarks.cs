using BenchmarkDotNet.Attributes;
using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Execution;
using Engine.Model;

namespace Bench.CpuKernels;

/// <summary>
/// RMSNorm of a 512-token prompt and paged attention at the 110M shape (12 heads of 64, block size 16): one decode
/// token over a 512-token context, and a 128-token causal prefill chunk, through the backend's public API.
/// </summary>
[MemoryDiagnoser]
public class NormAttentionBenchmarks
{
    private const int Heads = 12;
    private const int HeadDim = 64;
    private const int Dim = Heads * HeadDim;
    private const int Context = 512;
    private const int BlockSize = 16;

    private CpuBackend _backend = null!;
    private IDeviceBuffer _x = null!;
    private IDeviceBuffer _xb = null!;
    private IDeviceWeight _norm = null!;
    private IDeviceKvCache _cache = null!;
    private IDeviceBuffer _q = null!;
    private IDeviceBuffer _out = null!;
    private ForwardBatch _decode = null!;
    private ForwardBatch _prefill = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _backend = new CpuBackend(Threads);
        _x = _backend.AllocateBuffer(Context, Dim);
        _xb = _backend.AllocateBuffer(Context, Dim);
        _norm = _backend.LoadWeight(WeightTensor.FromFloats("norm", [.. Enumerable.Repeat(1f, Dim)], [Dim]));
        var blocks = Context / BlockSize + 1;
        _cache = _backend.AllocateKvCache(1, blocks, BlockSize, Heads, HeadDim);
        _q = _backend.AllocateBuffer(Context, Dim);
        _out = _backend.AllocateBuffer(Context, Dim);
        var table = Enumerable.Range(0, blocks).ToArray();
        _decode = new ForwardBatch(Context, 1, blocks, BlockSize);
        _decode.AddSequence([1], Context - 1, table, computeLogits: true);
        _prefill = new ForwardBatch(Context, 1, blocks, BlockSize);
        _prefill.AddSequence([.. Enumerable.Repeat(1, 128)], 0, table, computeLogits: true);
    }

    [GlobalCleanup]
    public void Cleanup() => _backend.Dispose();

    [Benchmark]
    public void RmsNorm512Rows() => _backend.RmsNorm(_x, _norm, 1e-5f, _xb, Context);

    [Benchmark]
    public void AttentionDecode512Context()
    {
        _backend.BeginStep(_decode);
        _backend.PagedAttention(_q, _cache, 0, _decode, Heads, _out);
    }

    [Benchmark]
    public void AttentionPrefill128()
    {
        _backend.BeginStep(_prefill);
        _backend.PagedAttention(_q, _cache, 0, _prefill, Heads, _out);
    }
}
