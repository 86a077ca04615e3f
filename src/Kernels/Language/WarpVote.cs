using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Kernels.Language;

/// <summary>Warp votes, which ILGPU lacks: every lane of the warp must call them (full mask).</summary>
public static class WarpVote
{
    /// <summary>Bit l is set when lane l's <paramref name="predicate"/> is true (vote.sync.ballot.b32).</summary>
    public static uint Ballot(bool predicate)
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            CudaAsm.Emit("{ .reg .pred vp; setp.ne.u32 vp, %1, 0; vote.sync.ballot.b32 %0, vp, 0xffffffff; }", out uint ballot, predicate ? 1u : 0u);
            return ballot;
        }
        // The CPU meaning: OR each lane's bit into place with a butterfly, which every lane ends holding.
        var bits = predicate ? 1u << Warp.LaneIdx : 0u;
        for (var offset = 16; offset > 0; offset >>= 1)
        {
            bits |= Warp.ShuffleXor(bits, offset);
        }
        return bits;
    }

    public static bool Any(bool predicate) => Ballot(predicate) != 0;

    public static bool All(bool predicate) => Ballot(predicate) == uint.MaxValue;
}
