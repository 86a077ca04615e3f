using Engine.Backends.Cpu;
using Engine.Model;

namespace Engine.Tests.Backends;

public sealed class CpuMatMulTests
{
    // Sizes sweep every tail: rows not a multiple of 4 or 16, k not a multiple of 16 (one Vector512) or below it,
    // an odd and an even number of 16-blocks (the kernels' two partial sums), tokens below 4 (the GEMV path) and
    // not a multiple of 4 (the GEMM tile). Reference: double-precision dot products of the same (rounded) weights;
    // k ≤ 81 float32 products of O(1) values lose at most ~2e-5, so 1e-4 is a safe bound that still catches any
    // index error.
    [Theory]
    [InlineData(DType.F32)]
    [InlineData(DType.F16)]
    [InlineData(DType.BF16)]
    public void MatchesDoubleReference_AcrossShapes(DType dtype)
    {
        var random = new Random(5);
        using var backend = new CpuBackend(threads: 2);
        foreach (var n in new[] { 1, 3, 4, 5, 16, 17, 35 })
        {
            foreach (var k in new[] { 1, 7, 15, 16, 17, 33, 41, 64, 81 })
            {
                foreach (var tokens in new[] { 1, 2, 3, 4, 5, 7, 9 })
                {
                    var wValues = Enumerable.Range(0, n * k).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                    var weight = WeightTensor.FromFloats("w", wValues, [n, k], dtype);
                    var rounded = weight.ToFloats();
                    var bias = WeightTensor.FromFloats("b", Enumerable.Range(0, n).Select(i => (float)i).ToArray(), [n]);
                    var x = backend.AllocateBuffer(tokens, k);
                    var y = backend.AllocateBuffer(tokens, n);
                    var xValues = Enumerable.Range(0, tokens * k).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                    xValues.CopyTo(((CpuBuffer)x).Data, 0);

                    backend.MatMul(x, backend.LoadWeight(weight), backend.LoadWeight(bias), y, tokens);

                    var result = new float[tokens * n];
                    backend.CopyToHost(y, tokens, result);
                    for (var t = 0; t < tokens; t++)
                    {
                        for (var r = 0; r < n; r++)
                        {
                            double expected = r;
                            for (var i = 0; i < k; i++)
                            {
                                expected += (double)rounded[r * k + i] * xValues[t * k + i];
                            }
                            Assert.True(Math.Abs(expected - result[t * n + r]) < 1e-4, $"{dtype} n={n} k={k} tokens={tokens} at ({t},{r})");
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(DType.F32)]
    [InlineData(DType.BF16)]
    public void FusedTargets_AndBatchedTokens_GiveTheBitsOfSeparateSingleTokenRuns(DType dtype)
    {
        // q/k/v (and gate/up) run as one job, prefill rows through the GEMM tile and decode rows through the GEMV;
        // every path sums an output in the same order, so all must agree exactly (greedy decoding and the prefix
        // cache rely on a token's logits not depending on what shared its batch).
        var random = new Random(9);
        using var backend = new CpuBackend(threads: 2);
        // k: below one 16-block, an odd and an even number of blocks, with and without a scalar tail
        foreach (var k in new[] { 7, 16, 32, 48, 50, 64, 81 })
        {
            AssertFusedAndBatchedMatchSingleTokens(backend, random, dtype, k);
        }
    }

    private static void AssertFusedAndBatchedMatchSingleTokens(CpuBackend backend, Random random, DType dtype, int k)
    {
        const int tokens = 9;
        var shapes = new[] { 35, 16, 3 };
        var weights = shapes.Select(n => backend.LoadWeight(WeightTensor.FromFloats("w", [.. Enumerable.Range(0, n * k).Select(_ => (float)(random.NextDouble() * 2 - 1))], [n, k], dtype))).ToArray();
        var bias = backend.LoadWeight(WeightTensor.FromFloats("b", [.. Enumerable.Range(0, 16).Select(i => (float)i)], [16]));
        var x = backend.AllocateBuffer(tokens, k);
        var xValues = Enumerable.Range(0, tokens * k).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        xValues.CopyTo(((CpuBuffer)x).Data, 0);
        var fused = shapes.Select(n => backend.AllocateBuffer(tokens, n)).ToArray();

        backend.MatMul(x, tokens, new(weights[0], null, fused[0]), new(weights[1], bias, fused[1]), new(weights[2], null, fused[2]));

        var one = backend.AllocateBuffer(1, k);
        for (var t = 0; t < tokens; t++)
        {
            xValues.AsSpan(t * k, k).CopyTo(((CpuBuffer)one).Data);
            for (var m = 0; m < shapes.Length; m++)
            {
                var single = backend.AllocateBuffer(1, shapes[m]);
                backend.MatMul(one, weights[m], m == 1 ? bias : null, single, 1);
                Assert.True(((CpuBuffer)single).Data.AsSpan().SequenceEqual(((CpuBuffer)fused[m]).Data.AsSpan(t * shapes[m], shapes[m])), $"{dtype} k={k} token {t} target {m}");
            }
        }
    }
}
