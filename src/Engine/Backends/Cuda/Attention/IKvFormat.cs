using ILGPU;
using Kernels.Language;

namespace Engine.Backends.Cuda.Attention;

/// <summary>
/// A KV-cache element type as the attention kernels read it: the cache is seen as 32-bit words (one f32 element,
/// or two 16-bit elements, the lower index in bits 0..15), loaded 128 bits at a time and widened to float32 in
/// shared memory. A struct type argument with static members, so each format is its own kernel and the
/// widening folds to one or two instructions.
/// </summary>
public interface IKvFormat
{
    /// <summary>Elements per 32-bit word: 1 (f32) or 2 (bf16, f16).</summary>
    static abstract int PerWord { get; }

    /// <summary>Widens the 4·<see cref="PerWord"/> elements of one 128-bit load into <paramref name="row"/> from <paramref name="at"/> on.</summary>
    static abstract void Widen(UInt4 words, ArrayView<float> row, int at);
}

/// <summary>float32 cache (tests): a word is the element.</summary>
public readonly struct F32Kv : IKvFormat
{
    public static int PerWord => 1;

    public static void Widen(UInt4 words, ArrayView<float> row, int at)
    {
        row[at] = Interop.IntAsFloat(words.X);
        row[at + 1] = Interop.IntAsFloat(words.Y);
        row[at + 2] = Interop.IntAsFloat(words.Z);
        row[at + 3] = Interop.IntAsFloat(words.W);
    }
}

/// <summary>bfloat16 cache: each half of a word becomes the top half of a float (exact).</summary>
public readonly struct Bf16Kv : IKvFormat
{
    public static int PerWord => 2;

    public static void Widen(UInt4 words, ArrayView<float> row, int at)
    {
        Pair(words.X, row, at);
        Pair(words.Y, row, at + 2);
        Pair(words.Z, row, at + 4);
        Pair(words.W, row, at + 6);
    }

    private static void Pair(uint word, ArrayView<float> row, int at)
    {
        row[at] = Interop.IntAsFloat(word << 16);
        row[at + 1] = Interop.IntAsFloat(word & 0xFFFF_0000u);
    }
}

/// <summary>IEEE half cache: cvt.f32.f16 of each half (exact), as <see cref="F16Format"/> widens GEMV weights.</summary>
public readonly struct F16Kv : IKvFormat
{
    public static int PerWord => 2;

    public static void Widen(UInt4 words, ArrayView<float> row, int at)
    {
        Pair(words.X, row, at);
        Pair(words.Y, row, at + 2);
        Pair(words.Z, row, at + 4);
        Pair(words.W, row, at + 6);
    }

    private static void Pair(uint word, ArrayView<float> row, int at)
    {
        var format = default(F16Format);
        row[at] = format.Widen((ushort)word);
        row[at + 1] = format.Widen((ushort)(word >> 16));
    }
}
