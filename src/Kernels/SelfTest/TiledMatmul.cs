using ILGPU;
using ILGPU.Runtime;
using Kernels.Language;

namespace Kernels.SelfTest;

/// <summary>
/// C (m×n) = A (m×k) · B (k×n), row-major, with TTile×TTile tiles of A and B staged in shared memory; each
/// thread owns one element of C and accumulates in k order (out-of-range tile entries are 0).
/// </summary>
public static class TiledMatmul
{
    public static void Kernel<TTile>(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k)
        where TTile : struct, IConst
    {
        var tile = TTile.Value;
        var tileA = SharedMemory.Allocate<float>(TTile.Value * TTile.Value);
        var tileB = SharedMemory.Allocate<float>(TTile.Value * TTile.Value);
        var tx = Group.IdxX;
        var ty = Group.IdxY;
        var row = (Grid.IdxY * tile) + ty;
        var col = (Grid.IdxX * tile) + tx;
        var acc = 0f;
        for (var t0 = 0; t0 < k; t0 += tile)
        {
            tileA[(ty * tile) + tx] = row < m && t0 + tx < k ? a[(row * k) + t0 + tx] : 0f;
            tileB[(ty * tile) + tx] = t0 + ty < k && col < n ? b[((t0 + ty) * n) + col] : 0f;
            Group.Barrier();
            for (var kk = 0; kk < tile; kk++)
            {
                acc += tileA[(ty * tile) + kk] * tileB[(kk * tile) + tx];
            }
            Group.Barrier();
        }
        if (row < m && col < n)
        {
            c[(row * n) + col] = acc;
        }
    }

    public static void Check<TTile>(KernelContext context, int m, int n, int k)
        where TTile : struct, IConst
    {
        ArgumentNullException.ThrowIfNull(context);
        var tile = TTile.Value;
        var a = Expect.RandomFloats(m * k, 6);
        var b = Expect.RandomFloats(k * n, 7);
        using var da = Expect.Upload(context, a);
        using var db = Expect.Upload(context, b);
        using var dc = Expect.Zeros<float>(context, m * n);
        using var stream = context.CreateStream();
        var config = new KernelConfig(new Index2D(Expect.CeilDiv(n, tile), Expect.CeilDiv(m, tile)), new Index2D(tile, tile));
        context.Load<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(Kernel<TTile>)(stream, config, da.View, db.View, dc.View, m, n, k);
        stream.Synchronize();
        // Same k order and a rounded product before each add: bit-exact on the CPU accelerator. ILGPU emits
        // mul.f32/add.f32 without .rn, which ptxas may contract into fma: on CUDA allow one rounding per term.
        var expected = new float[m * n];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var acc = 0f;
                for (var p = 0; p < k; p++)
                {
                    var product = a[(i * k) + p] * b[(p * n) + j];
                    acc += product;
                }
                expected[(i * n) + j] = acc;
            }
        }
        if (context.IsCuda)
        {
            Expect.Close(expected, Expect.Download(dc), k * 6e-8f, 1e-6f, "C");
        }
        else
        {
            Expect.Equal<float>(expected, Expect.Download(dc), "C");
        }
    }
}
