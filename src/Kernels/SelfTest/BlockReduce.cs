using Kernels.Language;

namespace Kernels.SelfTest;

/// <summary>
/// Per-block sum in shared memory: each thread loads one element (0 past the end), then a tree halves the
/// active threads each step with a barrier between steps. TBlock is the block size, a specialisation constant.
/// </summary>
public static class BlockReduce
{
    [Kernel]
    public static void Kernel<TBlock>(ArrayView<float> x, ArrayView<float> partial)
        where TBlock : struct, IConst
    {
        var sums = Shared.Allocate<float, TBlock>();
        var tid = Grid.ThreadIdxX;
        var i = (Grid.BlockIdxX * TBlock.Value) + tid;
        sums[tid] = i < x.Length ? x[i] : 0f;
        Block.Barrier();
        for (var stride = TBlock.Value / 2; stride > 0; stride /= 2)
        {
            if (tid < stride)
            {
                sums[tid] += sums[tid + stride];
            }
            Block.Barrier();
        }
        if (tid == 0)
        {
            partial[Grid.BlockIdxX] = sums[0];
        }
    }

    public static void Check<TBlock>(IKernelRuntime runtime, int n)
        where TBlock : struct, IConst
    {
        var block = TBlock.Value;
        var blocks = Expect.CeilDiv(n, block);
        var x = Expect.RandomFloats(n, 3);
        using var dx = Expect.Upload<float>(runtime, x);
        using var dp = runtime.Allocate<float>(blocks);
        runtime.Launch(KernelCompiler.Compile(typeof(BlockReduce), nameof(Kernel), null, typeof(TBlock)), blocks, block, 0, dx.View, dp.View);
        // The reference sums in the kernel's tree order, so the result is bit-exact.
        var expected = new float[blocks];
        var tree = new float[block];
        for (var b = 0; b < blocks; b++)
        {
            for (var t = 0; t < block; t++)
            {
                tree[t] = (b * block) + t < n ? x[(b * block) + t] : 0f;
            }
            for (var stride = block / 2; stride > 0; stride /= 2)
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
