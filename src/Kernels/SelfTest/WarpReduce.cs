using ILGPU;
using ILGPU.Runtime;
using Kernels.Language;

namespace Kernels.SelfTest;

/// <summary>
/// Warp collectives: a butterfly sum (shfl.bfly), a down-sweep sum (shfl.down), an inclusive prefix sum of
/// ints (shfl.up), a broadcast of lane 0 (shfl.idx) and the three votes. Out-of-range threads hold 0.
/// </summary>
public static class WarpReduce
{
    public static readonly Action<ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<int>> Entry = Kernel;

    /// <summary>Per warp w: sums[2w] butterfly sum, sums[2w+1] down-sweep sum (lane 0); per thread: scan, broadcast; per warp: ballot, any, all.</summary>
    public static void Kernel(ArrayView<float> x, ArrayView<float> sums, ArrayView<int> scan, ArrayView<float> broadcast, ArrayView<int> votes)
    {
        var i = Grid.GlobalIndex.X;
        var inRange = i < x.IntLength;
        var v = inRange ? x[i] : 0f;
        var butterfly = v;
        for (var offset = 16; offset > 0; offset >>= 1)
        {
            butterfly += Warp.ShuffleXor(butterfly, offset);
        }
        var down = v;
        for (var offset = 16; offset > 0; offset >>= 1)
        {
            down += Warp.ShuffleDown(down, offset);
        }
        var lane = Warp.LaneIdx;
        var count = inRange ? (i % 7) + 1 : 0;
        for (var offset = 1; offset < 32; offset <<= 1)
        {
            var other = Warp.ShuffleUp(count, offset);
            if (lane >= offset)
            {
                count += other;
            }
        }
        var first = Warp.Shuffle(v, 0);
        var positive = inRange && v > 0f;
        var ballot = WarpVote.Ballot(positive);
        var any = WarpVote.Any(positive);
        var all = WarpVote.All(positive);
        var warp = i / 32;
        if (lane == 0)
        {
            sums[2 * warp] = butterfly;
            sums[(2 * warp) + 1] = down;
            votes[3 * warp] = (int)ballot;
            votes[(3 * warp) + 1] = any ? 1 : 0;
            votes[(3 * warp) + 2] = all ? 1 : 0;
        }
        if (inRange)
        {
            scan[i] = count;
            broadcast[i] = first;
        }
    }

    public static void Check(KernelContext context, int n)
    {
        ArgumentNullException.ThrowIfNull(context);
        var warps = Expect.CeilDiv(n, 32);
        var x = Expect.RandomFloats(n, 4);
        using var dx = Expect.Upload(context, x);
        using var dsums = Expect.Zeros<float>(context, 2 * warps);
        using var dscan = Expect.Zeros<int>(context, n);
        using var dbroadcast = Expect.Zeros<float>(context, n);
        using var dvotes = Expect.Zeros<int>(context, 3 * warps);
        using var stream = context.CreateStream();
        context.Load(Entry)(stream, Expect.Config(warps, 32), dx.View, dsums.View, dscan.View, dbroadcast.View, dvotes.View);
        stream.Synchronize();
        var sums = Expect.Download(dsums);
        var scan = Expect.Download(dscan);
        var broadcast = Expect.Download(dbroadcast);
        var votes = Expect.Download(dvotes);
        for (var w = 0; w < warps; w++)
        {
            var lanes = new float[32];
            uint ballot = 0;
            for (var l = 0; l < 32; l++)
            {
                var i = (w * 32) + l;
                lanes[l] = i < n ? x[i] : 0f;
                ballot |= i < n && x[i] > 0f ? 1u << l : 0;
            }
            // Butterfly order: after the xor-16 step every lane holds lanes[l] + lanes[l^16], and so on.
            var tree = (float[])lanes.Clone();
            for (var offset = 16; offset > 0; offset >>= 1)
            {
                var next = new float[32];
                for (var l = 0; l < 32; l++)
                {
                    next[l] = tree[l] + tree[l ^ offset];
                }
                tree = next;
            }
            var downTree = (float[])lanes.Clone();
            for (var offset = 16; offset > 0; offset >>= 1)
            {
                var next = new float[32];
                for (var l = 0; l < 32; l++)
                {
                    next[l] = downTree[l] + (l + offset < 32 ? downTree[l + offset] : downTree[l]);
                }
                downTree = next;
            }
            Expect.Equal<float>([tree[0], downTree[0]], sums.AsSpan(2 * w, 2), $"warp {w} sums");
            Expect.Equal<int>([(int)ballot, ballot != 0 ? 1 : 0, ballot == uint.MaxValue ? 1 : 0], votes.AsSpan(3 * w, 3), $"warp {w} votes");
            var running = 0;
            for (var l = 0; l < 32 && (w * 32) + l < n; l++)
            {
                var i = (w * 32) + l;
                running += (i % 7) + 1;
                if (scan[i] != running || !broadcast[i].Equals(lanes[0]))
                {
                    throw new SelfTestFailure($"thread {i}: scan {scan[i]} (expected {running}), broadcast {broadcast[i]} (expected {lanes[0]}).");
                }
            }
        }
    }
}
