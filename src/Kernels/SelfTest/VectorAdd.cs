using Kernels.Language;

namespace Kernels.SelfTest;

/// <summary>c = a + b, one thread per element; the grid rounds up and the tail threads return early.</summary>
public static class VectorAdd
{
    [Kernel]
    public static void Kernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c)
    {
        var i = Grid.GlobalIndexX;
        if (i >= c.Length)
        {
            return;
        }
        c[i] = a[i] + b[i];
    }

    public static void Check(IKernelRuntime runtime, int n)
    {
        var a = Expect.RandomFloats(n, 1);
        var b = Expect.RandomFloats(n, 2);
        using var da = Expect.Upload<float>(runtime, a);
        using var db = Expect.Upload<float>(runtime, b);
        using var dc = runtime.Allocate<float>(n);
        const int block = 64;
        runtime.Launch(KernelCompiler.Compile(typeof(VectorAdd), nameof(Kernel)), Expect.CeilDiv(n, block), block, 0, da.View, db.View, dc.View);
        var expected = new float[n];
        for (var i = 0; i < n; i++)
        {
            expected[i] = a[i] + b[i];
        }
        // Exact: one IEEE add (add.rn.f32) per element on both sides.
        Expect.Equal<float>(expected, Expect.Download(dc), "c");
    }
}
