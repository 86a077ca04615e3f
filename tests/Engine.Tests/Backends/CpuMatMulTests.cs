using Engine.Backends.Cpu;
using Engine.Model;

namespace Engine.Tests.Backends;

public sealed class CpuMatMulTests
{
    // Sizes sweep every tail: rows not a multiple of 4 or 16, k not a multiple of 8, tokens not a multiple of 3.
    // Reference: double-precision dot products of the same (rounded) weights; k ≤ 41 float32 products of O(1)
    // values lose at most ~1e-5, so 1e-4 is a safe bound that still catches any index error.
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
            foreach (var k in new[] { 1, 7, 8, 9, 16, 41 })
            {
                foreach (var tokens in new[] { 1, 2, 3, 4, 7 })
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
}
