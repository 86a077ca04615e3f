using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Loader.Safetensors;

/// <summary>
/// Element conversions between safetensors dtypes and float32. BF16 is the top half of a float32, so
/// widening is a 16-bit shift and narrowing rounds to nearest, ties to even; F16 goes through
/// <see cref="TensorPrimitives"/>; FP8 decodes through 256-entry tables.
/// </summary>
public static class DtypeConversion
{
    private static readonly float[] E4M3Table = BuildFp8Table(exponentBits: 4, mantissaBits: 3, bias: 7, hasInfinity: false);
    private static readonly float[] E5M2Table = BuildFp8Table(exponentBits: 5, mantissaBits: 2, bias: 15, hasInfinity: true);

    /// <summary>
    /// Converts <paramref name="source"/> (little-endian elements of <paramref name="dtype"/>) to float32.
    /// F32 copies; F16, BF16 and FP8 widen exactly; F64 rounds to nearest float32; integers convert to the
    /// nearest float32 (exact up to 2^24); BOOL gives 1 for any non-zero byte, else 0. FP8 follows
    /// safetensors/PyTorch: F8_E4M3 is the "fn" variant (bias 7, no infinities, S.1111.111 is NaN, max 448);
    /// F8_E5M2 is IEEE-like (bias 15, with infinities). <paramref name="destination"/> length must be
    /// <c>source.Length / size</c>.
    /// </summary>
    public static void ToFloat32(SafetensorsDtype dtype, ReadOnlySpan<byte> source, Span<float> destination, string file = "(memory)", string? tensor = null)
    {
        var size = SafetensorsDtypes.SizeOf(dtype);
        if (source.Length % size != 0 || source.Length / size != destination.Length)
        {
            throw new ArgumentException($"{source.Length} bytes of {SafetensorsDtypes.HeaderName(dtype)} do not fill {destination.Length} floats");
        }
        switch (dtype)
        {
            case SafetensorsDtype.F32:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                break;
            case SafetensorsDtype.BF16:
                Bf16ToFloat32(MemoryMarshal.Cast<byte, ushort>(source), destination);
                break;
            case SafetensorsDtype.F16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
                break;
            case SafetensorsDtype.F64:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, double>(source), destination);
                break;
            case SafetensorsDtype.F8E4M3:
                Lookup(E4M3Table, source, destination);
                break;
            case SafetensorsDtype.F8E5M2:
                Lookup(E5M2Table, source, destination);
                break;
            case SafetensorsDtype.Bool:
                for (var i = 0; i < source.Length; i++)
                {
                    destination[i] = source[i] != 0 ? 1f : 0f;
                }
                break;
            case SafetensorsDtype.U8:
                TensorPrimitives.ConvertTruncating(source, destination);
                break;
            case SafetensorsDtype.I8:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, sbyte>(source), destination);
                break;
            case SafetensorsDtype.I16:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, short>(source), destination);
                break;
            case SafetensorsDtype.U16:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, ushort>(source), destination);
                break;
            case SafetensorsDtype.I32:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, int>(source), destination);
                break;
            case SafetensorsDtype.U32:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, uint>(source), destination);
                break;
            case SafetensorsDtype.I64:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, long>(source), destination);
                break;
            case SafetensorsDtype.U64:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, ulong>(source), destination);
                break;
            default:
                throw new SafetensorsFormatException(file, tensor, $"dtype {dtype} has no float32 conversion");
        }
    }

    /// <summary>
    /// Converts float32 to <paramref name="dtype"/> bytes: F32 copies, F16 rounds to nearest even (IEEE),
    /// BF16 rounds to nearest even (NaN stays a quiet NaN), F64 widens exactly. Any other target dtype throws
    /// <see cref="SafetensorsFormatException"/> ("unsupported dtype").
    /// </summary>
    public static void FromFloat32(ReadOnlySpan<float> source, SafetensorsDtype dtype, Span<byte> destination, string file = "(memory)", string? tensor = null)
    {
        if (!SafetensorsDtypes.IsFloatingPoint(dtype))
        {
            throw new SafetensorsFormatException(file, tensor, $"unsupported target dtype {SafetensorsDtypes.HeaderName(dtype)}: only F32, F16, BF16 and F64 can be written from float32");
        }
        var size = SafetensorsDtypes.SizeOf(dtype);
        if (destination.Length != source.Length * size)
        {
            throw new ArgumentException($"{destination.Length} bytes cannot hold {source.Length} elements of {SafetensorsDtypes.HeaderName(dtype)}", nameof(destination));
        }
        switch (dtype)
        {
            case SafetensorsDtype.F32:
                MemoryMarshal.AsBytes(source).CopyTo(destination);
                break;
            case SafetensorsDtype.BF16:
                Float32ToBf16(source, MemoryMarshal.Cast<byte, ushort>(destination));
                break;
            case SafetensorsDtype.F16:
                TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<byte, Half>(destination));
                break;
            default:
                TensorPrimitives.ConvertTruncating(source, MemoryMarshal.Cast<byte, double>(destination));
                break;
        }
    }

    /// <summary>
    /// Converts between any source dtype with a float32 conversion and a floating-point target (F32, F16,
    /// BF16, F64) through float32, in stack-sized blocks: the result equals <see cref="ToFloat32"/> followed by
    /// <see cref="FromFloat32"/>. Equal dtypes copy. <paramref name="destination"/> must hold exactly the same
    /// element count.
    /// </summary>
    public static void Convert(SafetensorsDtype sourceDtype, ReadOnlySpan<byte> source, SafetensorsDtype targetDtype, Span<byte> destination, string file = "(memory)", string? tensor = null)
    {
        var sourceSize = SafetensorsDtypes.SizeOf(sourceDtype);
        var targetSize = SafetensorsDtypes.SizeOf(targetDtype);
        if (source.Length % sourceSize != 0 || source.Length / sourceSize * targetSize != destination.Length)
        {
            throw new ArgumentException($"{source.Length} bytes of {SafetensorsDtypes.HeaderName(sourceDtype)} do not convert into {destination.Length} bytes of {SafetensorsDtypes.HeaderName(targetDtype)}");
        }
        if (sourceDtype == targetDtype)
        {
            source.CopyTo(destination);
            return;
        }
        if (targetDtype == SafetensorsDtype.F32)
        {
            ToFloat32(sourceDtype, source, MemoryMarshal.Cast<byte, float>(destination), file, tensor);
            return;
        }
        if (sourceDtype == SafetensorsDtype.F32)
        {
            FromFloat32(MemoryMarshal.Cast<byte, float>(source), targetDtype, destination, file, tensor);
            return;
        }
        const int Block = 1024;
        Span<float> floats = stackalloc float[Block];
        for (var start = 0; start < source.Length / sourceSize; start += Block)
        {
            var count = Math.Min(Block, (source.Length / sourceSize) - start);
            ToFloat32(sourceDtype, source.Slice(start * sourceSize, count * sourceSize), floats[..count], file, tensor);
            FromFloat32(floats[..count], targetDtype, destination.Slice(start * targetSize, count * targetSize), file, tensor);
        }
    }

    /// <summary>BF16 → F32: the BF16 bits are the top 16 bits of the float32, so the widening is exact.</summary>
    public static void Bf16ToFloat32(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, source.Length, nameof(destination));
        var bits = MemoryMarshal.Cast<float, uint>(destination);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= source.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                var (lower, upper) = Vector256.Widen(Vector256.Create(source.Slice(i, Vector256<ushort>.Count)));
                Vector256.ShiftLeft(lower, 16).CopyTo(bits.Slice(i));
                Vector256.ShiftLeft(upper, 16).CopyTo(bits.Slice(i + Vector256<uint>.Count));
            }
        }
        for (; i < source.Length; i++)
        {
            bits[i] = (uint)source[i] << 16;
        }
    }

    /// <summary>
    /// F32 → BF16 rounding to nearest, ties to even: add 0x7FFF plus the lowest kept bit, then keep the top
    /// 16 bits. NaNs skip the rounding (which could carry them into infinity) and get the quiet bit set.
    /// </summary>
    public static void Float32ToBf16(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, source.Length, nameof(destination));
        var bits = MemoryMarshal.Cast<float, uint>(source);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var exponentMask = Vector256.Create(0x7F80_0000u);
            var absMask = Vector256.Create(0x7FFF_FFFFu);
            for (; i <= bits.Length - 2 * Vector256<uint>.Count; i += 2 * Vector256<uint>.Count)
            {
                var lower = RoundToBf16(Vector256.Create(bits.Slice(i, Vector256<uint>.Count)), absMask, exponentMask);
                var upper = RoundToBf16(Vector256.Create(bits.Slice(i + Vector256<uint>.Count, Vector256<uint>.Count)), absMask, exponentMask);
                Vector256.Narrow(lower, upper).CopyTo(destination.Slice(i));
            }
        }
        for (; i < bits.Length; i++)
        {
            destination[i] = RoundToBf16(bits[i]);
        }
    }

    /// <summary>The scalar rule of <see cref="Float32ToBf16(ReadOnlySpan{float}, Span{ushort})"/> for one float's bits.</summary>
    public static ushort RoundToBf16(uint bits)
    {
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000)
        {
            return (ushort)((bits >> 16) | 0x40);
        }
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }

    private static Vector256<uint> RoundToBf16(Vector256<uint> bits, Vector256<uint> absMask, Vector256<uint> exponentMask)
    {
        var rounded = Vector256.ShiftRightLogical(bits + Vector256.Create(0x7FFFu) + (Vector256.ShiftRightLogical(bits, 16) & Vector256<uint>.One), 16);
        var quietNan = Vector256.ShiftRightLogical(bits, 16) | Vector256.Create(0x40u);
        var isNan = Vector256.GreaterThan(bits & absMask, exponentMask);
        return Vector256.ConditionalSelect(isNan, quietNan, rounded);
    }

    private static void Lookup(float[] table, ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = table[source[i]];
        }
    }

    /// <summary>Decodes all 256 codes of an FP8 format: sign, exponent with bias, mantissa, subnormals at exponent 0.</summary>
    private static float[] BuildFp8Table(int exponentBits, int mantissaBits, int bias, bool hasInfinity)
    {
        var table = new float[256];
        var maxExponent = (1 << exponentBits) - 1;
        var mantissaMask = (1 << mantissaBits) - 1;
        for (var code = 0; code < 256; code++)
        {
            var sign = (code & 0x80) != 0 ? -1f : 1f;
            var exponent = (code >> mantissaBits) & maxExponent;
            var mantissa = code & mantissaMask;
            float magnitude;
            if (exponent == maxExponent && hasInfinity)
            {
                magnitude = mantissa == 0 ? float.PositiveInfinity : float.NaN;
            }
            else if (exponent == maxExponent && mantissa == mantissaMask)
            {
                magnitude = float.NaN; // E4M3fn: only S.1111.111 is NaN; the rest of the top exponent are finite.
            }
            else if (exponent == 0)
            {
                magnitude = mantissa * MathF.Pow(2, 1 - bias - mantissaBits);
            }
            else
            {
                magnitude = (1 + (float)mantissa / (1 << mantissaBits)) * MathF.Pow(2, exponent - bias);
            }
            table[code] = sign * magnitude;
        }
        return table;
    }
}
