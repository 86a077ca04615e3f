using ILGPU;

namespace Engine.Backends.Cuda;

/// <summary>
/// Warp and group sums shared by the row kernels: a butterfly over the 32 lanes (every lane ends with the
/// total, so no broadcast is needed), and a group sum of one partial per warp staged through shared memory.
/// </summary>
internal static class Reductions
{
    /// <summary>Most warps a group may have (1024 threads); the shared staging array is this long.</summary>
    public const int MaxWarps = 32;

    public static float WarpSum(float value)
    {
        for (var offset = 16; offset > 0; offset >>= 1)
        {
            value += Warp.ShuffleXor(value, offset);
        }
        return value;
    }

    /// <summary>The sum of <paramref name="value"/> over the whole group, returned to every thread. Every thread of the group must call it.</summary>
    public static float GroupSum(float value)
    {
        var partials = SharedMemory.Allocate<float>(MaxWarps);
        var warpSum = WarpSum(value);
        if (Warp.LaneIdx == 0)
        {
            partials[Warp.WarpIdx] = warpSum;
        }
        Group.Barrier();
        var warps = Group.DimX / Warp.WarpSize;
        var total = Warp.LaneIdx < warps ? partials[Warp.LaneIdx] : 0f;
        total = WarpSum(total);
        // The partials are read by every warp before any thread may reuse them in a later call.
        Group.Barrier();
        return total;
    }
}
