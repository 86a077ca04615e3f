using System.Runtime.InteropServices;
using Engine.Backends.Cpu;
using Engine.Model;
using Kernels.Language;
using Kernels.SelfTest;
using CudaKernels = Engine.Backends.Cuda;

namespace Engine.Tests.Backends.Cuda;

/// <summary>
/// The decode GEMV against the CPU backend's MatMul on the same (rounded) weights. Sizes sweep the tails (kept
/// few: the CPU accelerator simulates every thread): n = 1 and 9 (a partial second group of warps); k = 3
/// (below one vector), 33 (misaligned: scalar path only), 12 (f32 vector path; bf16/f16 scalar) and 136
/// (vector path for every dtype, f32 lanes looping twice); rows 3 (partial launch) and 9 (a full launch of 8
/// then one row).
/// Tolerance 1e-4 · (1 + |expected|): both accumulate ≤ 136 float32 products of O(1) values, in another order.
/// </summary>
[Collection(CudaKernelCollection.Name)]
public sealed class CudaGemvTests(CudaKernelFixture fixture)
{
    private const float Tolerance = 1e-4f;

    public static TheoryData<DType, bool> Cases() => new()
    {
        { DType.F32, true }, { DType.F32, false }, { DType.BF16, false }, { DType.F16, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gemv_MatchesCpuBackendMatMul_AcrossShapes(DType dtype, bool withBias)
    {
        var context = fixture.Context;
        using var cpu = new CpuBackend(threads: 1);
        var seed = 0;
        foreach (var n in new[] { 1, 9 })
        {
            foreach (var k in new[] { 3, 12, 33, 136 })
            {
                foreach (var rows in new[] { 3, 9 })
                {
                    var weight = WeightTensor.FromFloats("w", Expect.RandomFloats(n * k, ++seed), [n, k], dtype);
                    var biasValues = Expect.RandomFloats(n, ++seed);
                    var x = Expect.RandomFloats(rows * k, ++seed);
                    var what = $"{dtype} n={n} k={k} rows={rows} bias={withBias}";

                    var cx = CudaRowKernelTests.Buffer(cpu, rows, k, x);
                    var cy = cpu.AllocateBuffer(rows, n);
                    cpu.MatMul(cx, cpu.LoadWeight(weight), withBias ? cpu.LoadWeight(WeightTensor.FromFloats("b", biasValues, [n])) : null, cy, rows);
                    var expected = CudaRowKernelTests.Rows(cpu, cy, rows, n);

                    using var dx = Expect.Upload(context, x);
                    using var dbias = withBias ? Expect.Upload(context, biasValues) : null;
                    using var dy = context.Accelerator.Allocate1D<float>(rows * n);
                    var vectorised = Run(dtype, weight, n, k, dx.View, dbias?.View ?? default, dy.View, rows);
                    fixture.Stream.Synchronize();

                    // The vector path must really be exercised where rows are 16-byte aligned.
                    Assert.True(vectorised == (k % (dtype == DType.F32 ? 4 : 8) == 0), $"{what}: vector path {vectorised}");
                    Expect.Close(expected, Expect.Download(dy), Tolerance, Tolerance, what);
                }
            }
        }
    }

    [Fact]
    public void Gemv_RejectsTooFewWeights_OnTheHost()
    {
        var context = fixture.Context;
        using var dw = context.Accelerator.Allocate1D<float>(7);
        using var dx = context.Accelerator.Allocate1D<float>(4);
        using var dy = context.Accelerator.Allocate1D<float>(2);

        var error = Assert.Throws<ArgumentException>(() =>
            CudaKernels.Gemv.LaunchF32(context, fixture.Stream, GlobalView.Of(dw), 2, 4, dx.View, default, dy.View, 1));

        Assert.Contains("8 weights", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Launches the GEMV for <paramref name="weight"/>'s dtype; returns whether its rows are aligned for 128-bit loads.</summary>
    private bool Run(DType dtype, WeightTensor weight, int n, int k, ILGPU.ArrayView<float> x, ILGPU.ArrayView<float> bias, ILGPU.ArrayView<float> y, int rows)
    {
        var context = fixture.Context;
        if (dtype == DType.F32)
        {
            using var dw = Expect.Upload(context, MemoryMarshal.Cast<byte, float>(weight.Bytes.Span).ToArray());
            var view = GlobalView.Of(dw);
            CudaKernels.Gemv.LaunchF32(context, fixture.Stream, view, n, k, x, bias, y, rows);
            fixture.Stream.Synchronize();
            return k % 4 == 0 && view.Address % 16 == 0;
        }
        using var dh = Expect.Upload(context, MemoryMarshal.Cast<byte, ushort>(weight.Bytes.Span).ToArray());
        CudaKernels.Gemv.LaunchHalfWidth(context, fixture.Stream, dh.View, dtype == DType.F16, n, k, x, bias, y, rows);
        fixture.Stream.Synchronize();
        return k % 8 == 0 && GlobalView.Of(dh).Address % 16 == 0;
    }
}
