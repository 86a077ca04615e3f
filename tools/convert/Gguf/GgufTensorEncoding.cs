using System.Buffers.Binary;
using Loader.Safetensors;

namespace ConvertTool.Gguf;

/// <summary>
/// Encodes float32 rows as ggml tensor data. F16 and BF16 round to nearest, ties to even (the loader's
/// conversions, the same bits safetensors would hold). Q8_0 follows ggml's reference quantizer
/// (<c>quantize_row_q8_0_ref</c>): blocks of 32 values, <c>d = max|x| / 127</c> stored as F16, then
/// <c>q = round(x / d)</c> (half away from zero) as int8, 34 bytes per block.
/// </summary>
public static class GgufTensorEncoding
{
    public const int Q8BlockSize = 32;

    private const int Q8BlockBytes = 2 + Q8BlockSize;

    /// <summary>Bytes of <paramref name="elements"/> values of <paramref name="type"/> (a multiple of 32 for Q8_0).</summary>
    public static long ByteLength(GgmlType type, long elements) => type switch
    {
        GgmlType.F32 => elements * 4,
        GgmlType.F16 or GgmlType.BF16 => elements * 2,
        GgmlType.Q8_0 => elements / Q8BlockSize * Q8BlockBytes,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a type convert gguf writes"),
    };

    public static void Encode(ReadOnlySpan<float> source, GgmlType type, Span<byte> destination)
    {
        switch (type)
        {
            case GgmlType.F32:
                DtypeConversion.FromFloat32(source, SafetensorsDtype.F32, destination);
                break;
            case GgmlType.F16:
                DtypeConversion.FromFloat32(source, SafetensorsDtype.F16, destination);
                break;
            case GgmlType.BF16:
                DtypeConversion.FromFloat32(source, SafetensorsDtype.BF16, destination);
                break;
            default:
                QuantizeQ8(source, destination);
                break;
        }
    }

    private static void QuantizeQ8(ReadOnlySpan<float> source, Span<byte> destination)
    {
        if (source.Length % Q8BlockSize != 0)
        {
            throw new ArgumentException($"Q8_0 needs a multiple of {Q8BlockSize} values, got {source.Length}", nameof(source));
        }
        for (int b = 0, o = 0; b < source.Length; b += Q8BlockSize, o += Q8BlockBytes)
        {
            var block = source.Slice(b, Q8BlockSize);
            var amax = 0f;
            foreach (var x in block)
            {
                amax = MathF.Max(amax, MathF.Abs(x));
            }
            var d = amax / 127f;
            var id = d != 0 ? 1f / d : 0f;
            BinaryPrimitives.WriteHalfLittleEndian(destination[o..], (Half)d);
            for (var i = 0; i < Q8BlockSize; i++)
            {
                destination[o + 2 + i] = (byte)(sbyte)MathF.Round(block[i] * id, MidpointRounding.AwayFromZero);
            }
        }
    }
}
