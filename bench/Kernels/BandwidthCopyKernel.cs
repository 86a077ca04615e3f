using ILGPU;
using Kernels.Language;

namespace Bench.Kernels;

/// <summary>
/// The copy the bandwidth suite times, written in C# and compiled by ILGPU (it replaces the hand-written
/// <c>copy_v4</c> PTX kernel of the old compiler's days).
/// </summary>
public static class BandwidthCopyKernel
{
    /// <summary>
    /// dst[i..i+4) = src[i..i+4) for each whole group of 4 words, one 128-bit read-only load (ld.global.nc.v4) and
    /// four stores per step; a grid-stride loop lets any grid cover any length. Lengths are whole groups of 4.
    /// </summary>
    public static void Copy(GlobalView<uint> src, ArrayView<uint> dst)
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
}
