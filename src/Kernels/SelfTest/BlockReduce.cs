using ILGPU;
using ILGPU.Runtime;
using Kernels.Language;

namespace Kernels.SelfTest;

/// <summary>
/// Per-group sum in shared memory: each thread loads one element (0 past the end), then a tree halves the
/// active threads each step with a barrier between steps. TGroup is the group size, a specialisation constant.
/// </summary>
public static class BlockReduce
{
    public static void Kernel<TGroup>(ArrayView<float> x, ArrayView<float> partial)
        where TGroup : struct, IConst
    {
        var sums = SharedMemory.Allocate<float>(TGroup.Value);
        var tid = Group.IdxX;
        var i = (Grid.IdxX * TGroup.Value) + tid;
        sums[tid] = i < x.IntLength ? x[i] : 0f;
        Group.Barrier();
        for (var stride = TGroup.Value / 2; stride > 0; stride /= 2)
        {
            if (tid < stride)
            {
                sums[tid] += sums[tid + stride];
            }
            Group.Barrier();
        }
        if (tid == 0)
        {
            partial[Grid.IdxX] = sums[0];
        }
    }

    public static void Check<TGroup>(KernelContext context, int n)
        where TGroup : struct, IConst
    {
        ArgumentNullException.ThrowIfNull(context);
        var group = TGroup.Value;
        var groups = Expect.CeilDiv(n, group);
        var x = Expect.RandomFloats(n, 3);
        using var dx = Expect.Upload(context, x);
        using var dp = Expect.Zeros<float>(context, groups);
        using var stream = context.CreateStream();
        context.Load<ArrayView<float>, ArrayView<float>>(Kernel<TGroup>)(stream, Expect.Config(groups, group), dx.View, dp.View);
        stream.Synchronize();
        // The reference sums in the kernel's tree order, so the result is bit-exact.
        var expected = new float[groups];
        var tree = new float[group];
        for (var b = 0; b < groups; b++)
        {
            for (var t = 0; t < group; t++)
            {
                tree[t] = (b * group) + t < n ? x[(b * group) + t] : 0f;
            }
            for (var stride = group / 2; stride > 0; stride /= 2)
            {
                for (var t = 0; t < stride; t++)
                {
                    tree[t] += tree[t + stride];
                }
            }
            expected[b] = tree[0];
        }
        Expect.Equal<float>(expected, Expect.Download(dp), "partial sums");
    }
}
