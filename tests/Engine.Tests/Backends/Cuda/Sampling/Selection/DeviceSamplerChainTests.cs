using Engine.Backends.Cuda.Sampling.Selection;
using Engine.Sampling;
using Kernels.SelfTest;
using static Engine.Tests.Backends.Cuda.Sampling.Selection.ChainComparison;

namespace Engine.Tests.Backends.Cuda.Sampling.Selection;

/// <summary>
/// The device sampler chain on ILGPU's CPU accelerator against the CPU <see cref="SequenceSampler"/> (the reference):
/// the worked examples of samplers.md on base example B (also against the spec's printed numbers), every sampler
/// on random logits, and mixed batches whose rows differ in parameters and order.
/// </summary>
[Collection(CudaKernelCollection.Name)]
public sealed class DeviceSamplerChainTests(CudaKernelFixture fixture)
{
    // Base example B (§2).
    private static readonly float[] B = [2.0f, 1.0f, 0.5f, 0.0f, -1.0f];

    /// <summary>The worked examples of samplers.md §6–§7 on B, with the spec's printed distribution (4 decimals).</summary>
    public static TheoryData<string, float[]> WorkedExamples() => new()
    {
        { """{"temperature": 0.5}""", [0.8292f, 0.1122f, 0.0413f, 0.0152f, 0.0021f] },
        { """{"temperature": 2}""", [0.3745f, 0.2272f, 0.1769f, 0.1378f, 0.0836f] },
        { """{"dynatemp_min": 0.5, "dynatemp_max": 1.5, "dynatemp_exponent": 1}""", [0.4895f, 0.2199f, 0.1474f, 0.0988f, 0.0444f] },
        { """{"dynatemp_min": 0.5, "dynatemp_max": 1.5, "dynatemp_exponent": 2}""", [0.5420f, 0.2114f, 0.1320f, 0.0824f, 0.0321f] },
        { """{"nsigma": 1}""", [0.7311f, 0.2689f, 0, 0, 0] },
        { """{"nsigma": 1.5}""", [0.6285f, 0.2312f, 0.1402f, 0, 0] },
        { """{"top_k": 2}""", [0.7311f, 0.2689f, 0, 0, 0] },
        { """{"top_p": 0.8}""", [0.6285f, 0.2312f, 0.1402f, 0, 0] },
        { """{"top_p": 0.5}""", [1, 0, 0, 0, 0] },
        { """{"top_p": 0.9}""", [0.5793f, 0.2131f, 0.1293f, 0.0784f, 0] },
        { """{"top_a": 0.2}""", [0.5793f, 0.2131f, 0.1293f, 0.0784f, 0] },
        { """{"min_p": 0.1}""", [0.5793f, 0.2131f, 0.1293f, 0.0784f, 0] },
        { """{"epsilon_cutoff": 500}""", [0.5793f, 0.2131f, 0.1293f, 0.0784f, 0] },
        { """{"typical_p": 0.5}""", [0, 1, 0, 0, 0] },
        { """{"typical_p": 0.9}""", [0.6285f, 0.2312f, 0.1402f, 0, 0] },
        { """{"smoothing_factor": 0.5, "smoothing_curve": 1}""", [0.4813f, 0.2919f, 0.1563f, 0.0651f, 0.0053f] },
        { """{"smoothing_factor": 0.5, "smoothing_curve": 2}""", [0.5259f, 0.3190f, 0.1289f, 0.0262f, 0.0001f] },
        { """{"xtc_probability": 1, "xtc_threshold": 0.1}""", [0, 0, 0.5465f, 0.3315f, 0.1220f] },
        { """{"xtc_probability": 1, "xtc_threshold": 0.2}""", [0, 0.4740f, 0.2875f, 0.1744f, 0.0641f] },
        { """{"xtc_probability": 1, "xtc_threshold": 0.6}""", [0.5630f, 0.2071f, 0.1256f, 0.0762f, 0.0280f] },
        { """{"mirostat_mode": 2, "mirostat_tau": 1.5, "mirostat_eta": 0.1}""", [0.6285f, 0.2312f, 0.1402f, 0, 0] },
        { """{"tfs": 0.95}""", [0.7311f, 0.2689f, 0, 0, 0] },
        { """{"tfs": 0.5}""", [1, 0, 0, 0, 0] },
        { """{"tfs": 0.999}""", [0.6285f, 0.2312f, 0.1402f, 0, 0] },
        { """{"skew": 1}""", [0.2098f, 0.2818f, 0.2497f, 0.1842f, 0.0744f] },
        { """{"skew": -1}""", [0.8095f, 0.0989f, 0.0519f, 0.0293f, 0.0104f] },
    };

    [Fact]
    public void Skew_FollowsProbabilityOrder_NotTokenOrder()
    {
        // §7.11: the permuted vocabulary gives the permuted result (the engine's deviation from aph).
        Row[] rows = [new("""{"skew": 1}""", [-1.0f, 0.0f, 0.5f, 1.0f, 2.0f], 3, 0, 0, 2)];

        var device = Device(fixture.Context, fixture.Stream, rows);

        Expect.Close([0.0744f, 0.1842f, 0.2497f, 0.2818f, 0.2098f], device[0].Probs, 1.01e-4f, 0f, "permuted skew");
        AssertSame(rows, device);
    }

    [Theory]
    [MemberData(nameof(WorkedExamples))]
    public void WorkedExample_MatchesSpecAndCpuChain(string json, float[] spec)
    {
        Row[] rows = [new(json, B, Seed: 42, Choice: 0, Step: 0, TopLogprobs: 5)];

        var device = Device(fixture.Context, fixture.Stream, rows);

        // The spec prints 4 decimals (§2: tolerance 1e−4).
        Expect.Close(spec, device[0].Probs, 1.01e-4f, 0f, json);
        AssertSame(rows, device);
    }

    [Fact]
    public void TopK_KeepsEveryTieAtTheBoundary()
    {
        Row[] rows = [new("""{"top_k": 2}""", [2f, 1f, 1f, 0f, -1f], 1, 0, 0)];

        var device = Device(fixture.Context, fixture.Stream, rows);

        Expect.Close([0.5761f, 0.2119f, 0.2119f, 0, 0], device[0].Probs, 1.01e-4f, 0f, "ties");
        AssertSame(rows, device);
    }

    [Fact]
    public void Mirostat_UpdatesMu_AsTheSpecExample()
    {
        // §7.12: μ = 3 before the step; drawing t0 gives μ = 3.0830, t1 gives 2.9387.
        var p = Params("""{"mirostat_mode": 2, "mirostat_tau": 1.5, "mirostat_eta": 0.1, "seed": 7}""", B.Length);
        using var chain = new DeviceSamplerChain(fixture.Context, 1, B.Length);
        using var logits = Expect.Upload(fixture.Context, (float[])B.Clone());
        chain.Run(fixture.Stream, logits.View, [RowSamplingParams.From(p, 7, 0, 0, 3f, 0)]);
        var tokens = new SampledToken[1];
        chain.DownloadTokens(fixture.Stream, tokens);

        var expected = tokens[0].Token switch { 0 => 3.0830f, 1 => 2.9387f, _ => float.NaN };
        Assert.True(Math.Abs(tokens[0].MirostatMu - expected) < 1e-4f, $"token {tokens[0].Token}, μ {tokens[0].MirostatMu}");
    }

    /// <summary>One sampler at a time, with the parameters far enough in to cut something at these widths.</summary>
    public static TheoryData<string, int> EachSampler()
    {
        string[] samplers =
        [
            """{"temperature": 0.7}""", """{"temperature": 0.05}""", """{"temperature": 0}""",
            """{"dynatemp_min": 0.3, "dynatemp_max": 1.7, "dynatemp_exponent": 1.5}""",
            """{"top_k": 7}""", """{"top_p": 0.6}""", """{"top_k": 40, "top_p": 0.95}""", """{"top_a": 0.3}""",
            """{"min_p": 0.05}""", """{"eta_cutoff": 30}""", """{"epsilon_cutoff": 10}""", """{"typical_p": 0.7}""",
            """{"smoothing_factor": 0.4, "smoothing_curve": 2.5}""", """{"nsigma": 1.2}""",
            """{"xtc_threshold": 0.001, "xtc_probability": 1}""", """{"mirostat_mode": 2, "mirostat_tau": 3}""",
            """{"temperature": 1.3, "top_k": 50, "top_p": 0.9, "min_p": 0.02}""",
            """{"tfs": 0.9}""", """{"top_k": 30, "tfs": 0.8}""", """{"skew": 0.7}""", """{"skew": -0.4, "min_p": 0.01}""",
        ];
        var data = new TheoryData<string, int>();
        foreach (var s in samplers)
        {
            data.Add(s, 512);
            data.Add(s, 1003);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EachSampler))]
    public void Sampler_MatchesCpuChain_OnRandomLogits(string json, int vocab)
    {
        // Three rows: different logits and RNG identities, so the draw lands on different tokens.
        Row[] rows =
        [
            new(json, RandomLogits(vocab, vocab + 1), 11, 0, 0, 3),
            new(json, RandomLogits(vocab, vocab + 2), 11, 1, 5, 0),
            new(json, RandomLogits(vocab, vocab + 3), -5, 2, 17, 20),
        ];

        AssertSame(rows, Device(fixture.Context, fixture.Stream, rows));
    }

    [Fact]
    public void Draw_IsBatchInvariant()
    {
        // The same row alone and as the middle of a mixed batch: the same token and the same bits of p.
        var row = new Row("""{"temperature": 0.9, "top_p": 0.97}""", RandomLogits(777, 3), 99, 0, 4, 4);
        var alone = Device(fixture.Context, fixture.Stream, [row])[0];
        var batch = Device(fixture.Context, fixture.Stream,
        [
            new("""{"top_k": 3, "sampler_priority": [0, 5, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13]}""", RandomLogits(777, 4), 1, 0, 0),
            row,
            new("""{"temperature": 0}""", RandomLogits(777, 5), 2, 0, 0),
        ])[1];

        Assert.Equal(alone.Token, batch.Token);
        Assert.Equal(alone.Probs, batch.Probs);
        Assert.Equal(alone.Top, batch.Top);
    }

    [Fact]
    public void Refuses_WhenARowNeedsStagesTheChainDoesNotHave()
    {
        using var chain = new DeviceSamplerChain(fixture.Context, 1, 8);
        using var logits = Expect.Upload(fixture.Context, new float[8]);

        var penalties = RowSamplingParams.From(Params("""{"presence_penalty": 0.5}""", 8), 0, 0, 0, 10f, 0);
        var bias = RowSamplingParams.From(Params("""{"logit_bias": {"1": 2}}""", 8), 0, 0, 0, 10f, 0);

        Assert.Contains("penalty stages", Assert.Throws<NotSupportedException>(() => chain.Run(fixture.Stream, logits.View, [penalties])).Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => chain.Run(fixture.Stream, logits.View, [bias]));
        Assert.Throws<ArgumentException>(() => chain.Run(fixture.Stream, logits.View, [RowSamplingParams.From(Params("{}", 8), 0, 0, 0, 10f, TopLogprobsKernel.MaxTop + 1)]));
        Assert.Throws<ArgumentException>(() => chain.Run(fixture.Stream, logits.View, [RowSamplingParams.From(Params("{}", 8), 0, 0, 0, 10f, 0), RowSamplingParams.From(Params("{}", 8), 0, 0, 0, 10f, 0)]));
    }

    [Fact]
    public void Greedy_PicksTheLowestIdAmongEqualMaxima()
    {
        Row[] rows = [new("""{"temperature": 0}""", [0.5f, 3f, -1f, 3f, 3f], 0, 0, 0, 3)];

        var device = Device(fixture.Context, fixture.Stream, rows);

        Assert.Equal(1, device[0].Token);
        Assert.Equal([1, 3, 4], device[0].Top.Select(t => t.TokenId));
        AssertSame(rows, device);
    }
}
