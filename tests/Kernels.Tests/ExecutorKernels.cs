using Kernels.Language;

namespace Kernels.Tests;

/// <summary>Small kernels that probe the CPU executor's device semantics.</summary>
public static class ExecutorKernels
{
    [Kernel]
    public static void WritesPastEnd(ArrayView<float> y) => y[Grid.GlobalIndexX] = 1f;

    [Kernel]
    public static void ShufflesInDivergentBranch(ArrayView<int> y)
    {
        var lane = Grid.ThreadIdxX;
        if (lane < 16)
        {
            y[lane] = Warp.ShuffleXor(lane, 1);
        }
        else
        {
            y[lane] = Warp.ShuffleDown(lane, 1);
        }
    }

    [Kernel]
    public static void MisalignedVectorLoad(ArrayView<float> x, ArrayView<float> y) => y[0] = Vector.Load4(x, 1).X;

    [Kernel]
    public static void ExitedLanesKeepOwnValue(ArrayView<int> y)
    {
        var lane = Grid.ThreadIdxX;
        if (lane >= 8)
        {
            return;
        }
        // Lanes 8..31 have exited: lane 7 reading lane 8 gets its own value back.
        y[lane] = Warp.ShuffleDown(lane * 10, 1);
    }

    [Kernel]
    public static void TwoDimensionalIndices(ArrayView<int> y)
    {
        var x = (Grid.BlockIdxX * Grid.BlockDimX) + Grid.ThreadIdxX;
        var row = (Grid.BlockIdxY * Grid.BlockDimY) + Grid.ThreadIdxY;
        var width = Grid.GridDimX * Grid.BlockDimX;
        y[(row * width) + x] = (row * 1000) + x + (Grid.ThreadIdxZ * 0);
    }

    [Kernel]
    public static void DynamicShared(ArrayView<float> x, ArrayView<float> y)
    {
        var tile = Shared.Dynamic<float>();
        var tid = Grid.ThreadIdxX;
        tile[tid] = x[tid];
        Block.Barrier();
        y[tid] = tile[tile.Count - 1 - tid];
    }
}
