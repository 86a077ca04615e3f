using Engine.Backends.Cpu;
using Engine.Model;
using Kernels.SelfTest;
using CudaKernels = Engine.Backends.Cuda;

namespace Engine.Tests.Backends.Cuda;

/// <summary>
/// RMSNorm, fused add + RMSNorm and SwiGLU of the CUDA backend, run on ILGPU's CPU accelerator and compared with
/// the CPU backend's ops on the same inputs. Widths sweep the warp and group tails (1, under a warp, a warp ± 1,
/// several warps, past the 256-thread group). Tolerance 1e-5 · (1 + |expected|): both sum ≤ 300 float32
/// squares of O(1) values, only in another order (error ~1e-6 relative); an index or formula slip is O(1).
/// </summary>
[Collection(CudaKernelCollection.Name)]
public sealed class CudaRowKernelTests(CudaKernelFixture fixture)
{
    private const float Tolerance = 1e-5f;

    public static TheoryData<int, int> Shapes() => new()
    {
        { 1, 1 }, { 2, 5 }, { 1, 31 }, { 3, 32 }, { 2, 33 }, { 1, 100 }, { 2, 256 }, { 3, 257 }, { 1, 300 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RmsNorm_MatchesCpuBackend(int rows, int cols)
    {
        var x = Expect.RandomFloats(rows * cols, rows * 1000 + cols, -2f, 2f);
        var weight = Expect.RandomFloats(cols, cols, 0.5f, 1.5f);
        using var cpu = new CpuBackend(threads: 1);
        var cx = Buffer(cpu, rows, cols, x);
        var cy = cpu.AllocateBuffer(rows, cols);
        cpu.RmsNorm(cx, cpu.LoadWeight(WeightTensor.FromFloats("w", weight, [cols])), 1e-5f, cy, rows);

        var context = fixture.Context;
        using var dx = Expect.Upload(context, x);
        using var dw = Expect.Upload(context, weight);
        using var dy = context.Accelerator.Allocate1D<float>(rows * cols);
        CudaKernels.RmsNorm.Launch(context, fixture.Stream, dx.View, dw.View, dy.View, rows, cols, 1e-5f);
        fixture.Stream.Synchronize();

        Expect.Close(Rows(cpu, cy, rows, cols), Expect.Download(dy), Tolerance, Tolerance, $"RmsNorm {rows}x{cols}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AddRmsNorm_MatchesCpuBackend_BothTheResidualAndTheNorm(int rows, int cols)
    {
        var x = Expect.RandomFloats(rows * cols, rows * 1000 + cols + 1, -2f, 2f);
        var delta = Expect.RandomFloats(rows * cols, rows * 1000 + cols + 2, -2f, 2f);
        var weight = Expect.RandomFloats(cols, cols + 3, 0.5f, 1.5f);
        using var cpu = new CpuBackend(threads: 1);
        var cx = Buffer(cpu, rows, cols, x);
        var cd = Buffer(cpu, rows, cols, delta);
        var cy = cpu.AllocateBuffer(rows, cols);
        cpu.AddRmsNorm(cx, cd, cpu.LoadWeight(WeightTensor.FromFloats("w", weight, [cols])), 1e-6f, cy, rows);

        var context = fixture.Context;
        using var dx = Expect.Upload(context, x);
        using var dd = Expect.Upload(context, delta);
        using var dw = Expect.Upload(context, weight);
        using var dy = context.Accelerator.Allocate1D<float>(rows * cols);
        CudaKernels.AddRmsNorm.Launch(context, fixture.Stream, dx.View, dd.View, dw.View, dy.View, rows, cols, 1e-6f);
        fixture.Stream.Synchronize();

        // The residual is one float32 add per element on both sides: equal bits.
        Expect.Close(Rows(cpu, cx, rows, cols), Expect.Download(dx), 0f, 0f, $"AddRmsNorm residual {rows}x{cols}");
        Expect.Close(Rows(cpu, cy, rows, cols), Expect.Download(dy), Tolerance, Tolerance, $"AddRmsNorm {rows}x{cols}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SwiGlu_MatchesCpuBackend(int rows, int cols)
    {
        // Gates out to ±12 reach both saturated ends of the sigmoid.
        var gate = Expect.RandomFloats(rows * cols, rows * 1000 + cols + 4, -12f, 12f);
        var up = Expect.RandomFloats(rows * cols, rows * 1000 + cols + 5, -2f, 2f);
        using var cpu = new CpuBackend(threads: 1);
        var cg = Buffer(cpu, rows, cols, gate);
        cpu.SwiGlu(cg, Buffer(cpu, rows, cols, up), rows);

        var context = fixture.Context;
        using var dg = Expect.Upload(context, gate);
        using var du = Expect.Upload(context, up);
        CudaKernels.SwiGlu.Launch(context, fixture.Stream, dg.View, du.View, rows, cols);
        fixture.Stream.Synchronize();

        Expect.Close(Rows(cpu, cg, rows, cols), Expect.Download(dg), Tolerance, Tolerance, $"SwiGlu {rows}x{cols}");
    }

    [Fact]
    public void RmsNorm_RejectsAnOutputTooSmall_OnTheHost()
    {
        var context = fixture.Context;
        using var dx = context.Accelerator.Allocate1D<float>(2 * 8);
        using var dw = context.Accelerator.Allocate1D<float>(8);
        using var dy = context.Accelerator.Allocate1D<float>(8);

        var error = Assert.Throws<ArgumentException>(() => CudaKernels.RmsNorm.Launch(context, fixture.Stream, dx.View, dw.View, dy.View, 2, 8, 1e-5f));

        Assert.Contains("output 8", error.Message, StringComparison.Ordinal);
    }

    internal static Engine.Backends.IDeviceBuffer Buffer(CpuBackend cpu, int rows, int cols, float[] values)
    {
        var buffer = cpu.AllocateBuffer(rows, cols);
        values.CopyTo(((CpuBuffer)buffer).Data, 0);
        return buffer;
    }

    internal static float[] Rows(CpuBackend cpu, Engine.Backends.IDeviceBuffer buffer, int rows, int cols)
    {
        var result = new float[rows * cols];
        cpu.CopyToHost(buffer, rows, result);
        return result;
    }
}
