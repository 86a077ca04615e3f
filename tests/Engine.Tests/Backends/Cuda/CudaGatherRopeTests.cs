using System.Runtime.InteropServices;
using Engine.Backends.Cpu;
using Engine.Execution;
using Engine.Model;
using Kernels.Language;
using Kernels.SelfTest;
using CudaKernels = Engine.Backends.Cuda;

namespace Engine.Tests.Backends.Cuda;

/// <summary>
/// Embedding gather (f32/bf16/f16 tables) and rotate-half RoPE of the CUDA backend against the CPU backend's
/// Embedding and Rope, on a batch of two sequences (one at position 0, one mid-table). Gather widens exactly, so
/// it must equal bit for bit; RoPE does the same four products per pair from the same table, so 1e-6 · (1 + |x|)
/// covers a fused multiply-add and nothing more.
/// </summary>
[Collection(CudaKernelCollection.Name)]
public sealed class CudaGatherRopeTests(CudaKernelFixture fixture)
{
    private const int Vocab = 11;
    private const int MaxPositions = 16;

    [Theory]
    [InlineData(DType.F32)]
    [InlineData(DType.BF16)]
    [InlineData(DType.F16)]
    public void EmbeddingGather_EqualsCpuBackend(DType dtype)
    {
        var context = fixture.Context;
        using var cpu = new CpuBackend(threads: 1);
        foreach (var dim in new[] { 1, 3, 32, 33 })
        {
            var table = WeightTensor.FromFloats("embed", Expect.RandomFloats(Vocab * dim, dim, -3f, 3f), [Vocab, dim], dtype);
            var batch = Batch([0, 10, 4, 4], [7, 1]);
            var rows = batch.NumTokens;
            var cx = cpu.AllocateBuffer(rows, dim);
            cpu.Embedding(cpu.LoadWeight(table), batch, cx);

            using var tokens = Expect.Upload(context, batch.TokenIds.ToArray());
            using var dx = context.Accelerator.Allocate1D<float>(rows * dim);
            var bytes = table.Bytes.Span;
            switch (dtype)
            {
                case DType.F32:
                    using (var dt = Expect.Upload(context, MemoryMarshal.Cast<byte, float>(bytes).ToArray()))
                    {
                        CudaKernels.EmbeddingGather.LaunchF32(context, fixture.Stream, dt.View, Vocab, dim, tokens.View, batch.TokenIds, dx.View);
                        fixture.Stream.Synchronize();
                    }
                    break;
                case DType.BF16:
                    using (var dt = Expect.Upload(context, MemoryMarshal.Cast<byte, BFloat16>(bytes).ToArray()))
                    {
                        CudaKernels.EmbeddingGather.LaunchBf16(context, fixture.Stream, dt.View, Vocab, dim, tokens.View, batch.TokenIds, dx.View);
                        fixture.Stream.Synchronize();
                    }
                    break;
                default:
                    using (var dt = Expect.Upload(context, MemoryMarshal.Cast<byte, ILGPU.Half>(bytes).ToArray()))
                    {
                        CudaKernels.EmbeddingGather.LaunchF16(context, fixture.Stream, dt.View, Vocab, dim, tokens.View, batch.TokenIds, dx.View);
                        fixture.Stream.Synchronize();
                    }
                    break;
            }

            Expect.Close(CudaRowKernelTests.Rows(cpu, cx, rows, dim), Expect.Download(dx), 0f, 0f, $"{dtype} dim={dim}");
        }
    }

    [Fact]
    public void EmbeddingGather_RejectsATokenOutsideTheVocabulary_OnTheHost()
    {
        var context = fixture.Context;
        using var table = context.Accelerator.Allocate1D<float>(Vocab * 2);
        using var tokens = Expect.Upload(context, new[] { 3, Vocab });
        using var dx = context.Accelerator.Allocate1D<float>(4);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            CudaKernels.EmbeddingGather.LaunchF32(context, fixture.Stream, table.View, Vocab, 2, tokens.View, [3, Vocab], dx.View));

        Assert.Contains($"Token id {Vocab} (row 1)", error.Message, StringComparison.Ordinal);
    }

    // head_dim 2 (one pair), 6 (half 3: odd), 8 and 64; GQA-like q/k widths (3 and 1 heads).
    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    [InlineData(8)]
    [InlineData(64)]
    public void RotateHalfRope_MatchesCpuBackend_OnQAndK(int headDim)
    {
        const int qHeads = 3, kHeads = 1;
        var batch = Batch([1, 2, 3], [4, 5, 6, 7]);
        var rows = batch.NumTokens;
        var qCols = qHeads * headDim;
        var kCols = kHeads * headDim;
        var q = Expect.RandomFloats(rows * qCols, headDim, -2f, 2f);
        var k = Expect.RandomFloats(rows * kCols, headDim + 1, -2f, 2f);
        var invFreq = Enumerable.Range(0, headDim / 2).Select(i => Math.Pow(10000, -2.0 * i / headDim)).ToArray();
        using var cpu = new CpuBackend(threads: 1);
        var table = (CpuRopeTable)cpu.CreateRopeTable(invFreq, 1.25, MaxPositions);
        var cq = CudaRowKernelTests.Buffer(cpu, rows, qCols, q);
        var ck = CudaRowKernelTests.Buffer(cpu, rows, kCols, k);
        cpu.Rope(cq, ck, table, batch, headDim);

        var context = fixture.Context;
        using var dq = Expect.Upload(context, q);
        using var dk = Expect.Upload(context, k);
        using var positions = Expect.Upload(context, batch.Positions.ToArray());
        using var cos = Expect.Upload(context, table.Cos);
        using var sin = Expect.Upload(context, table.Sin);
        CudaKernels.RotateHalfRope.Launch(context, fixture.Stream, dq.View, rows, qCols, headDim, positions.View, batch.Positions, cos.View, sin.View, MaxPositions);
        CudaKernels.RotateHalfRope.Launch(context, fixture.Stream, dk.View, rows, kCols, headDim, positions.View, batch.Positions, cos.View, sin.View, MaxPositions);
        fixture.Stream.Synchronize();

        Expect.Close(CudaRowKernelTests.Rows(cpu, cq, rows, qCols), Expect.Download(dq), 1e-6f, 1e-6f, $"q head_dim={headDim}");
        Expect.Close(CudaRowKernelTests.Rows(cpu, ck, rows, kCols), Expect.Download(dk), 1e-6f, 1e-6f, $"k head_dim={headDim}");
    }

    [Fact]
    public void RotateHalfRope_RejectsAPositionPastTheTable_OnTheHost()
    {
        var context = fixture.Context;
        using var x = context.Accelerator.Allocate1D<float>(4);
        using var positions = Expect.Upload(context, new[] { MaxPositions });
        using var table = context.Accelerator.Allocate1D<float>(MaxPositions * 2);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            CudaKernels.RotateHalfRope.Launch(context, fixture.Stream, x.View, 1, 4, 4, positions.View, [MaxPositions], table.View, table.View, MaxPositions));

        Assert.Contains($"Position {MaxPositions} (row 0)", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Two sequences: <paramref name="first"/> from position 0 and <paramref name="second"/> from position 9.</summary>
    private static ForwardBatch Batch(int[] first, int[] second)
    {
        var batch = new ForwardBatch(maxTokens: 16, maxSeqs: 2, maxBlocksPerSeq: 1, blockSize: MaxPositions);
        batch.AddSequence(first, 0, [0], computeLogits: true);
        batch.AddSequence(second, 9, [1], computeLogits: true);
        return batch;
    }
}
