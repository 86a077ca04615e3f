using Kernels.Language;

namespace Kernels.SelfTest;

/// <summary>y = alpha · x with 128-bit loads and stores for whole groups of 4 and a scalar tail.</summary>
public static class VectorLoads
{
    [Kernel]
    public static void Kernel(ArrayView<float> x, ArrayView<float> y, float alpha)
    {
        var i = Grid.GlobalIndexX * 4;
        if (i + 3 < x.Length)
        {
            var v = Vector.Load4(x, i);
            v.X *= alpha;
            v.Y *= alpha;
            v.Z *= alpha;
            v.W *= alpha;
            Vector.Store4(y, i, v);
        }
        else
        {
            for (var j = i; j < x.Length; j++)
            {
                y[j] = x[j] * alpha;
            }
        }
    }

    /// <summary>Copies words with ld.global.v4.b32 / st.global.v4.b32, swapping the halves of each group.</summary>
    [Kernel]
    public static void SwapKernel(ArrayView<uint> x, ArrayView<uint> y)
    {
        var i = Grid.GlobalIndexX * 4;
        if (i + 3 < x.Length)
        {
            var v = Vector.Load4(x, i);
            Vector.Store4(y, i, new UInt4(v.Z, v.W, v.X, v.Y));
        }
    }

    public static void Check(IKernelRuntime runtime, int n)
    {
        var x = Expect.RandomFloats(n, 9);
        using var dx = Expect.Upload<float>(runtime, x);
        using var dy = runtime.Allocate<float>(n);
        runtime.Launch(KernelCompiler.Compile(typeof(VectorLoads), nameof(Kernel)), Expect.CeilDiv(Expect.CeilDiv(n, 4), 32), 32, 0, dx.View, dy.View, 1.5f);
        Expect.Equal<float>(x.Select(v => v * 1.5f).ToArray(), Expect.Download(dy), "y");

        var words = Enumerable.Range(0, n / 4 * 4).Select(i => (uint)(i * 2654435761u)).ToArray();
        using var dw = Expect.Upload<uint>(runtime, words);
        using var dz = runtime.Allocate<uint>(words.Length);
        if (words.Length > 0)
        {
            runtime.Launch(KernelCompiler.Compile(typeof(VectorLoads), nameof(SwapKernel)), Expect.CeilDiv(words.Length / 4, 32), 32, 0, dw.View, dz.View);
        }
        var expected = words.Select((_, i) => words[(i & ~3) + ((i + 2) & 3)]).ToArray();
        Expect.Equal<uint>(expected, Expect.Download(dz), "swapped words");
    }
}
