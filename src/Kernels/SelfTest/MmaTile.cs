using ILGPU;
using ILGPU.Runtime;
using Kernels.Language;

namespace Kernels.SelfTest;

/// <summary>
/// One tensor-core tile, D (16×8) = A (16×16) · B (16×8) + C, by one warp: A and B (16-bit floats as raw
/// bits, row-major) are staged in dynamic shared memory (A at 0, B at 256), loaded with ldmatrix (.x4 for A,
/// .x2.trans for B), multiplied with mma.m16n8k16, and D is stored from the accumulator fragment (rows g,
/// g+8, columns 2t, 2t+1). TBf16 selects bf16 (non-zero) or f16 inputs.
/// </summary>
public static class MmaTile
{
    public const int SharedElements = 256 + 128;

    public static void Kernel<TBf16>(ArrayView<ushort> a, ArrayView<ushort> b, ArrayView<float> c, ArrayView<float> d)
        where TBf16 : struct, IConst
    {
        var shared = SharedMemory.GetDynamic<ushort>();
        var lane = Group.IdxX;
        for (var i = lane; i < 256; i += 32)
        {
            shared[i] = a[i];
        }
        for (var i = lane; i < 128; i += 32)
        {
            shared[256 + i] = b[i];
        }
        Group.Barrier();
        // ldmatrix.x4: lanes 8m..8m+7 address the rows of 8×8 matrix m = (rows 8·(m&1).., columns 8·(m>>1)..), which is a0..a3.
        var row = (lane & 7) + (((lane >> 3) & 1) * 8);
        var col = (lane >> 4) * 8;
        var fa = TensorCore.LoadMatrixX4(shared, (row * 16) + col);
        // ldmatrix.x2.trans on B stored k-major: matrix 0 is k 0..7, matrix 1 is k 8..15, transposed into column fragments.
        var fb = TensorCore.LoadMatrixX2Trans(shared, 256 + ((lane & 15) * 8));
        var g = lane >> 2;
        var t = lane & 3;
        var acc = new Float4(c[(g * 8) + (2 * t)], c[(g * 8) + (2 * t) + 1], c[((g + 8) * 8) + (2 * t)], c[((g + 8) * 8) + (2 * t) + 1]);
        var result = TBf16.Value != 0 ? TensorCore.MmaBf16(fa, fb, acc) : TensorCore.MmaF16(fa, fb, acc);
        d[(g * 8) + (2 * t)] = result.X;
        d[(g * 8) + (2 * t) + 1] = result.Y;
        d[((g + 8) * 8) + (2 * t)] = result.Z;
        d[((g + 8) * 8) + (2 * t) + 1] = result.W;
    }

    public static void Check(KernelContext context, bool bf16)
    {
        ArgumentNullException.ThrowIfNull(context);
        var random = new Random(bf16 ? 11 : 12);
        ushort Encode(float v) => bf16 ? ((BFloat16)v).Bits : BitConverter.HalfToUInt16Bits((System.Half)v);
        float Decode(ushort bits) => bf16 ? BitConverter.UInt32BitsToSingle((uint)bits << 16) : (float)BitConverter.UInt16BitsToHalf(bits);
        var a = Enumerable.Range(0, 256).Select(_ => Encode((random.NextSingle() * 2f) - 1f)).ToArray();
        var b = Enumerable.Range(0, 128).Select(_ => Encode((random.NextSingle() * 2f) - 1f)).ToArray();
        var c = Expect.RandomFloats(128, 13);
        using var da = Expect.Upload(context, a);
        using var db = Expect.Upload(context, b);
        using var dc = Expect.Upload(context, c);
        using var dd = Expect.Zeros<float>(context, 128);
        using var stream = context.CreateStream();
        Action<ArrayView<ushort>, ArrayView<ushort>, ArrayView<float>, ArrayView<float>> kernel = bf16 ? Kernel<Size2> : Kernel<Zero>;
        context.Load(kernel)(stream, new KernelConfig(1, 32, SharedMemoryConfig.RequestDynamic<ushort>(SharedElements)), da.View, db.View, dc.View, dd.View);
        stream.Synchronize();
        var expected = new float[128];
        for (var i = 0; i < 16; i++)
        {
            for (var j = 0; j < 8; j++)
            {
                double sum = c[(i * 8) + j];
                for (var k = 0; k < 16; k++)
                {
                    sum += Decode(a[(i * 16) + k]) * (double)Decode(b[(k * 8) + j]);
                }
                expected[(i * 8) + j] = (float)sum;
            }
        }
        // Products of 16-bit floats are exact; the f32 accumulation order is unspecified on the tensor core
        // (k order on the CPU): 17 terms of magnitude ≤ 1 allow about 17 · 2^-23 of rounding.
        Expect.Close(expected, Expect.Download(dd), 4e-6f, 1e-6f, bf16 ? "D (bf16)" : "D (f16)");
    }

    /// <summary>Selects f16 inputs in <see cref="Kernel{TBf16}"/>.</summary>
    public readonly struct Zero : IConst
    {
        public static int Value => 0;
    }
}
