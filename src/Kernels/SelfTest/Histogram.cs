using ILGPU;
using ILGPU.Runtime;

namespace Kernels.SelfTest;

/// <summary>
/// A 16-bin histogram of bytes (by the low 4 bits): a grid-stride loop counts into shared bins with shared
/// atomics, then each group adds its bins to the global ones with global atomics.
/// </summary>
public static class Histogram
{
    public static readonly Action<ArrayView<byte>, ArrayView<int>> Entry = Kernel;

    public static void Kernel(ArrayView<byte> data, ArrayView<int> bins)
    {
        var local = SharedMemory.Allocate<int>(16);
        var tid = Group.IdxX;
        if (tid < 16)
        {
            local[tid] = 0;
        }
        Group.Barrier();
        for (var i = Grid.GlobalIndex.X; i < data.IntLength; i += Group.DimX * Grid.DimX)
        {
            Atomic.Add(ref local[data[i] & 15], 1);
        }
        Group.Barrier();
        if (tid < 16)
        {
            Atomic.Add(ref bins[tid], local[tid]);
        }
    }

    public static void Check(KernelContext context, int n)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = new byte[n];
        new Random(5).NextBytes(data);
        using var ddata = Expect.Upload(context, data);
        using var dbins = Expect.Zeros<int>(context, 16);
        using var stream = context.CreateStream();
        context.Load(Entry)(stream, Expect.Config(3, 64), ddata.View, dbins.View);
        stream.Synchronize();
        var expected = new int[16];
        foreach (var b in data)
        {
            expected[b & 15]++;
        }
        Expect.Equal<int>(expected, Expect.Download(dbins), "bins");
    }
}
