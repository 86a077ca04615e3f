using BenchmarkDotNet.Attributes;
using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Model;

namespace Bench.CpuKernels;

/// <summary>
/// The CPU matmul kernels at the 110M shape (dim 768, hidden 2048) through the backend's public API: the decode
/// GEMV (one token) against a set of matrices larger than L3, so weights come from memory as in decode; the fused
/// q/k/v pass; and the prefill GEMM (512 tokens through one 2048 × 768 matrix).
/// </summary>
[MemoryDiagnoser]
public class MatMulBenchmarks
{
    // 48 × 6 MiB of F32 (half that in BF16): beyond the 32 MiB L3, so each GEMV pass streams from memory
    private const int Matrices = 48;
    private const int Dim = 768;
    private const int Hidden = 2048;

    private CpuBackend _backend = null!;
    private IDeviceWeight[] _up = [];
    private IDeviceWeight[] _qkv = [];
    private IDeviceBuffer _x = null!;
    private IDeviceBuffer _h = null!;
    private IDeviceBuffer _q = null!;
    private IDeviceBuffer _k = null!;
    private IDeviceBuffer _v = null!;
    private IDeviceBuffer _xPrompt = null!;
    private IDeviceBuffer _hPrompt = null!;

    [Params(DType.F32, DType.BF16)]
    public DType DType { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Weight bytes one <see cref="DecodeGemv"/> call reads (for GB/s: bytes ÷ mean).</summary>
    public long GemvBytes => (long)Matrices * Hidden * Dim * (DType == DType.F32 ? 4 : 2);

    [GlobalSetup]
    public void Setup()
    {
        _backend = new CpuBackend(Threads);
        var random = new Random(1);
        var values = new float[Hidden * Dim];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() - 0.5);
        }
        _up = [.. Enumerable.Range(0, Matrices).Select(m => _backend.LoadWeight(WeightTensor.FromFloats($"up{m}", values, [Hidden, Dim], DType)))];
        _qkv = [.. Enumerable.Range(0, 3).Select(m => _backend.LoadWeight(WeightTensor.FromFloats($"qkv{m}", values.AsSpan(0, Dim * Dim), [Dim, Dim], DType)))];
        _x = _backend.AllocateBuffer(1, Dim);
        _h = _backend.AllocateBuffer(1, Hidden);
        _q = _backend.AllocateBuffer(1, Dim);
        _k = _backend.AllocateBuffer(1, Dim);
        _v = _backend.AllocateBuffer(1, Dim);
        _xPrompt = _backend.AllocateBuffer(512, Dim);
        _hPrompt = _backend.AllocateBuffer(512, Hidden);
    }

    [GlobalCleanup]
    public void Cleanup() => _backend.Dispose();

    /// <summary>One token through 48 up-projections (302 MB of F32 weights).</summary>
    [Benchmark]
    public void DecodeGemv()
    {
        foreach (var w in _up)
        {
            _backend.MatMul(_x, w, null, _h, 1);
        }
    }

    /// <summary>q, k and v of one token in one fused job.</summary>
    [Benchmark]
    public void DecodeFusedQkv() => _backend.MatMul(_x, 1, new(_qkv[0], null, _q), new(_qkv[1], null, _k), new(_qkv[2], null, _v));

    /// <summary>512 tokens × 2048 × 768 (1.6 GFLOP).</summary>
    [Benchmark]
    public void PrefillGemm() => _backend.MatMul(_xPrompt, _up[0], null, _hPrompt, 512);
}
