namespace Kernels.Language;

/// <summary>
/// Warp-wide exchange and votes over all 32 lanes (PTX shfl.sync / vote.sync with mask 0xffffffff): every
/// non-exited lane of the warp must reach the same call. Lanes whose source lane is out of range get their own value.
/// </summary>
public static class Warp
{
    public const int Size = 32;

    public static int LaneId { [Intrinsic(Intrinsic.LaneId)] get => throw OutsideKernel.Error(nameof(LaneId)); }

    /// <summary>The value of lane (laneId ^ laneMask).</summary>
    [Intrinsic(Intrinsic.ShuffleXor)] public static float ShuffleXor(float value, int laneMask) => throw OutsideKernel.Error(nameof(ShuffleXor));
    [Intrinsic(Intrinsic.ShuffleXor)] public static int ShuffleXor(int value, int laneMask) => throw OutsideKernel.Error(nameof(ShuffleXor));
    [Intrinsic(Intrinsic.ShuffleXor)] public static uint ShuffleXor(uint value, int laneMask) => throw OutsideKernel.Error(nameof(ShuffleXor));

    /// <summary>The value of lane (laneId + delta), or the caller's own value when that passes lane 31.</summary>
    [Intrinsic(Intrinsic.ShuffleDown)] public static float ShuffleDown(float value, int delta) => throw OutsideKernel.Error(nameof(ShuffleDown));
    [Intrinsic(Intrinsic.ShuffleDown)] public static int ShuffleDown(int value, int delta) => throw OutsideKernel.Error(nameof(ShuffleDown));
    [Intrinsic(Intrinsic.ShuffleDown)] public static uint ShuffleDown(uint value, int delta) => throw OutsideKernel.Error(nameof(ShuffleDown));

    /// <summary>The value of lane (laneId - delta), or the caller's own value when that is below lane 0.</summary>
    [Intrinsic(Intrinsic.ShuffleUp)] public static float ShuffleUp(float value, int delta) => throw OutsideKernel.Error(nameof(ShuffleUp));
    [Intrinsic(Intrinsic.ShuffleUp)] public static int ShuffleUp(int value, int delta) => throw OutsideKernel.Error(nameof(ShuffleUp));
    [Intrinsic(Intrinsic.ShuffleUp)] public static uint ShuffleUp(uint value, int delta) => throw OutsideKernel.Error(nameof(ShuffleUp));

    /// <summary>The value of lane (srcLane mod 32).</summary>
    [Intrinsic(Intrinsic.ShuffleIdx)] public static float Shuffle(float value, int srcLane) => throw OutsideKernel.Error(nameof(Shuffle));
    [Intrinsic(Intrinsic.ShuffleIdx)] public static int Shuffle(int value, int srcLane) => throw OutsideKernel.Error(nameof(Shuffle));
    [Intrinsic(Intrinsic.ShuffleIdx)] public static uint Shuffle(uint value, int srcLane) => throw OutsideKernel.Error(nameof(Shuffle));

    /// <summary>True when the predicate holds on any non-exited lane.</summary>
    [Intrinsic(Intrinsic.VoteAny)] public static bool Any(bool predicate) => throw OutsideKernel.Error(nameof(Any));

    /// <summary>True when the predicate holds on every non-exited lane.</summary>
    [Intrinsic(Intrinsic.VoteAll)] public static bool All(bool predicate) => throw OutsideKernel.Error(nameof(All));

    /// <summary>Bit i set when the predicate holds on lane i.</summary>
    [Intrinsic(Intrinsic.VoteBallot)] public static uint Ballot(bool predicate) => throw OutsideKernel.Error(nameof(Ballot));
}
