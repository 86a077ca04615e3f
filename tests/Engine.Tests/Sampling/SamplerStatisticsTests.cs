using Engine.Sampling;

namespace Engine.Tests.Sampling;

/// <summary>Draws follow the processed distribution (chi-square with fixed seeds) and are reproducible.</summary>
public sealed class SamplerStatisticsTests
{
    /// <summary>Pearson chi-square statistic of observed counts against expected probabilities (cells with p = 0 must be empty).</summary>
    private static double ChiSquare(int[] counts, float[] probs, int draws)
    {
        var chi = 0.0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (probs[i] == 0f)
            {
                Assert.Equal(0, counts[i]);
                continue;
            }
            var e = probs[i] * (double)draws;
            chi += (counts[i] - e) * (counts[i] - e) / e;
        }
        return chi;
    }

    public static TheoryData<string> Configs => new()
    {
        "{}", """{"temperature": 0.7, "top_p": 0.9}""", """{"min_p": 0.05, "temperature": 1.5}""", """{"skew": 0.7}""",
        """{"top_k": 5, "typical_p": 0.95}""",
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Draws_FollowProcessedDistribution_AcrossSeeds(string json)
    {
        var p = SamplingParams.FromJson(System.Text.Json.JsonDocument.Parse(json).RootElement);
        float[] logits = [2.0f, 1.0f, 0.5f, 0.0f, -1.0f, 1.5f, -0.5f, 0.8f];
        var expected = SamplerHarness.Process(p, logits);
        const int Draws = 20000;
        var counts = new int[logits.Length];
        var chain = new SamplerChain(p, new SamplerSetup(logits.Length, []));
        var ws = new SamplerWorkspace(logits.Length);
        for (var seed = 0; seed < Draws; seed++)
        {
            counts[new SequenceSampler(chain, seed, 0, ws).Sample((float[])logits.Clone(), [], [])]++;
        }
        var df = expected.Count(x => x > 0) - 1;
        // Critical values of chi-square at significance 0.001 for df = 0 … 7 (fixed seeds: the outcome is deterministic).
        double[] critical = [0, 10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32];
        Assert.True(ChiSquare(counts, expected, Draws) < critical[df], $"chi-square too large for {json}");
    }

    [Fact]
    public void Draws_FollowDistribution_AcrossStepsOfOneSeed()
    {
        float[] logits = [0.3f, 1.0f, -0.2f, 0.9f];
        var p = new SamplingParams { Temperature = 0.8f };
        var expected = SamplerHarness.Process(p, logits);
        var sampler = SequenceSampler.Create(p, new SamplerSetup(4, []), seed: 1234);
        const int Draws = 20000;
        var counts = new int[4];
        var output = new int[Draws];
        for (var step = 0; step < Draws; step++)
        {
            // The step counter is the output length; the history's content is irrelevant to this chain.
            counts[sampler.Sample((float[])logits.Clone(), [], output.AsSpan(0, step))]++;
        }
        Assert.True(ChiSquare(counts, expected, Draws) < 16.27); // df = 3 at 0.001
    }

    [Fact]
    public void SameSeed_SameTokens_RegardlessOfBatchComposition()
    {
        var p = new SamplingParams { Temperature = 0.9f, TopP = 0.95f, XtcProbability = 0.5f, XtcThreshold = 0.05f, RepetitionPenalty = 1.1f };
        const int Vocab = 50;
        int[] prompt = [1, 2, 3];
        var alone = Generate(p, Vocab, prompt, seed: 77, others: 0);
        var batched = Generate(p, Vocab, prompt, seed: 77, others: 5);
        Assert.Equal(alone, batched);
        Assert.NotEqual(alone, Generate(p, Vocab, prompt, seed: 78, others: 0));
    }

    /// <summary>A toy model whose logits depend on the history; other sequences share the workspace and interleave.</summary>
    private static int[] Generate(SamplingParams p, int vocab, int[] prompt, long seed, int others)
    {
        var ws = new SamplerWorkspace(vocab);
        var chain = new SamplerChain(p, new SamplerSetup(vocab, []));
        var target = new SequenceSampler(chain, seed, 0, ws);
        var noise = Enumerable.Range(0, others).Select(i => new SequenceSampler(chain, 1000 + i, i, ws)).ToArray();
        var output = new List<int>();
        var otherOutputs = noise.Select(_ => new List<int>()).ToArray();
        for (var step = 0; step < 40; step++)
        {
            for (var i = 0; i < noise.Length; i++)
            {
                otherOutputs[i].Add(noise[i].Sample(ToyModel(vocab, otherOutputs[i]), prompt, [.. otherOutputs[i]]));
            }
            output.Add(target.Sample(ToyModel(vocab, output), prompt, [.. output]));
        }
        return [.. output];
    }

    private static float[] ToyModel(int vocab, List<int> history)
    {
        var last = history.Count == 0 ? 0 : history[^1];
        return [.. Enumerable.Range(0, vocab).Select(t => MathF.Sin(t * 0.7f + last * 1.3f) * 3f)];
    }
}
