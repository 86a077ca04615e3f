using Engine.Sampling;

namespace Engine.Tests.Sampling;

public sealed class BestOfSamplingTests
{
    private const int Vocab = 6;
    private const int Eos = 5;

    private static float[][] ToyStep(IReadOnlyList<IReadOnlyList<int>> sequences) =>
        [.. sequences.Select(s =>
        {
            var last = s.Count == 0 ? 0 : s[^1];
            return Enumerable.Range(0, Vocab).Select(t => MathF.Cos(t * 1.1f + last * 0.9f + s.Count * 0.3f) * 2f).ToArray();
        })];

    private static IReadOnlyList<GeneratedSequence> Run(SamplingParams p) =>
        BestOfSampling.Run(p, new SamplerSetup(Vocab, [Eos]), serverSeed: 5, prompt: [1, 2], maxTokens: 12, maxModelLen: 64, ToyStep);

    [Fact]
    public void ReturnsTheNWithHighestCumulativeLogprob_AmongBestOfIndependentSamples()
    {
        var all = Run(new SamplingParams { N = 4, BestOf = 4, Seed = 11 });
        var best = Run(new SamplingParams { N = 2, BestOf = 4, Seed = 11 });
        var expected = all.OrderByDescending(s => s.CumulativeLogprob).ThenBy(s => s.Choice).Take(2).ToArray();
        Assert.Equal(expected.Select(s => s.Choice), best.Select(s => s.Choice));
        Assert.Equal(expected.Select(s => s.Tokens.ToArray()), best.Select(s => s.Tokens.ToArray()));
    }

    [Fact]
    public void ChoicesUseTheirOwnRngStream_AndFinishIndependently()
    {
        var all = Run(new SamplingParams { N = 4, BestOf = 4, Seed = 11 });
        Assert.Equal([0, 1, 2, 3], all.Select(s => s.Choice));
        Assert.True(all.Select(s => string.Join(",", s.Tokens)).Distinct().Count() > 1);
        Assert.All(all, s => Assert.True(s.Finish.Kind != StopKind.None));
        Assert.All(all, s => Assert.True(s.Tokens.Count == 12 || s.Tokens[^1] == Eos));
    }

    [Fact]
    public void ScalarSeedChoiceI_EqualsFriendliListSeedElement()
    {
        // §8.2: choice i of a scalar seed uses (seed, i); a list seed uses (seed[i], 0). Seed list [11, 11] → both equal choice 0 of seed 11.
        var scalar = Run(new SamplingParams { N = 2, BestOf = 2, Seed = 11 });
        var list = Run(new SamplingParams { N = 2, BestOf = 2, Seeds = [11, 11] });
        Assert.Equal(scalar[0].Tokens, list[0].Tokens);
        Assert.Equal(scalar[0].Tokens, list[1].Tokens);
    }

    [Fact]
    public void CumulativeLogprob_IsTheSumOfFinalDistributionLogprobs()
    {
        var p = new SamplingParams { Seed = 3, TopK = 2 };
        var run = Run(p)[0];
        var sampler = SequenceSampler.Create(p, new SamplerSetup(Vocab, [Eos]), 3, 0);
        var sum = 0.0;
        var history = new List<int>();
        foreach (var token in run.Tokens)
        {
            var r = sampler.SampleWithLogprobs(ToyStep([history])[0], [1, 2], [.. history], []);
            Assert.Equal(token, r.TokenId);
            sum += r.Logprob;
            history.Add(token);
        }
        Assert.Equal(sum, run.CumulativeLogprob, 1e-9);
    }
}
