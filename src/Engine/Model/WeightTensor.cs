using Loader.Safetensors;

namespace Engine.Model;

/// <summary>
/// One named, read-only weight tensor: element type, row-major shape and the raw little-endian bytes (often a
/// view into a memory-mapped checkpoint). A matrix of shape [rows, cols] maps a cols-vector to a rows-vector.
/// </summary>
public sealed class WeightTensor
{
    public WeightTensor(string name, DType dtype, IReadOnlyList<int> shape, ReadOnlyMemory<byte> bytes)
    {
        Name = name;
        DType = dtype;
        Shape = shape.ToArray();
        long count = 1;
        foreach (var d in Shape)
        {
            if (d < 0)
            {
                throw new InvalidDataException($"Tensor '{name}': negative dimension in shape [{string.Join(", ", Shape)}].");
            }
            count *= d;
        }
        ElementCount = count;
        if (bytes.Length != count * ElementSize(dtype))
        {
            throw new InvalidDataException(
                $"Tensor '{name}': {bytes.Length} bytes do not hold shape [{string.Join(", ", Shape)}] of {dtype} ({count * ElementSize(dtype)} bytes).");
        }
        Bytes = bytes;
    }

    public string Name { get; }

    public DType DType { get; }

    public IReadOnlyList<int> Shape { get; }

    public long ElementCount { get; }

    public ReadOnlyMemory<byte> Bytes { get; }

    public static int ElementSize(DType dtype) => dtype == DType.F32 ? 4 : 2;

    /// <summary>Stores <paramref name="values"/> as <paramref name="dtype"/> (round-to-nearest-even for F16 and BF16).</summary>
    public static WeightTensor FromFloats(string name, ReadOnlySpan<float> values, IReadOnlyList<int> shape, DType dtype = DType.F32)
    {
        var bytes = new byte[values.Length * ElementSize(dtype)];
        DtypeConversion.FromFloat32(values, DTypeMapping.ToSafetensors(dtype), bytes, "(memory)", name);
        return new WeightTensor(name, dtype, shape, bytes);
    }

    /// <summary>Widens every element to float32 (load time and tests only).</summary>
    public float[] ToFloats()
    {
        var result = new float[ElementCount];
        DtypeConversion.ToFloat32(DTypeMapping.ToSafetensors(DType), Bytes.Span, result, "(memory)", Name);
        return result;
    }
}
