namespace Kernels.Language;

/// <summary>Thread, block and grid coordinates (PTX special registers %tid, %ctaid, %ntid, %nctaid).</summary>
public static class Grid
{
    public static int ThreadIdxX { [Intrinsic(Intrinsic.ThreadIdxX)] get => throw OutsideKernel.Error(nameof(ThreadIdxX)); }
    public static int ThreadIdxY { [Intrinsic(Intrinsic.ThreadIdxY)] get => throw OutsideKernel.Error(nameof(ThreadIdxY)); }
    public static int ThreadIdxZ { [Intrinsic(Intrinsic.ThreadIdxZ)] get => throw OutsideKernel.Error(nameof(ThreadIdxZ)); }
    public static int BlockIdxX { [Intrinsic(Intrinsic.BlockIdxX)] get => throw OutsideKernel.Error(nameof(BlockIdxX)); }
    public static int BlockIdxY { [Intrinsic(Intrinsic.BlockIdxY)] get => throw OutsideKernel.Error(nameof(BlockIdxY)); }
    public static int BlockIdxZ { [Intrinsic(Intrinsic.BlockIdxZ)] get => throw OutsideKernel.Error(nameof(BlockIdxZ)); }
    public static int BlockDimX { [Intrinsic(Intrinsic.BlockDimX)] get => throw OutsideKernel.Error(nameof(BlockDimX)); }
    public static int BlockDimY { [Intrinsic(Intrinsic.BlockDimY)] get => throw OutsideKernel.Error(nameof(BlockDimY)); }
    public static int BlockDimZ { [Intrinsic(Intrinsic.BlockDimZ)] get => throw OutsideKernel.Error(nameof(BlockDimZ)); }
    public static int GridDimX { [Intrinsic(Intrinsic.GridDimX)] get => throw OutsideKernel.Error(nameof(GridDimX)); }
    public static int GridDimY { [Intrinsic(Intrinsic.GridDimY)] get => throw OutsideKernel.Error(nameof(GridDimY)); }
    public static int GridDimZ { [Intrinsic(Intrinsic.GridDimZ)] get => throw OutsideKernel.Error(nameof(GridDimZ)); }

    /// <summary>blockIdx.x * blockDim.x + threadIdx.x, the usual flat element index.</summary>
    public static int GlobalIndexX => (BlockIdxX * BlockDimX) + ThreadIdxX;
}
