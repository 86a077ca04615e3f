using Engine.Execution;
using Engine.Model;
using Kernels.Language;
using Kernels.SelfTest;

namespace Engine.Tests.Backends.Cuda;

/// <summary>
/// The CUDA backend's ops that need a step's metadata (StoreKv, paged attention, CopyBlock, GatherLogitRows, LoRA
/// shrink/expand) and HeadRmsNorm, each run through <see cref="Engine.Backends.Cuda.CudaBackend"/> on ILGPU's CPU
/// accelerator and through the CPU backend on the same inputs. Attention batches mix a prefill crossing block
/// boundaries, a chunked prefill over cached blocks and decode rows, over shuffled block tables. For bf16/f16
/// caches the CPU backend gets keys and values already rounded to that dtype (round to nearest even, the
/// conversion StoreKv applies), so both attend over the same numbers. Tolerance 2e-5 · (1 + |expected|) for
/// every dtype: the online softmax and the one-pass rescaling differ from the CPU's two-pass softmax only in
/// float32 rounding (≤ 16 keys: ~1e-6), while a wrong block, slot or head is O(1).
/// </summary>
[Collection(CudaKernelCollection.Name)]
public sealed class CudaBackendOpsTests(CudaKernelFixture fixture)
{
    private const float Tolerance = 2e-5f;
    private const int BlockSize = 4;
    private const int MaxBlocksPerSeq = 4;
    private const int NumBlocks = 10;

    public static TheoryData<int, int, int, DType> AttentionCases() => new()
    {
        { 2, 2, 8, DType.F32 },     // GQA ratio 1
        { 4, 2, 8, DType.F32 },     // ratio 2
        { 4, 1, 8, DType.BF16 },    // ratio 4
        { 4, 2, 8, DType.F16 },
        { 2, 1, 64, DType.F32 },
        { 4, 1, 64, DType.BF16 },
        { 2, 2, 128, DType.F32 },
        { 2, 1, 128, DType.F16 },
        { 3, 1, 40, DType.F32 },    // head_dim not a multiple of the warp: partial lane groups
    };

    [Theory]
    [MemberData(nameof(AttentionCases))]
    public void StoreKvAndPagedAttention_MatchCpuBackend_OverMixedBatches(int numHeads, int numKvHeads, int headDim, DType kvDType)
    {
        using var pair = new BackendPair(fixture.Context, kvDType);
        var cpuCache = pair.Cpu.AllocateKvCache(2, NumBlocks, BlockSize, numKvHeads, headDim);
        var gpuCache = pair.Gpu.AllocateKvCache(2, NumBlocks, BlockSize, numKvHeads, headDim);
        var batch = new ForwardBatch(maxTokens: 12, maxSeqs: 3, MaxBlocksPerSeq, BlockSize);
        var seed = numHeads * 1000 + headDim;

        // step 1: sequence B's prompt of 9 tokens (three blocks, the last partial)
        batch.Clear();
        batch.AddSequence(new int[9], 0, [7, 2, 5], computeLogits: true);
        Attend(pair, batch, cpuCache, gpuCache, layer: 1, numHeads, numKvHeads, headDim, kvDType, seed++, "prefill");

        // step 2: a new prompt across a block boundary, B's decode token at position 9 (a fourth block), a one-token prompt
        batch.Clear();
        batch.AddSequence(new int[6], 0, [3, 8], computeLogits: true);
        batch.AddSequence(new int[1], 9, [7, 2, 5, 1], computeLogits: true);
        batch.AddSequence(new int[1], 0, [0], computeLogits: true);
        Attend(pair, batch, cpuCache, gpuCache, layer: 1, numHeads, numKvHeads, headDim, kvDType, seed++, "mixed");

        // step 3: a chunked prefill continuing at position 6 of the first prompt (reads cached blocks 3 and 8)
        batch.Clear();
        batch.AddSequence(new int[3], 6, [3, 8, 6], computeLogits: true);
        Attend(pair, batch, cpuCache, gpuCache, layer: 1, numHeads, numKvHeads, headDim, kvDType, seed++, "chunk");

        // copy-on-write: block 5 (B's third) into block 9, then a fork of B decodes at position 10 over [7, 2, 9, 4]
        cpuCache.CopyBlock(5, 9);
        gpuCache.CopyBlock(5, 9);
        cpuCache.CopyBlock(1, 4);
        gpuCache.CopyBlock(1, 4);
        batch.Clear();
        batch.AddSequence(new int[1], 10, [7, 2, 9, 4], computeLogits: true);
        Attend(pair, batch, cpuCache, gpuCache, layer: 1, numHeads, numKvHeads, headDim, kvDType, seed, "fork after CopyBlock");
    }

    private static void Attend(BackendPair pair, ForwardBatch batch, Engine.Backends.IDeviceKvCache cpuCache, Engine.Backends.IDeviceKvCache gpuCache,
        int layer, int numHeads, int numKvHeads, int headDim, DType kvDType, int seed, string what)
    {
        var rows = batch.NumTokens;
        var qDim = numHeads * headDim;
        var kvDim = numKvHeads * headDim;
        var k = Expect.RandomFloats(rows * kvDim, seed * 3, -2f, 2f);
        var v = Expect.RandomFloats(rows * kvDim, seed * 3 + 1, -2f, 2f);
        var q = Expect.RandomFloats(rows * qDim, seed * 3 + 2, -2f, 2f);
        pair.Cpu.BeginStep(batch);
        pair.Gpu.BeginStep(batch);
        var (ck, gk) = pair.Buffers(rows, kvDim);
        var (cv, gv) = pair.Buffers(rows, kvDim);
        BackendPair.Fill(ck, gk, k, Round(k, kvDType));
        BackendPair.Fill(cv, gv, v, Round(v, kvDType));
        var (cq, gq) = pair.Buffers(rows, qDim, q);
        var (co, go) = pair.Buffers(rows, qDim);
        pair.Cpu.StoreKv(ck, cv, cpuCache, layer, batch);
        pair.Gpu.StoreKv(gk, gv, gpuCache, layer, batch);
        pair.Cpu.PagedAttention(cq, cpuCache, layer, batch, numHeads, co);
        pair.Gpu.PagedAttention(gq, gpuCache, layer, batch, numHeads, go);
        Expect.Close(pair.ReadCpu(co, rows), pair.ReadGpu(go, rows), Tolerance, Tolerance,
            $"attention {what}: {numHeads} heads / {numKvHeads} KV heads × {headDim}, {kvDType} cache");
    }

    // what a bf16/f16 cache holds for each value (round to nearest even); f32 unchanged
    private static float[] Round(float[] values, DType dtype) => dtype switch
    {
        DType.BF16 => [.. values.Select(x => Bf16.ToFloat(Bf16.FromFloat(x)))],
        DType.F16 => [.. values.Select(x => (float)(System.Half)x)],
        _ => values,
    };

    [Fact]
    public void StoreKv_RejectsASlotOutsideTheCache_OnTheHost()
    {
        using var pair = new BackendPair(fixture.Context);
        var cache = pair.Gpu.AllocateKvCache(1, 2, BlockSize, 1, 8);
        var batch = new ForwardBatch(4, 1, 4, BlockSize);
        batch.AddSequence(new int[1], 0, [5], computeLogits: true);
        pair.Gpu.BeginStep(batch);
        var k = pair.Gpu.AllocateBuffer(1, 8);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => pair.Gpu.StoreKv(k, k, cache, 0, batch));
        Assert.Contains("KV slot 20", e.Message, StringComparison.Ordinal);
        var q = pair.Gpu.AllocateBuffer(1, 8);
        var attention = Assert.Throws<ArgumentOutOfRangeException>(() => pair.Gpu.PagedAttention(q, cache, 0, batch, 1, q));
        Assert.Contains("block 5", attention.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GatherLogitRows_MatchesCpuBackend_ForAWindowOfPromptRows()
    {
        using var pair = new BackendPair(fixture.Context);
        var batch = new ForwardBatch(8, 2, 4, BlockSize);
        batch.AddSequence(new int[3], 0, [0], computeLogits: true);
        var seq = batch.AddSequence(new int[4], 0, [1], computeLogits: false);
        batch.AddAllLogitRows(seq);
        pair.Cpu.BeginStep(batch);
        pair.Gpu.BeginStep(batch);
        const int cols = 37;
        var (cx, gx) = pair.Buffers(7, cols, Expect.RandomFloats(7 * cols, 11));
        var (cy, gy) = pair.Buffers(3, cols);
        pair.Cpu.GatherLogitRows(cx, batch, 1, 3, cy);
        pair.Gpu.GatherLogitRows(gx, batch, 1, 3, gy);
        // a copy: equal bits
        Assert.Equal(pair.ReadCpu(cy, 3), pair.ReadGpu(gy, 3));
    }

    [Theory]
    [InlineData(2, 8)]
    [InlineData(3, 64)]
    [InlineData(1, 128)]
    public void HeadRmsNorm_MatchesCpuBackend(int heads, int headDim)
    {
        using var pair = new BackendPair(fixture.Context);
        const int rows = 3;
        var (cx, gx) = pair.Buffers(rows, heads * headDim, Expect.RandomFloats(rows * heads * headDim, headDim, -3f, 3f));
        var (cw, gw) = pair.Weights(WeightTensor.FromFloats("q_norm", Expect.RandomFloats(headDim, 5, 0.5f, 1.5f), [headDim]));
        pair.Cpu.HeadRmsNorm(cx, cw, 1e-6f, rows);
        pair.Gpu.HeadRmsNorm(gx, gw, 1e-6f, rows);
        Expect.Close(pair.ReadCpu(cx, rows), pair.ReadGpu(gx, rows), Tolerance, Tolerance, $"HeadRmsNorm {heads}×{headDim}");
    }

    [Theory]
    [InlineData(3, 12, 10)]
    [InlineData(4, 33, 70)]
    public void LoraShrinkAndExpand_MatchCpuBackend_PerSegmentWithRowMultipliers(int rank, int k, int n)
    {
        using var pair = new BackendPair(fixture.Context);
        var batch = new ForwardBatch(8, 3, 4, BlockSize);
        batch.AddSequence(new int[1], 0, [0], computeLogits: true);                                  // row 0: base
        batch.AddSequence(new int[3], 0, [1], computeLogits: true, loraId: 0, loraMultiplier: 0.5f); // rows 1-3
        batch.AddSequence(new int[2], 0, [2], computeLogits: true, loraId: 0, loraMultiplier: -2f);  // rows 4-5, same segment
        Assert.Equal(1, batch.NumLoraSegments);
        pair.Cpu.BeginStep(batch);
        pair.Gpu.BeginStep(batch);
        const int rows = 6;
        var tCols = rank + 2;
        var (cx, gx) = pair.Buffers(rows, k, Expect.RandomFloats(rows * k, rank, -1f, 1f));
        var (ct, gt) = pair.Buffers(rows, tCols, Expect.RandomFloats(rows * tCols, rank + 1));
        var (cy, gy) = pair.Buffers(rows, n, Expect.RandomFloats(rows * n, rank + 2));
        var (ca, ga) = pair.Weights(WeightTensor.FromFloats("lora_A", Expect.RandomFloats(rank * k, rank + 3), [rank, k]));
        var (cb, gb) = pair.Weights(WeightTensor.FromFloats("lora_B^T", Expect.RandomFloats(rank * n, rank + 4), [rank, n]));
        var segment = batch.LoraSegments[0];
        pair.Cpu.LoraShrink(cx, ca, ct, segment.RowStart, segment.RowEnd);
        pair.Gpu.LoraShrink(gx, ga, gt, segment.RowStart, segment.RowEnd);
        pair.Cpu.LoraExpand(ct, cb, 0.75f, batch, cy, segment.RowStart, segment.RowEnd);
        pair.Gpu.LoraExpand(gt, gb, 0.75f, batch, gy, segment.RowStart, segment.RowEnd);

        // rows outside the segment and t's columns past rank keep their values (compared exactly, as part of the whole)
        Expect.Close(pair.ReadCpu(ct, rows), pair.ReadGpu(gt, rows), Tolerance, Tolerance, "LoRA shrink");
        Expect.Close(pair.ReadCpu(cy, rows), pair.ReadGpu(gy, rows), Tolerance, Tolerance, "LoRA expand");
    }

    [Theory]
    [InlineData(DType.F32)]
    [InlineData(DType.BF16)]
    [InlineData(DType.F16)]
    public void FusedMatMulWithBiasAndEmbedding_MatchCpuBackend(DType dtype)
    {
        using var pair = new BackendPair(fixture.Context);
        const int rows = 9, k = 16, n = 5;
        var batch = new ForwardBatch(rows, 1, 4, BlockSize);
        batch.AddSequence([3, 0, 4, 4, 1, 2, 0, 3, 1], 0, [0, 1, 2], computeLogits: true);
        pair.Cpu.BeginStep(batch);
        pair.Gpu.BeginStep(batch);
        var (ce, ge) = pair.Weights(WeightTensor.FromFloats("embed", Expect.RandomFloats(5 * k, 21), [5, k], dtype));
        var (cx, gx) = pair.Buffers(rows, k);
        pair.Cpu.Embedding(ce, batch, cx);
        pair.Gpu.Embedding(ge, batch, gx);
        Assert.Equal(pair.ReadCpu(cx, rows), pair.ReadGpu(gx, rows));

        var (cw1, gw1) = pair.Weights(WeightTensor.FromFloats("w1", Expect.RandomFloats(n * k, 22), [n, k], dtype));
        var (cw2, gw2) = pair.Weights(WeightTensor.FromFloats("w2", Expect.RandomFloats((n + 3) * k, 23), [n + 3, k], dtype));
        var (cb, gb) = pair.Weights(WeightTensor.FromFloats("b1", Expect.RandomFloats(n, 24), [n]));
        var (cy1, gy1) = pair.Buffers(rows, n);
        var (cy2, gy2) = pair.Buffers(rows, n + 3);
        pair.Cpu.MatMul(cx, rows, new(cw1, cb, cy1), new(cw2, null, cy2));
        pair.Gpu.MatMul(gx, rows, new(gw1, gb, gy1), new(gw2, null, gy2));
        Expect.Close(pair.ReadCpu(cy1, rows), pair.ReadGpu(gy1, rows), 1e-4f, 1e-4f, $"MatMul {dtype} with bias");
        Expect.Close(pair.ReadCpu(cy2, rows), pair.ReadGpu(gy2, rows), 1e-4f, 1e-4f, $"MatMul {dtype}");
    }

    // More than Gemv.MaxRows rows with 16-bit weights take the tensor-core GEMM, whose contract is the product of x
    // rounded to the weights' type: it matches the CPU backend given pre-rounded x, while the same backend with the
    // GEMM off (the float32 GEMV) matches the CPU backend on x itself; the two differ by far more than the tolerance.
    [Theory]
    [InlineData(DType.BF16)]
    [InlineData(DType.F16)]
    public void MatMul_OfManyRows_RoundsActivationsOnTheTensorCoreGemm_AndNotOnTheGemv(DType dtype)
    {
        using var pair = new BackendPair(fixture.Context);
        using var gemvOnly = new Engine.Backends.Cuda.CudaBackend(fixture.Context) { UseTensorCoreGemm = false };
        const int rows = 12, k = 64, n = 10;
        var x = Expect.RandomFloats(rows * k, 31, -3f, 3f);
        var tensor = WeightTensor.FromFloats("w", Expect.RandomFloats(n * k, 32), [n, k], dtype);
        var (cw, gw) = pair.Weights(tensor);
        var cx = pair.Cpu.AllocateBuffer(rows, k);
        var gx = pair.Gpu.AllocateBuffer(rows, k);
        BackendPair.Fill(cx, gx, x, Round(x, dtype));
        var (cy, gy) = pair.Buffers(rows, n);
        pair.Cpu.MatMul(cx, cw, null, cy, rows);
        pair.Gpu.MatMul(gx, gw, null, gy, rows);
        var roundedProduct = pair.ReadCpu(cy, rows);
        Expect.Close(roundedProduct, pair.ReadGpu(gy, rows), 1e-4f, 1e-4f, $"tensor-core GEMM {dtype}");

        var ox = gemvOnly.AllocateBuffer(rows, k);
        var oy = gemvOnly.AllocateBuffer(rows, n);
        BackendPair.Fill(cx, ox, x);
        gemvOnly.MatMul(ox, gemvOnly.LoadWeight(tensor), null, oy, rows);
        pair.Cpu.MatMul(cx, cw, null, cy, rows);
        var floatProduct = pair.ReadCpu(cy, rows);
        var gemv = new float[rows * n];
        gemvOnly.CopyToHost(oy, rows, gemv);
        Expect.Close(floatProduct, gemv, 1e-4f, 1e-4f, $"GEMV {dtype}");
        Assert.True(floatProduct.Zip(roundedProduct).Max(p => Math.Abs(p.First - p.Second)) > 1e-3f, "rounding x must change the product");
    }
}
