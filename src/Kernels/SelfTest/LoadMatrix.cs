using ILGPU;
using ILGPU.Runtime;
using Kernels.Language;

namespace Kernels.SelfTest;

/// <summary>
/// Every ldmatrix shape (x1, x2, x4, each plain and .trans) on four 8×8 matrices of distinct 16-bit values in
/// dynamic shared memory (matrix m row r at element 64m + 8r); lane l supplies the address of row l%8 of
/// matrix l/8 and writes its 14 result words.
/// </summary>
public static class LoadMatrix
{
    public const int Words = 14;

    public static readonly Action<ArrayView<ushort>, ArrayView<uint>> Entry = Kernel;

    public static void Kernel(ArrayView<ushort> matrices, ArrayView<uint> words)
    {
        var shared = SharedMemory.GetDynamic<ushort>();
        var lane = Group.IdxX;
        for (var i = lane; i < 256; i += 32)
        {
            shared[i] = matrices[i];
        }
        Group.Barrier();
        var rowIndex = ((lane >> 3) * 64) + ((lane & 7) * 8);
        var o = lane * Words;
        words[o] = TensorCore.LoadMatrixX1(shared, rowIndex);
        words[o + 1] = TensorCore.LoadMatrixX1Trans(shared, rowIndex);
        var x2 = TensorCore.LoadMatrixX2(shared, rowIndex);
        words[o + 2] = x2.X;
        words[o + 3] = x2.Y;
        var x2t = TensorCore.LoadMatrixX2Trans(shared, rowIndex);
        words[o + 4] = x2t.X;
        words[o + 5] = x2t.Y;
        var x4 = TensorCore.LoadMatrixX4(shared, rowIndex);
        words[o + 6] = x4.X;
        words[o + 7] = x4.Y;
        words[o + 8] = x4.Z;
        words[o + 9] = x4.W;
        var x4t = TensorCore.LoadMatrixX4Trans(shared, rowIndex);
        words[o + 10] = x4t.X;
        words[o + 11] = x4t.Y;
        words[o + 12] = x4t.Z;
        words[o + 13] = x4t.W;
    }

    public static void Check(KernelContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var matrices = Enumerable.Range(0, 256).Select(i => (ushort)((i * 37) + 1000)).ToArray();
        using var dm = Expect.Upload(context, matrices);
        using var dw = Expect.Zeros<uint>(context, 32 * Words);
        using var stream = context.CreateStream();
        context.Load(Entry)(stream, new KernelConfig(1, 32, SharedMemoryConfig.RequestDynamic<ushort>(256)), dm.View, dw.View);
        stream.Synchronize();
        // The PTX ISA's fragment layout: lane l holds row l/4, columns 2(l%4) and 2(l%4)+1 of each matrix
        // (transposed: column l/4, rows 2(l%4) and 2(l%4)+1), the lower column in the low half.
        uint Plain(int m, int l) => matrices[(64 * m) + (8 * (l / 4)) + (2 * (l % 4))] | ((uint)matrices[(64 * m) + (8 * (l / 4)) + (2 * (l % 4)) + 1] << 16);
        uint Trans(int m, int l) => matrices[(64 * m) + (8 * 2 * (l % 4)) + (l / 4)] | ((uint)matrices[(64 * m) + (8 * ((2 * (l % 4)) + 1)) + (l / 4)] << 16);
        var expected = new uint[32 * Words];
        for (var l = 0; l < 32; l++)
        {
            uint[] lane = [Plain(0, l), Trans(0, l), Plain(0, l), Plain(1, l), Trans(0, l), Trans(1, l),
                Plain(0, l), Plain(1, l), Plain(2, l), Plain(3, l), Trans(0, l), Trans(1, l), Trans(2, l), Trans(3, l)];
            lane.CopyTo(expected, l * Words);
        }
        Expect.Equal<uint>(expected, Expect.Download(dw), "ldmatrix words (lane · 14 + word)");
    }
}
