using Engine.Backends.Cpu;
using Engine.Execution;
using Engine.Model;

namespace Engine.Tests.Lora;

/// <summary>The CPU backend's LoraShrink and LoraExpand against a double-precision reference.</summary>
public sealed class CpuLoraOpsTests
{
    private const int Rows = 5;
    private static readonly float[] Multipliers = [1f, 0.5f, -2f, 3f, 1f];

    // Sizes sweep every tail: k and rank not multiples of 8, n across the 256-column chunk boundary. The segment is
    // rows 1..3 of 5; rows 0 and 4 must come back untouched. Bound: the float32 sums have at most k + rank ≤ 317
    // terms, so their error is below 317 · 2⁻²⁴ ≈ 1.9e-5 times the sum of |terms| (the standard γ_n bound).
    [Fact]
    public void ShrinkThenExpand_MatchDoubleReference_OnTheSegmentRowsOnly()
    {
        var random = new Random(9);
        using var backend = new CpuBackend(threads: 2);
        var batch = new ForwardBatch(maxTokens: Rows, maxSeqs: Rows, maxBlocksPerSeq: 1, blockSize: 4);
        for (var r = 0; r < Rows; r++)
        {
            batch.AddSequence([1], 0, [r], computeLogits: false, loraId: 0, loraMultiplier: Multipliers[r]);
        }
        backend.BeginStep(batch);
        foreach (var rank in new[] { 1, 3, 8, 17 })
        {
            foreach (var k in new[] { 1, 9, 64, 300 })
            {
                foreach (var n in new[] { 1, 7, 256, 257, 600 })
                {
                    Check(backend, batch, random, rank, k, n, scale: 0.75f);
                }
            }
        }
    }

    private static void Check(CpuBackend backend, ForwardBatch batch, Random random, int rank, int k, int n, float scale)
    {
        var a = Values(random, rank * k);
        var b = Values(random, n * rank);
        var bT = new float[rank * n];
        for (var o = 0; o < n; o++)
        {
            for (var j = 0; j < rank; j++)
            {
                bT[j * n + o] = b[o * rank + j];
            }
        }
        var xValues = Values(random, Rows * k);
        var yValues = Values(random, Rows * n);
        var x = backend.AllocateBuffer(Rows, k);
        var t = backend.AllocateBuffer(Rows, rank + 2);
        var y = backend.AllocateBuffer(Rows, n);
        xValues.CopyTo(((CpuBuffer)x).Data, 0);
        yValues.CopyTo(((CpuBuffer)y).Data, 0);

        backend.LoraShrink(x, backend.LoadWeight(WeightTensor.FromFloats("a", a, [rank, k])), t, 1, 4);
        backend.LoraExpand(t, backend.LoadWeight(WeightTensor.FromFloats("bT", bT, [rank, n])), scale, batch, y, 1, 4);

        var result = new float[Rows * n];
        backend.CopyToHost(y, Rows, result);
        for (var r = 0; r < Rows; r++)
        {
            for (var o = 0; o < n; o++)
            {
                if (r is 0 or 4)
                {
                    Assert.Equal(yValues[r * n + o], result[r * n + o]);
                    continue;
                }
                double delta = 0, magnitude = 0;
                for (var j = 0; j < rank; j++)
                {
                    double tj = 0, tMagnitude = 0;
                    for (var i = 0; i < k; i++)
                    {
                        tj += (double)a[j * k + i] * xValues[r * k + i];
                        tMagnitude += Math.Abs((double)a[j * k + i] * xValues[r * k + i]);
                    }
                    delta += b[o * rank + j] * tj;
                    magnitude += Math.Abs(b[o * rank + j]) * tMagnitude;
                }
                var c = (double)scale * Multipliers[r];
                var expected = yValues[r * n + o] + c * delta;
                var bound = 2e-5 * (Math.Abs(yValues[r * n + o]) + Math.Abs(c) * magnitude) + 1e-7;
                Assert.True(Math.Abs(expected - result[r * n + o]) <= bound,
                    $"rank={rank} k={k} n={n} at ({r},{o}): expected {expected}, got {result[r * n + o]}");
            }
        }
    }

    private static float[] Values(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
}
