using ILGPU;
using ILGPU.Runtime;
using Kernels.Language;

namespace Kernels.SelfTest;

/// <summary>
/// dst = src by a grid-stride loop of 128-bit read-only loads (ld.global.nc.v4) and four stores per step, so any
/// grid covers any length; lengths are whole groups of 4 words. The bandwidth bench times this kernel (it
/// replaces the hand-written copy_v4 PTX of the old compiler's days).
/// </summary>
public static class GridStrideCopy
{
    public static readonly Action<GlobalView<uint>, ArrayView<uint>> Entry = Kernel;

    public static void Kernel(GlobalView<uint> src, ArrayView<uint> dst)
    {
        var stride = Grid.DimX * Group.DimX * 4;
        for (var i = Grid.GlobalIndex.X * 4; i < dst.IntLength; i += stride)
        {
            var v = ReadOnly.Load4(src, i);
            dst[i] = v.X;
            dst[i + 1] = v.Y;
            dst[i + 2] = v.Z;
            dst[i + 3] = v.W;
        }
    }

    /// <summary>Copies <paramref name="words"/> words (a multiple of 4) with a grid of <paramref name="groups"/> groups of 64, fewer than the length needs.</summary>
    public static void Check(KernelContext context, int words, int groups)
    {
        ArgumentNullException.ThrowIfNull(context);
        var source = Enumerable.Range(0, words).Select(i => (uint)i * 2654435761u).ToArray();
        using var src = Expect.Upload(context, source);
        using var dst = Expect.Zeros<uint>(context, words);
        using var stream = context.CreateStream();
        context.Load(Entry)(stream, Expect.Config(groups, 64), GlobalView.Of(src), dst.View);
        stream.Synchronize();
        Expect.Equal<uint>(source, Expect.Download(dst), "copy");
    }
}
