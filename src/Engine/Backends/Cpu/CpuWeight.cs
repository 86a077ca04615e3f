using System.Buffers;
using Engine.Model;

namespace Engine.Backends.Cpu;

/// <summary>
/// A weight kept in its checkpoint dtype and pinned for the backend's lifetime (it may be a view of a memory-mapped
/// file). 1-D weights (norms, biases) are also widened once to float32, since kernels read them per row.
/// </summary>
internal sealed unsafe class CpuWeight : IDeviceWeight, IDisposable
{
    private MemoryHandle _pin;

    public CpuWeight(WeightTensor tensor)
    {
        Name = tensor.Name;
        DType = tensor.DType;
        var shape = tensor.Shape;
        if (shape.Count == 1)
        {
            Rows = 1;
            Cols = shape[0];
            Floats = tensor.ToFloats();
        }
        else if (shape.Count == 2)
        {
            Rows = shape[0];
            Cols = shape[1];
        }
        else
        {
            throw new InvalidDataException($"Tensor '{tensor.Name}': the CPU backend takes 1-D or 2-D weights, got rank {shape.Count}.");
        }
        _pin = tensor.Bytes.Pin();
        Data = (byte*)_pin.Pointer;
    }

    public string Name { get; }

    public DType DType { get; }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>Row-major elements of <see cref="DType"/>.</summary>
    public byte* Data { get; }

    /// <summary>The widened values of a 1-D weight; null for matrices.</summary>
    public float[]? Floats { get; }

    public void Dispose() => _pin.Dispose();
}
