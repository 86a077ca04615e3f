using Engine.Model;

namespace Engine.Tests.Model;

public sealed class LlamaModelTests
{
    // float32 kernels against a double-precision reference: matmuls of length ≤ 100 and 2 layers leave relative
    // errors near 1e-6; logits here are O(1..10), so 1e-3 absolute is ~100× the expected error, and any real bug
    // (a wrong head mapping, rope pairing or cache slot) moves logits by O(0.1) or more.
    private const double Tolerance = 1e-3;

    [Theory]
    [MemberData(nameof(ModelShapes.Names), MemberType = typeof(ModelShapes))]
    public void MatchesReference_ForPrefillThenDecode(string shape)
    {
        var config = ModelShapes.Get(shape);
        var weights = RandomWeights.Create(config, seed: 11);
        var tokens = RandomTokens(config, 30, seed: 3);
        var reference = new ReferenceLlama(config, weights);
        var expected = tokens.Select(reference.Step).ToArray();

        using var harness = new ModelHarness(config, weights, blockSize: 4);
        // prefill 13 tokens (spans 4 blocks), then decode the rest one at a time
        var prefill = harness.Step((0, tokens[..13]))[0];
        AssertClose(expected[12], prefill, $"{shape} prefill");
        for (var i = 13; i < tokens.Length; i++)
        {
            AssertClose(expected[i], harness.Step((0, [tokens[i]]))[0], $"{shape} decode pos {i}");
        }
    }

    [Theory]
    [InlineData(DType.F16)]
    [InlineData(DType.BF16)]
    public void HalfPrecisionWeights_MatchF32ForwardOnTheSameRoundedValues(DType dtype)
    {
        var config = ModelShapes.Get("gqa-untied");
        var half = RandomWeights.Create(config, seed: 5, dtype);
        // the same values widened to F32: the only difference left is where the widening happens
        var widened = new Weights(half.Names.Select(n =>
        {
            half.TryGet(n, out var t);
            return WeightTensor.FromFloats(n, t.ToFloats(), t.Shape);
        }));
        var tokens = RandomTokens(config, 20, seed: 9);

        using var a = new ModelHarness(config, half);
        using var b = new ModelHarness(config, widened);
        var la = a.Step((0, tokens[..15]))[0];
        var lb = b.Step((0, tokens[..15]))[0];
        // identical products and sums: widening is exact, so results agree bit for bit
        Assert.Equal(lb, la);
        for (var i = 15; i < tokens.Length; i++)
        {
            Assert.Equal(b.Step((0, [tokens[i]]))[0], a.Step((0, [tokens[i]]))[0]);
        }
    }

    [Fact]
    public void BatchedSequences_GiveExactlyTheLogitsOfOneAtATimeRuns()
    {
        var config = ModelShapes.Get("gqa-untied");
        var weights = RandomWeights.Create(config, seed: 21);
        int[][] prompts = [RandomTokens(config, 9, 1), RandomTokens(config, 1, 2), RandomTokens(config, 17, 3), RandomTokens(config, 5, 4)];

        // one at a time: prefill then 6 greedy decodes
        var solo = new List<List<float[]>>();
        foreach (var prompt in prompts)
        {
            using var h = new ModelHarness(config, weights);
            var steps = new List<float[]> { h.Step((0, prompt))[0] };
            for (var i = 0; i < 6; i++)
            {
                steps.Add(h.Step((0, [ModelHarness.ArgMax(steps[^1])]))[0]);
            }
            solo.Add(steps);
        }

        // batched: seq 0 and 1 prefill together; seq 2 prefills in two chunks alongside their decodes; seq 3 joins late
        using var batch = new ModelHarness(config, weights);
        var got = prompts.Select(_ => new List<float[]>()).ToArray();
        int Next(int s) => ModelHarness.ArgMax(got[s][^1]);
        var r = batch.Step((0, prompts[0]), (1, prompts[1]), (2, prompts[2][..10]));
        got[0].Add(r[0]);
        got[1].Add(r[1]);
        r = batch.Step((0, [Next(0)]), (2, prompts[2][10..]), (1, [Next(1)]), (3, prompts[3]));
        got[0].Add(r[0]);
        got[2].Add(r[1]);
        got[1].Add(r[2]);
        got[3].Add(r[3]);
        while (got.Any(g => g.Count < 7))
        {
            var entries = Enumerable.Range(0, 4).Where(s => got[s].Count < 7).Select(s => (s, new[] { Next(s) })).ToArray();
            r = batch.Step(entries);
            for (var i = 0; i < entries.Length; i++)
            {
                got[entries[i].s].Add(r[i]);
            }
        }

        for (var s = 0; s < prompts.Length; s++)
        {
            for (var i = 0; i < 7; i++)
            {
                Assert.Equal(solo[s][i], got[s][i]);
            }
        }
    }

    [Theory]
    [InlineData("gqa-untied")]
    [InlineData("gqa-head64")]
    public void LongPrefill_GivesExactlyTheLogitsOfOneTokenAtATime_AndMatchesReference(string shape)
    {
        // 40 rows: past RowwiseOps.MinParallelRows (norms and SwiGLU split over the pool) and through the GEMM
        // tile; every kernel sums a row the way the decode path does, so the bits must agree
        var config = ModelShapes.Get(shape);
        var weights = RandomWeights.Create(config, seed: 13);
        var tokens = RandomTokens(config, 40, seed: 8);

        using var prefill = new ModelHarness(config, weights);
        var batched = prefill.Step((0, tokens))[0];
        using var stepwise = new ModelHarness(config, weights);
        float[] last = [];
        foreach (var token in tokens)
        {
            last = stepwise.Step((0, [token]))[0];
        }

        Assert.Equal(last, batched);
        var reference = new ReferenceLlama(config, weights);
        double[] expected = [];
        foreach (var token in tokens)
        {
            expected = reference.Step(token);   // every step (LINQ's Select(..).Last() would run only the last)
        }
        AssertClose(expected, batched, $"{shape} 40-token prefill");
    }

    internal static int[] RandomTokens(ModelConfig config, int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(config.VocabSize)).ToArray();
    }

    private static void AssertClose(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= Tolerance, $"{what}: max |logit − reference| = {worst:g4} > {Tolerance}");
    }
}
