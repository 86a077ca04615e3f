using System.Runtime.InteropServices;
using Engine.Model;
using ILGPU;
using ILGPU.Runtime;
using Kernels.Language;

namespace Engine.Backends.Cuda;

/// <summary>
/// A weight in device memory, in its checkpoint dtype: float32 matrices as floats, bf16/f16 matrices as their
/// 16-bit patterns. 1-D weights (norms, biases) are widened to float32 once, since kernels read them per row.
/// </summary>
internal sealed class CudaWeight : IDeviceWeight, IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? _floats;
    private readonly MemoryBuffer1D<ushort, Stride1D.Dense>? _halves;

    public CudaWeight(Accelerator accelerator, WeightTensor tensor)
    {
        Name = tensor.Name;
        var shape = tensor.Shape;
        if (shape.Count == 1)
        {
            (Rows, Cols, DType) = (1, shape[0], DType.F32);
            _floats = accelerator.Allocate1D(tensor.ToFloats());
        }
        else if (shape.Count == 2)
        {
            (Rows, Cols, DType) = (shape[0], shape[1], tensor.DType);
            var bytes = tensor.Bytes.Span;
            if (DType == DType.F32)
            {
                _floats = Upload(accelerator, MemoryMarshal.Cast<byte, float>(bytes));
            }
            else
            {
                _halves = Upload(accelerator, MemoryMarshal.Cast<byte, ushort>(bytes));
            }
        }
        else
        {
            throw new InvalidDataException($"Tensor '{tensor.Name}': the CUDA backend takes 1-D or 2-D weights, got rank {shape.Count}.");
        }
        Bytes = tensor.Bytes.Length;
    }

    public string Name { get; }

    /// <summary>The device dtype: F32 for 1-D weights and f32 matrices, else the checkpoint's bf16/f16.</summary>
    public DType DType { get; }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>Bytes the checkpoint tensor holds (what was uploaded, before any widening).</summary>
    public long Bytes { get; }

    /// <summary>Float32 elements (1-D weights and f32 matrices).</summary>
    public ArrayView<float> Floats => (_floats ?? throw NotOf("float32")).View;

    /// <summary>The 16-bit patterns of a bf16/f16 matrix.</summary>
    public ArrayView<ushort> Halves => (_halves ?? throw NotOf("16-bit")).View;

    /// <summary>An f32 matrix for the GEMV's read-only 128-bit loads.</summary>
    public GlobalView<float> Global => GlobalView.Of(_floats ?? throw NotOf("float32"));

    private InvalidOperationException NotOf(string kind) => new($"Weight '{Name}' ({DType}, {Rows}×{Cols}) holds no {kind} elements.");

    private static MemoryBuffer1D<T, Stride1D.Dense> Upload<T>(Accelerator accelerator, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var buffer = accelerator.Allocate1D<T>(Math.Max(1, values.Length));
        ArrayView<T> view = buffer.View;
        view.SubView(0, values.Length).CopyFromCPU(values);
        return buffer;
    }

    public void Dispose()
    {
        _floats?.Dispose();
        _halves?.Dispose();
    }
}
