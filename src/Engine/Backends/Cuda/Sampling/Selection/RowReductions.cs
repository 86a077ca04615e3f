using ILGPU;
using ILGPU.Algorithms;

namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>
/// Group-wide reductions the selection kernels need beside <see cref="Reductions.GroupSum"/> (float sum): max,
/// double sum, int sum and min, ulong sum and min. Each is a butterfly over the warp, one partial per warp staged in
/// shared memory, and a second butterfly; every thread gets the result and every thread of the group must call it.
/// Integer and min/max reductions are exact, so their results do not depend on the group size or the order.
/// </summary>
internal static class RowReductions
{
    public static float Max(float value)
    {
        for (var offset = 16; offset > 0; offset >>= 1)
        {
            value = XMath.Max(value, Warp.ShuffleXor(value, offset));
        }
        var partials = SharedMemory.Allocate<float>(Reductions.MaxWarps);
        if (Warp.LaneIdx == 0)
        {
            partials[Warp.WarpIdx] = value;
        }
        Group.Barrier();
        var total = Warp.LaneIdx < Group.DimX / Warp.WarpSize ? partials[Warp.LaneIdx] : float.NegativeInfinity;
        for (var offset = 16; offset > 0; offset >>= 1)
        {
            total = XMath.Max(total, Warp.ShuffleXor(total, offset));
        }
        Group.Barrier();
        return total;
    }

    public static double Sum(double value)
    {
        for (var offset = 16; offset > 0; offset >>= 1)
        {
            value += Warp.ShuffleXor(value, offset);
        }
        var partials = SharedMemory.Allocate<double>(Reductions.MaxWarps);
        if (Warp.LaneIdx == 0)
        {
            partials[Warp.WarpIdx] = value;
        }
        Group.Barrier();
        var total = Warp.LaneIdx < Group.DimX / Warp.WarpSize ? partials[Warp.LaneIdx] : 0.0;
        for (var offset = 16; offset > 0; offset >>= 1)
        {
            total += Warp.ShuffleXor(total, offset);
        }
        Group.Barrier();
        return total;
    }

    public static int Sum(int value)
    {
        for (var offset = 16; offset > 0; offset >>= 1)
        {
            value += Warp.ShuffleXor(value, offset);
        }
        var partials = SharedMemory.Allocate<int>(Reductions.MaxWarps);
        if (Warp.LaneIdx == 0)
        {
            partials[Warp.WarpIdx] = value;
        }
        Group.Barrier();
        var total = Warp.LaneIdx < Group.DimX / Warp.WarpSize ? partials[Warp.LaneIdx] : 0;
        for (var offset = 16; offset > 0; offset >>= 1)
        {
            total += Warp.ShuffleXor(total, offset);
        }
        Group.Barrier();
        return total;
    }

    public static int Min(int value)
    {
        for (var offset = 16; offset > 0; offset >>= 1)
        {
            value = XMath.Min(value, Warp.ShuffleXor(value, offset));
        }
        var partials = SharedMemory.Allocate<int>(Reductions.MaxWarps);
        if (Warp.LaneIdx == 0)
        {
            partials[Warp.WarpIdx] = value;
        }
        Group.Barrier();
        var total = Warp.LaneIdx < Group.DimX / Warp.WarpSize ? partials[Warp.LaneIdx] : int.MaxValue;
        for (var offset = 16; offset > 0; offset >>= 1)
        {
            total = XMath.Min(total, Warp.ShuffleXor(total, offset));
        }
        Group.Barrier();
        return total;
    }

    public static ulong Sum(ulong value)
    {
        for (var offset = 16; offset > 0; offset >>= 1)
        {
            value += Warp.ShuffleXor(value, offset);
        }
        var partials = SharedMemory.Allocate<ulong>(Reductions.MaxWarps);
        if (Warp.LaneIdx == 0)
        {
            partials[Warp.WarpIdx] = value;
        }
        Group.Barrier();
        var total = Warp.LaneIdx < Group.DimX / Warp.WarpSize ? partials[Warp.LaneIdx] : 0UL;
        for (var offset = 16; offset > 0; offset >>= 1)
        {
            total += Warp.ShuffleXor(total, offset);
        }
        Group.Barrier();
        return total;
    }

    public static ulong Min(ulong value)
    {
        for (var offset = 16; offset > 0; offset >>= 1)
        {
            var other = Warp.ShuffleXor(value, offset);
            value = other < value ? other : value;
        }
        var partials = SharedMemory.Allocate<ulong>(Reductions.MaxWarps);
        if (Warp.LaneIdx == 0)
        {
            partials[Warp.WarpIdx] = value;
        }
        Group.Barrier();
        var total = Warp.LaneIdx < Group.DimX / Warp.WarpSize ? partials[Warp.LaneIdx] : ulong.MaxValue;
        for (var offset = 16; offset > 0; offset >>= 1)
        {
            var other = Warp.ShuffleXor(total, offset);
            total = other < total ? other : total;
        }
        Group.Barrier();
        return total;
    }
}
