using Engine.Backends.Cuda.Gemm;
using FsCheck;
using FsCheck.Fluent;
using ILGPU;
using ILGPU.Runtime;
using Kernels.SelfTest;

namespace Engine.Tests.Backends.Cuda.Gemm;

/// <summary>
/// The tensor-core GEMM on the CPU accelerator (TensorCore's CPU bodies gather the mma and ldmatrix fragments
/// with warp shuffles) against a double-precision product computed here: W's 16-bit patterns and x rounded
/// independently of the kernel layer (bf16 as the top half of the float rounded to nearest even by integer
/// arithmetic, f16 by .NET's System.Half). Shapes are tiny (the simulator runs every thread) but cross every
/// tail: rows not a multiple of 16 or of the block, n past one 128-column block and below one 8-column tile, k
/// below one 32-slice and between slices, each block height, and split-K with a split of one slice.
/// Tolerance 1e-4 · (1 + |expected|): float32 sums of ≤ 72 products of O(1) values against exact ones.
/// </summary>
[Collection(CudaKernelCollection.Name)]
public sealed class TensorCoreGemmTests(CudaKernelFixture fixture)
{
    private const float Tolerance = 1e-4f;

    // rows, n, k, m tiles, splits, bias
    public static TheoryData<bool, int, int, int, int, int, bool> Cases() => new()
    {
        { false, 17, 130, 40, 1, 1, true },
        { true, 17, 130, 40, 1, 1, false },
        { false, 1, 8, 8, 1, 1, false },
        { true, 40, 24, 72, 2, 1, true },
        { false, 70, 8, 72, 4, 3, true },
        { true, 70, 8, 72, 4, 2, false },
        { false, 33, 16, 64, 2, 2, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gemm_MatchesDoublePrecisionProduct_OfRoundedOperands(bool f16, int rows, int n, int k, int mTiles, int splits, bool withBias)
    {
        var context = fixture.Context;
        var seed = (rows * 131) + (n * 7) + k + (f16 ? 1 : 0);
        var x = Expect.RandomFloats(rows * k, seed, -2f, 2f);
        var wBits = Expect.RandomFloats(n * k, seed + 1).Select(v => Round(v, f16)).ToArray();
        var bias = Expect.RandomFloats(n, seed + 2);
        var expected = Reference(x, wBits, withBias ? bias : null, rows, n, k, f16);
        var plan = new TensorCoreGemm.Plan(mTiles, splits);

        using var dx = Expect.Upload(context, x);
        using var dw = Expect.Upload(context, wBits);
        using var dbias = Expect.Upload(context, bias);
        using var dy = Expect.Zeros<float>(context, rows * n);
        using var dpartials = Expect.Zeros<float>(context, (int)Math.Max(1, TensorCoreGemm.PartialsFor(plan, rows, n)));
        TensorCoreGemm.Launch(context, fixture.Stream, dx.View, dw.View, f16, n, k, withBias ? dbias.View : default, dy.View, rows, plan,
            splits > 1 ? dpartials.View : default);
        fixture.Stream.Synchronize();

        Expect.Close(expected, Expect.Download(dy), Tolerance, Tolerance, $"{(f16 ? "f16" : "bf16")} {rows}×({n}, {k}) plan {plan} bias={withBias}");
    }

    [Fact]
    public void Gemm_SplitK_GivesTheSameBitsOnEveryRun()
    {
        var context = fixture.Context;
        const int rows = 20, n = 16, k = 96;
        var plan = new TensorCoreGemm.Plan(1, 3);
        using var dx = Expect.Upload(context, Expect.RandomFloats(rows * k, 5));
        using var dw = Expect.Upload(context, Expect.RandomFloats(n * k, 6).Select(v => Round(v, f16: false)).ToArray());
        using var dy = Expect.Zeros<float>(context, rows * n);
        using var dpartials = Expect.Zeros<float>(context, (int)TensorCoreGemm.PartialsFor(plan, rows, n));
        float[] Run()
        {
            TensorCoreGemm.Launch(context, fixture.Stream, dx.View, dw.View, false, n, k, default, dy.View, rows, plan, dpartials.View);
            fixture.Stream.Synchronize();
            return Expect.Download(dy);
        }

        var first = Run();
        Expect.Equal<float>(first, Run(), "split-K y on a second run");
        Assert.Equal(3 * rows * n, TensorCoreGemm.PartialsFor(plan, rows, n));
    }

    [Theory]
    [InlineData(16, 4096, 4096, 132, 1, 4)] // 32 blocks of 32 rows: 4 splits bring them to 128 groups
    [InlineData(50, 4096, 4096, 132, 2, 4)]
    [InlineData(512, 4096, 4096, 132, 4, 1)] // 128 blocks already fill the SMs
    [InlineData(16, 128, 256, 132, 1, 1)] // 8 slices: one split's minimum
    [InlineData(16, 128, 8192, 132, 1, 16)] // one block, 256 slices: capped at 16 splits
    [InlineData(100, 4096, 4096, 1, 4, 1)] // the CPU accelerator's one multiprocessor
    public void PlanFor_PicksBlockHeightFromRows_AndSplitsToFillTheSms(int rows, int n, int k, int sms, int mTiles, int splits) =>
        Assert.Equal(new TensorCoreGemm.Plan(mTiles, splits), TensorCoreGemm.PlanFor(rows, n, k, sms));

    // The backend allocates MaxPartials once: no plan may need more, at any shape or SM count; and every plan is
    // one Launch accepts (1, 2 or 4 m tiles, at least one slice per split).
    [Fact]
    public void PlanFor_NeverNeedsMoreThanMaxPartials_NorMoreSplitsThanSlices()
    {
        var shapes = from rows in Gen.Choose(1, 4096)
                     from n in Gen.Choose(1, 200_000)
                     from k8 in Gen.Choose(1, 4096)
                     from sms in Gen.Choose(1, 200)
                     select (rows, n, k: k8 * 8, sms);
        Prop.ForAll(shapes.ToArbitrary(), s =>
        {
            var plan = TensorCoreGemm.PlanFor(s.rows, s.n, s.k, s.sms);
            return plan.MTiles is 1 or 2 or 4 && plan.Splits >= 1 && plan.Splits <= TensorCoreGemm.Slices(s.k)
                && TensorCoreGemm.PartialsFor(plan, s.rows, s.n) <= TensorCoreGemm.MaxPartials(s.sms);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Launch_RejectsUnsupportedOperands_OnTheHost()
    {
        var context = fixture.Context;
        using var dx = Expect.Zeros<float>(context, 4 * 16);
        using var dw = Expect.Zeros<ushort>(context, 8 * 16);
        using var dy = Expect.Zeros<float>(context, 4 * 8);
        var stream = fixture.Stream;
        var plan = new TensorCoreGemm.Plan(1, 1);

        var oddK = Assert.Throws<ArgumentException>(() =>
            TensorCoreGemm.Launch(context, stream, dx.View, dw.View, false, 8, 12, default, dy.View, 4, plan, default));
        Assert.Contains("multiple of 8", oddK.Message, StringComparison.Ordinal);

        var misaligned = Assert.Throws<ArgumentException>(() =>
            TensorCoreGemm.Launch(context, stream, dx.View.SubView(1, 40), dw.View, false, 8, 8, default, dy.View, 4, plan, default));
        Assert.Contains("16-byte aligned", misaligned.Message, StringComparison.Ordinal);

        var noPartials = Assert.Throws<ArgumentException>(() =>
            TensorCoreGemm.Launch(context, stream, dx.View, dw.View, false, 8, 16, default, dy.View, 4, new TensorCoreGemm.Plan(1, 2), default));
        Assert.Contains("64 partial sums", noPartials.Message, StringComparison.Ordinal);

        var shortY = Assert.Throws<ArgumentException>(() =>
            TensorCoreGemm.Launch(context, stream, dx.View, dw.View, false, 8, 16, default, dy.View.SubView(0, 31), 4, plan, default));
        Assert.Contains("32 outputs", shortY.Message, StringComparison.Ordinal);
    }

    /// <summary>The 16-bit pattern of <paramref name="value"/> rounded to nearest even: f16 by System.Half, bf16 by integer arithmetic.</summary>
    private static ushort Round(float value, bool f16)
    {
        if (f16)
        {
            return BitConverter.HalfToUInt16Bits((System.Half)value);
        }
        var bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    private static double Widen(ushort bits, bool f16) =>
        f16 ? (double)BitConverter.UInt16BitsToHalf(bits) : BitConverter.UInt32BitsToSingle((uint)bits << 16);

    private static float[] Reference(float[] x, ushort[] w, float[]? bias, int rows, int n, int k, bool f16)
    {
        var y = new float[rows * n];
        for (var r = 0; r < rows; r++)
        {
            for (var o = 0; o < n; o++)
            {
                var sum = bias is null ? 0d : bias[o];
                for (var i = 0; i < k; i++)
                {
                    sum += Widen(Round(x[(r * k) + i], f16), f16) * Widen(w[(o * k) + i], f16);
                }
                y[(r * n) + o] = (float)sum;
            }
        }
        return y;
    }
}
