using ILGPU;
using ILGPU.Runtime;

namespace Kernels.SelfTest;

/// <summary>c = a + b, one thread per element; the grid rounds up and the tail threads return early.</summary>
public static class VectorAdd
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<float>> Entry = Kernel;

    public static void Kernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c)
    {
        var i = Grid.GlobalIndex.X;
        if (i >= c.IntLength)
        {
            return;
        }
        c[i] = a[i] + b[i];
    }

    public static void Check(KernelContext context, int n)
    {
        ArgumentNullException.ThrowIfNull(context);
        var a = Expect.RandomFloats(n, 1);
        var b = Expect.RandomFloats(n, 2);
        using var da = Expect.Upload(context, a);
        using var db = Expect.Upload(context, b);
        using var dc = Expect.Zeros<float>(context, n);
        const int group = 64;
        using var stream = context.CreateStream();
        context.Load(Entry)(stream, Expect.Config(Expect.CeilDiv(n, group), group), da.View, db.View, dc.View);
        stream.Synchronize();
        var expected = new float[n];
        for (var i = 0; i < n; i++)
        {
            expected[i] = a[i] + b[i];
        }
        // Exact: one IEEE add (add.f32, round to nearest) per element on both sides.
        Expect.Equal<float>(expected, Expect.Download(dc), "c");
    }
}
