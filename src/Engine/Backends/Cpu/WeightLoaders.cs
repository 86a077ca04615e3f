using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Backends.Cpu;

/// <summary>
/// Widens 16 consecutive weights of one dtype to a Vector512&lt;float&gt; in registers. Kernels
/// are generic over this so RyuJIT compiles one specialised loop per dtype (TensorPrimitives' operator-struct
/// pattern).
/// </summary>
internal unsafe interface IWeightLoader
{
    static abstract int ElementSize { get; }

    static abstract Vector512<float> Load16(byte* row, nint index);

    static abstract float Load1(byte* row, nint index);
}

internal readonly unsafe struct F32Loader : IWeightLoader
{
    public static int ElementSize => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load16(byte* row, nint index) => Vector512.Load((float*)row + index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load1(byte* row, nint index) => ((float*)row)[index];
}

internal readonly unsafe struct Bf16Loader : IWeightLoader
{
    public static int ElementSize => 2;

    // bf16 → f32 is a 16-bit left shift of the zero-extended bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load16(byte* row, nint index)
    {
        var p = (ushort*)row + index;
        Vector512<uint> wide = Avx512F.IsSupported
            ? Avx512F.ConvertToVector512UInt32(Vector256.Load(p))
            : Vector512.WidenLower(Vector512.Create(Vector256.Load(p), Vector256<ushort>.Zero));
        return Vector512.ShiftLeft(wide, 16).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load1(byte* row, nint index) => BitConverter.Int32BitsToSingle(((ushort*)row)[index] << 16);
}

internal readonly unsafe struct F16Loader : IWeightLoader
{
    public static int ElementSize => 2;

    // f16 → f32 without F16C: move exponent+mantissa up 13 bits and multiply by 2^112 (rebias 15 → 127, which
    // also normalises subnormals); exponent 31 (inf/NaN) is forced to 255; the sign is moved up 16 bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load16(byte* row, nint index)
    {
        var p = (ushort*)row + index;
        Vector512<uint> h = Avx512F.IsSupported
            ? Avx512F.ConvertToVector512UInt32(Vector256.Load(p))
            : Vector512.WidenLower(Vector512.Create(Vector256.Load(p), Vector256<ushort>.Zero));
        var magnitude = Vector512.ShiftLeft(h & Vector512.Create(0x7FFFu), 13);
        var value = magnitude.AsSingle() * Vector512.Create(5.192296858534828e33f);
        var infNan = Vector512.GreaterThanOrEqual(magnitude, Vector512.Create(0x0F800000u));
        value = Vector512.ConditionalSelect(infNan.AsSingle(), (magnitude | Vector512.Create(0x7F800000u)).AsSingle(), value);
        return (value.AsUInt32() | Vector512.ShiftLeft(h & Vector512.Create(0x8000u), 16)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load1(byte* row, nint index) => (float)((Half*)row)[index];
}
