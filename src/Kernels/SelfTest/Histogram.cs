using Kernels.Language;

namespace Kernels.SelfTest;

/// <summary>
/// A 16-bin histogram of bytes (by the low 4 bits): a grid-stride loop counts into shared bins with shared
/// atomics, then each block adds its bins to the global ones with global atomics.
/// </summary>
public static class Histogram
{
    [Kernel]
    public static void Kernel(ArrayView<byte> data, ArrayView<int> bins)
    {
        var local = Shared.Allocate<int, Size16>();
        var tid = Grid.ThreadIdxX;
        if (tid < 16)
        {
            local[tid] = 0;
        }
        Block.Barrier();
        for (var i = Grid.GlobalIndexX; i < data.Length; i += Grid.BlockDimX * Grid.GridDimX)
        {
            Atomic.Add(ref local[data[i] & 15], 1);
        }
        Block.Barrier();
        if (tid < 16)
        {
            Atomic.Add(ref bins[tid], local[tid]);
        }
    }

    public static void Check(IKernelRuntime runtime, int n)
    {
        var data = new byte[n];
        new Random(5).NextBytes(data);
        using var ddata = Expect.Upload<byte>(runtime, data);
        using var dbins = runtime.Allocate<int>(16);
        runtime.Launch(KernelCompiler.Compile(typeof(Histogram), nameof(Kernel)), 3, 64, 0, ddata.View, dbins.View);
        var expected = new int[16];
        foreach (var b in data)
        {
            expected[b & 15]++;
        }
        Expect.Equal<int>(expected, Expect.Download(dbins), "bins");
    }
}
