using ILGPU;
using Kernels.Language;

namespace Engine.Backends.Cuda.Gemm;

/// <summary>
/// One warp's accumulators in <see cref="TensorCoreGemm"/>: up to 4 (m16) × 4 (n8) mma tiles, Cij for m tile i and
/// n tile j. Fields rather than an array, and every index a constant, so they stay in registers (an indexed
/// register array goes to local memory).
/// </summary>
internal struct WarpAccumulators
{
    private Float4 _c00, _c01, _c02, _c03;
    private Float4 _c10, _c11, _c12, _c13;
    private Float4 _c20, _c21, _c22, _c23;
    private Float4 _c30, _c31, _c32, _c33;

    /// <summary>Ci· += A_i · [B0 B1 B2 B3] for m tile <paramref name="i"/> (a constant at every call).</summary>
    public void Mma<TFormat>(int i, UInt4 a, UInt2 b0, UInt2 b1, UInt2 b2, UInt2 b3)
        where TFormat : struct, IMmaFormat
    {
        if (i == 0)
        {
            _c00 = TFormat.Mma(a, b0, _c00);
            _c01 = TFormat.Mma(a, b1, _c01);
            _c02 = TFormat.Mma(a, b2, _c02);
            _c03 = TFormat.Mma(a, b3, _c03);
        }
        else if (i == 1)
        {
            _c10 = TFormat.Mma(a, b0, _c10);
            _c11 = TFormat.Mma(a, b1, _c11);
            _c12 = TFormat.Mma(a, b2, _c12);
            _c13 = TFormat.Mma(a, b3, _c13);
        }
        else if (i == 2)
        {
            _c20 = TFormat.Mma(a, b0, _c20);
            _c21 = TFormat.Mma(a, b1, _c21);
            _c22 = TFormat.Mma(a, b2, _c22);
            _c23 = TFormat.Mma(a, b3, _c23);
        }
        else
        {
            _c30 = TFormat.Mma(a, b0, _c30);
            _c31 = TFormat.Mma(a, b1, _c31);
            _c32 = TFormat.Mma(a, b2, _c32);
            _c33 = TFormat.Mma(a, b3, _c33);
        }
    }

    /// <summary>
    /// out[row, col] = C (+ bias[col] where <paramref name="addBias"/>) for the first <paramref name="mTiles"/> m
    /// tiles, inside (m, n) only; <paramref name="output"/> is y itself or, with split-K, this split's (m, n) slab
    /// of the partial sums. This lane holds rows row0 + 16i + {0, 8} and columns col0 + 8j + {0, 1} (the mma
    /// accumulator layout).
    /// </summary>
    public readonly void Store(int mTiles, ArrayView<float> output, ArrayView<float> bias, TensorCoreGemm.Shape shape, bool addBias, int row0, int col0)
    {
        if (!addBias)
        {
            shape = shape with { HasBias = 0 };
        }
        StoreRow(_c00, _c01, _c02, _c03, output, bias, shape, row0, col0);
        if (mTiles > 1)
        {
            StoreRow(_c10, _c11, _c12, _c13, output, bias, shape, row0 + 16, col0);
        }
        if (mTiles > 2)
        {
            StoreRow(_c20, _c21, _c22, _c23, output, bias, shape, row0 + 32, col0);
            StoreRow(_c30, _c31, _c32, _c33, output, bias, shape, row0 + 48, col0);
        }
    }

    private static void StoreRow(Float4 c0, Float4 c1, Float4 c2, Float4 c3, ArrayView<float> output, ArrayView<float> bias, TensorCoreGemm.Shape shape, int row, int col)
    {
        StoreTile(c0, output, bias, shape, row, col);
        StoreTile(c1, output, bias, shape, row, col + 8);
        StoreTile(c2, output, bias, shape, row, col + 16);
        StoreTile(c3, output, bias, shape, row, col + 24);
    }

    private static void StoreTile(Float4 c, ArrayView<float> output, ArrayView<float> bias, TensorCoreGemm.Shape shape, int row, int col)
    {
        Put(c.X, output, bias, shape, row, col);
        Put(c.Y, output, bias, shape, row, col + 1);
        Put(c.Z, output, bias, shape, row + 8, col);
        Put(c.W, output, bias, shape, row + 8, col + 1);
    }

    private static void Put(float value, ArrayView<float> output, ArrayView<float> bias, TensorCoreGemm.Shape shape, int row, int col)
    {
        if (row < shape.M && col < shape.N)
        {
            output[(row * shape.N) + col] = shape.HasBias != 0 ? value + bias[col] : value;
        }
    }
}
