using Kernels.Language;

namespace Bench.Kernels;

/// <summary>
/// The copy the bandwidth suite times, written in C# and compiled by our compiler: the twin of the hand-written
/// <c>copy_v4</c> in BandwidthCopy.ptx, so the two columns compare our compiler's PTX with hand-written PTX.
/// </summary>
public static class BandwidthCopyKernel
{
    /// <summary>
    /// dst[i..i+4) = src[i..i+4) for each whole group of 4 words, one 128-bit load and store per step
    /// (ld/st.global.v4.b32); a grid-stride loop lets any grid cover any length. Lengths are whole groups of 4.
    /// </summary>
    [Kernel]
    public static void Copy(ArrayView<uint> src, ArrayView<uint> dst)
    {
        var stride = Grid.GridDimX * Grid.BlockDimX * 4;
        for (var i = Grid.GlobalIndexX * 4; i < dst.Length; i += stride)
        {
            Vector.Store4(dst, i, Vector.Load4(src, i));
        }
    }
}
