using ILGPU;
using ILGPU.Runtime;
using Kernels;
using Kernels.Language;
using Half = ILGPU.Half;

namespace Engine.Backends.Cuda;

/// <summary>
/// Embedding gather: x[r] = table[tokens[r]] widened to float32, one thread per output element. The table
/// (vocab, dim) stays in its checkpoint dtype: one kernel per dtype (bf16 widening is exact, f16 too).
/// </summary>
public static class EmbeddingGather
{
    public static readonly Action<ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int> F32Entry = F32;

    public static readonly Action<ArrayView<BFloat16>, ArrayView<int>, ArrayView<float>, int, int> Bf16Entry = Bf16;

    public static readonly Action<ArrayView<Half>, ArrayView<int>, ArrayView<float>, int, int> F16Entry = F16;

    public static void F32(ArrayView<float> table, ArrayView<int> tokens, ArrayView<float> x, int dim, int count)
    {
        var i = Grid.GlobalIndex.X;
        if (i < count)
        {
            x[i] = table[Source(tokens, dim, i)];
        }
    }

    public static void Bf16(ArrayView<BFloat16> table, ArrayView<int> tokens, ArrayView<float> x, int dim, int count)
    {
        var i = Grid.GlobalIndex.X;
        if (i < count)
        {
            x[i] = Kernels.Language.Bf16.Load(table, Source(tokens, dim, i));
        }
    }

    public static void F16(ArrayView<Half> table, ArrayView<int> tokens, ArrayView<float> x, int dim, int count)
    {
        var i = Grid.GlobalIndex.X;
        if (i < count)
        {
            x[i] = table[Source(tokens, dim, i)];
        }
    }

    /// <summary>The table element output element <paramref name="i"/> copies: row tokens[i / dim], column i % dim.</summary>
    private static int Source(ArrayView<int> tokens, int dim, int i)
    {
        var row = i / dim;
        return (tokens[row] * dim) + (i - (row * dim));
    }

    /// <summary>Checks the shapes and every token against the vocabulary on the host, then returns the element count to launch (0: nothing to do).</summary>
    public static int Check(long tableLength, int vocab, int dim, ReadOnlySpan<int> hostTokens, long tokensLength, long xLength)
    {
        var rows = hostTokens.Length;
        if (vocab < 0 || dim <= 0 || tableLength < (long)vocab * dim || tokensLength < rows || xLength < (long)rows * dim)
        {
            throw new ArgumentException(
                $"{nameof(EmbeddingGather)}: a ({vocab}, {dim}) table and {rows} tokens need {(long)vocab * dim} table and {(long)rows * dim} output elements; got {tableLength}, {xLength} ({tokensLength} token slots).");
        }
        for (var r = 0; r < rows; r++)
        {
            if ((uint)hostTokens[r] >= (uint)vocab)
            {
                throw new ArgumentOutOfRangeException(nameof(hostTokens), $"Token id {hostTokens[r]} (row {r}) is outside the vocabulary (0..{vocab - 1}).");
            }
        }
        return rows * dim;
    }

    public static void LaunchF32(KernelContext context, AcceleratorStream stream, ArrayView<float> table, int vocab, int dim, ArrayView<int> tokens, ReadOnlySpan<int> hostTokens, ArrayView<float> x)
    {
        ArgumentNullException.ThrowIfNull(context);
        var count = Check(table.Length, vocab, dim, hostTokens, tokens.Length, x.Length);
        if (count > 0)
        {
            context.Load(F32Entry)(stream, RowShapes.OneThreadPerElement(count), table, tokens, x, dim, count);
        }
    }

    public static void LaunchBf16(KernelContext context, AcceleratorStream stream, ArrayView<BFloat16> table, int vocab, int dim, ArrayView<int> tokens, ReadOnlySpan<int> hostTokens, ArrayView<float> x)
    {
        ArgumentNullException.ThrowIfNull(context);
        var count = Check(table.Length, vocab, dim, hostTokens, tokens.Length, x.Length);
        if (count > 0)
        {
            context.Load(Bf16Entry)(stream, RowShapes.OneThreadPerElement(count), table, tokens, x, dim, count);
        }
    }

    public static void LaunchF16(KernelContext context, AcceleratorStream stream, ArrayView<Half> table, int vocab, int dim, ArrayView<int> tokens, ReadOnlySpan<int> hostTokens, ArrayView<float> x)
    {
        ArgumentNullException.ThrowIfNull(context);
        var count = Check(table.Length, vocab, dim, hostTokens, tokens.Length, x.Length);
        if (count > 0)
        {
            context.Load(F16Entry)(stream, RowShapes.OneThreadPerElement(count), table, tokens, x, dim, count);
        }
    }
}
