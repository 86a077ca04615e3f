using Engine.Backends.Cpu;
using ILGPU;
using ILGPU.Runtime;

namespace Engine.Backends.Cuda;

/// <summary>
/// The rope table on the device: the CPU backend's <see cref="CpuRopeTable"/> (cos and sin of p · inv_freq[i] in
/// double, stored as float), built once on the host and uploaded, so both backends rotate by the same numbers.
/// </summary>
internal sealed class CudaRopeTable : IDeviceRopeTable, IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _cos;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _sin;

    public CudaRopeTable(Accelerator accelerator, ReadOnlySpan<double> invFreq, double attentionScale, int maxPositions)
    {
        var host = new CpuRopeTable(invFreq, attentionScale, maxPositions);
        MaxPositions = maxPositions;
        Half = host.Half;
        _cos = accelerator.Allocate1D(host.Cos.Length == 0 ? [0f] : host.Cos);
        _sin = accelerator.Allocate1D(host.Sin.Length == 0 ? [0f] : host.Sin);
    }

    public int MaxPositions { get; }

    /// <summary>head_dim / 2.</summary>
    public int Half { get; }

    public ArrayView<float> Cos => _cos.View;

    public ArrayView<float> Sin => _sin.View;

    public void Dispose()
    {
        _cos.Dispose();
        _sin.Dispose();
    }
}
