using ILGPU;
using ILGPU.Runtime;
using Kernels.Language;

namespace Kernels.SelfTest;

/// <summary>
/// y = alpha · x with 128-bit read-only loads for whole groups of 4 and a scalar tail; and a copy through
/// dynamic shared memory with cp.async (16 bytes per thread), swapping the halves of each group of 4 words.
/// </summary>
public static class VectorLoads
{
    public const int GroupSize = 32;

    public static readonly Action<GlobalView<float>, ArrayView<float>, float> ScaleEntry = Scale;

    public static readonly Action<GlobalView<uint>, ArrayView<uint>> SwapEntry = SwapThroughShared;

    public static void Scale(GlobalView<float> x, ArrayView<float> y, float alpha)
    {
        var i = Grid.GlobalIndex.X * 4;
        if (i + 3 < x.Length)
        {
            var v = ReadOnly.Load4(x, i);
            y[i] = v.X * alpha;
            y[i + 1] = v.Y * alpha;
            y[i + 2] = v.Z * alpha;
            y[i + 3] = v.W * alpha;
        }
        else
        {
            for (var j = i; j < x.Length; j++)
            {
                y[j] = x.View[j] * alpha;
            }
        }
    }

    /// <summary>Each thread stages 4 words with cp.async into dynamic shared memory, then writes its neighbour-swapped halves.</summary>
    public static void SwapThroughShared(GlobalView<uint> x, ArrayView<uint> y)
    {
        var staged = SharedMemory.GetDynamic<uint>();
        var local = Group.IdxX * 4;
        var i = Grid.GlobalIndex.X * 4;
        var whole = i + 3 < x.Length;
        if (whole)
        {
            AsyncCopy.Copy16(staged, local, x, i);
        }
        AsyncCopy.Commit();
        AsyncCopy.WaitAll();
        Group.Barrier();
        if (whole)
        {
            y[i] = staged[local + 2];
            y[i + 1] = staged[local + 3];
            y[i + 2] = staged[local];
            y[i + 3] = staged[local + 1];
        }
    }

    public static void Check(KernelContext context, int n)
    {
        ArgumentNullException.ThrowIfNull(context);
        var x = Expect.RandomFloats(n, 9);
        using var dx = Expect.Upload(context, x);
        using var dy = Expect.Zeros<float>(context, n);
        using var stream = context.CreateStream();
        context.Load(ScaleEntry)(stream, Expect.Config(Expect.CeilDiv(Expect.CeilDiv(n, 4), GroupSize), GroupSize), GlobalView.Of(dx), dy.View, 1.5f);
        stream.Synchronize();
        Expect.Equal<float>(x.Select(v => v * 1.5f).ToArray(), Expect.Download(dy), "y");

        var words = Enumerable.Range(0, Math.Max(n / 4 * 4, 4)).Select(i => (uint)(i * 2654435761u)).ToArray();
        using var dw = Expect.Upload(context, words);
        using var dz = Expect.Zeros<uint>(context, words.Length);
        var config = new KernelConfig(Expect.CeilDiv(words.Length / 4, GroupSize), GroupSize, SharedMemoryConfig.RequestDynamic<uint>(GroupSize * 4));
        context.Load(SwapEntry)(stream, config, GlobalView.Of(dw), dz.View);
        stream.Synchronize();
        var expected = words.Select((_, i) => words[(i & ~3) + ((i + 2) & 3)]).ToArray();
        Expect.Equal<uint>(expected, Expect.Download(dz), "swapped words");
    }
}
