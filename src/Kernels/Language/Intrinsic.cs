namespace Kernels.Language;

/// <summary>The device operations the compiler lowers directly to IR; each PTX spelling lives in Ptx/PtxTable.</summary>
public enum Intrinsic
{
    ThreadIdxX, ThreadIdxY, ThreadIdxZ,
    BlockIdxX, BlockIdxY, BlockIdxZ,
    BlockDimX, BlockDimY, BlockDimZ,
    GridDimX, GridDimY, GridDimZ,
    LaneId, WarpSize,
    Barrier,
    ShuffleXor, ShuffleDown, ShuffleUp, ShuffleIdx,
    VoteAny, VoteAll, VoteBallot,
    SharedAllocateConst, SharedAllocateCount, SharedDynamic,
    AtomicAdd, AtomicMax, AtomicMin, AtomicExchange, AtomicCompareExchange,
    Exp, Exp2, Log, Log2, Sqrt, Rsqrt, Tanh, Fma, Min, Max, Abs,
    Exp2Approx, Log2Approx, RsqrtApprox, TanhApprox,
    FloatBits, BitsToFloat, PopCount,
    HalfToFloat, FloatToHalf, BFloat16ToFloat, FloatToBFloat16, HalfBits, BFloat16Bits, BFloat16FromBits, Pack2,
    ViewElement, ViewLength, ViewSlice, SharedElement, SharedLength,
    LoadVector4, StoreVector4,
    MmaBf16, MmaF16, LdMatrixX4, LdMatrixX2, LdMatrixX2Trans,
}
