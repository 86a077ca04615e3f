using ILGPU;
using ILGPU.Runtime;

namespace Kernels.SelfTest;

/// <summary>
/// Every atomic the kernels use: float max/min, float add, uint max, int min, exchange, and a
/// compare-and-swap election in which exactly one thread wins.
/// </summary>
public static class Atomics
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<uint>, ArrayView<int>> Entry = Kernel;

    /// <summary>f: [max, min, sum]; u: [max of hash]; s: [min of i·(-3), winner count, winner id + 1, last exchanged]</summary>
    public static void Kernel(ArrayView<float> x, ArrayView<float> f, ArrayView<uint> u, ArrayView<int> s)
    {
        var i = Grid.GlobalIndex.X;
        if (i >= x.IntLength)
        {
            return;
        }
        Atomic.Max(ref f[0], x[i]);
        Atomic.Min(ref f[1], x[i]);
        Atomic.Add(ref f[2], x[i]);
        Atomic.Max(ref u[0], (uint)i * 2654435761u);
        Atomic.Min(ref s[0], i * -3);
        if (Atomic.CompareExchange(ref s[2], 0, i + 1) == 0)
        {
            Atomic.Add(ref s[1], 1);
        }
        Atomic.Exchange(ref s[3], i);
    }

    public static void Check(KernelContext context, int n)
    {
        ArgumentNullException.ThrowIfNull(context);
        var x = Expect.RandomFloats(n, 10, -100f, 100f);
        using var dx = Expect.Upload(context, x);
        using var df = Expect.Upload(context, [float.NegativeInfinity, float.PositiveInfinity, 0f]);
        using var du = Expect.Zeros<uint>(context, 1);
        using var ds = Expect.Zeros<int>(context, 4);
        using var stream = context.CreateStream();
        context.Load(Entry)(stream, Expect.Config(Expect.CeilDiv(n, 64), 64), dx.View, df.View, du.View, ds.View);
        stream.Synchronize();
        var f = Expect.Download(df);
        var s = Expect.Download(ds);
        var u = Expect.Download(du);
        Expect.Equal<float>([x.Max(), x.Min()], f.AsSpan(0, 2), "max/min");
        // The float sum's order depends on thread timing: allow n roundings of the largest partial sum.
        Expect.Close([x.Sum()], f.AsSpan(2, 1), n * 100f * 6e-8f, 0f, "sum");
        Expect.Equal<uint>([Enumerable.Range(0, n).Max(i => (uint)i * 2654435761u)], u, "uint max");
        if (s[0] != (n - 1) * -3 || s[1] != 1 || s[2] < 1 || s[2] > n || s[3] < 0 || s[3] >= n)
        {
            throw new SelfTestFailure($"int atomics: min {s[0]} (expected {(n - 1) * -3}), winners {s[1]} (expected 1), winner {s[2]}, last {s[3]}.");
        }
    }
}
