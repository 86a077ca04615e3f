using ILGPU;
using ILGPU.Runtime;

namespace Engine.Backends.Cuda;

/// <summary>A float32 activation buffer (MaxRows, Cols), row-major, in device memory (zeroed once at allocation).</summary>
internal sealed class CudaBuffer : IDeviceBuffer, IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _memory;

    public CudaBuffer(Accelerator accelerator, int maxRows, int cols)
    {
        MaxRows = maxRows;
        Cols = cols;
        _memory = accelerator.Allocate1D<float>(Math.Max(1L, checked((long)maxRows * cols)));
        _memory.MemSetToZero();
    }

    public int MaxRows { get; }

    public int Cols { get; }

    public ArrayView<float> View => _memory.View;

    /// <summary>The first <paramref name="rows"/> rows.</summary>
    public ArrayView<float> Rows(int rows) => _memory.View.SubView(0, (long)rows * Cols);

    public void Dispose() => _memory.Dispose();
}
