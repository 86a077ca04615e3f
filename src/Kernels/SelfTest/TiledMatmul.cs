using Kernels.Language;

namespace Kernels.SelfTest;

/// <summary>
/// C (m×n) = A (m×k) · B (k×n), row-major, with TTile×TTile tiles of A and B staged in shared memory; each
/// thread owns one element of C and accumulates in k order (out-of-range tile entries are 0).
/// </summary>
public static class TiledMatmul
{
    [Kernel]
    public static void Kernel<TTile>(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k)
        where TTile : struct, IConst
    {
        var tile = TTile.Value;
        var tileA = Shared.Allocate<float>(TTile.Value * TTile.Value);
        var tileB = Shared.Allocate<float>(TTile.Value * TTile.Value);
        var tx = Grid.ThreadIdxX;
        var ty = Grid.ThreadIdxY;
        var row = (Grid.BlockIdxY * tile) + ty;
        var col = (Grid.BlockIdxX * tile) + tx;
        var acc = 0f;
        for (var t0 = 0; t0 < k; t0 += tile)
        {
            tileA[(ty * tile) + tx] = row < m && t0 + tx < k ? a[(row * k) + t0 + tx] : 0f;
            tileB[(ty * tile) + tx] = t0 + ty < k && col < n ? b[((t0 + ty) * n) + col] : 0f;
            Block.Barrier();
            for (var kk = 0; kk < tile; kk++)
            {
                acc += tileA[(ty * tile) + kk] * tileB[(kk * tile) + tx];
            }
            Block.Barrier();
        }
        if (row < m && col < n)
        {
            c[(row * n) + col] = acc;
        }
    }

    public static void Check<TTile>(IKernelRuntime runtime, int m, int n, int k)
        where TTile : struct, IConst
    {
        var tile = TTile.Value;
        var a = Expect.RandomFloats(m * k, 6);
        var b = Expect.RandomFloats(k * n, 7);
        using var da = Expect.Upload<float>(runtime, a);
        using var db = Expect.Upload<float>(runtime, b);
        using var dc = runtime.Allocate<float>(m * n);
        var kernel = KernelCompiler.Compile(typeof(TiledMatmul), nameof(Kernel), null, typeof(TTile));
        runtime.Launch(kernel, new Dim3(Expect.CeilDiv(n, tile), Expect.CeilDiv(m, tile)), new Dim3(tile, tile), 0, da.View, db.View, dc.View, m, n, k);
        // Same k order, separate multiply and add roundings (the PTX uses mul.rn and add.rn): bit-exact.
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
        Expect.Equal<float>(expected, Expect.Download(dc), "C");
    }
}
