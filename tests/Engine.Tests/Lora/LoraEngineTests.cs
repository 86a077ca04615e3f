using Engine.Generation;
using Engine.Lora;
using Engine.Model;
using Engine.Output;
using Engine.Sampling;
using Engine.Tests.Model;
using Loader.Adapters;
using Tests.Common;

namespace Engine.Tests.Lora;

/// <summary>
/// LoRA through the whole engine on aidreams260K with a random adapter on every projection of every layer:
/// concurrent requests mixing base and adapter × multipliers, merged versus unmerged steps, and the base restored
/// after an adapter ran. Greedy sampling, so tokens are the argmax of the logits the step computed.
/// </summary>
public sealed class LoraEngineTests : IDisposable
{
    private static readonly int[] Prompt = [1, 429, 470, 432, 458, 375, 431]; // " Pixels" as run.c encodes it
    private static readonly string[] AllTargets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];
    private static readonly Lazy<ModelCheckpoint> Checkpoint = new(Aidreams260KModel.Open);

    // Merged W' = W + c·BA (float32, rounded once) and unmerged Wx + c·B(Ax) are the same sums in another order:
    // UnmergedLoraTests measures logits within 3.3e-6 relative; a log-probability is a logit minus a log-sum-exp
    // of them, so it moves by at most about twice that over the 24 steps' growing context; 1e-4 leaves margin while
    // the adapter itself moves log-probabilities by far more (asserted below).
    private const float MergedVersusUnmergedTolerance = 1e-4f;

    private readonly TempDirectory _dir = new();

    public LoraEngineTests()
    {
        var c = Checkpoint.Value.Config;
        RandomLoraAdapter.Write(_dir.File("a"), c, rank: 4, alpha: 96, seed: 21, [.. Enumerable.Range(0, c.NumLayers)], AllTargets);
        RandomLoraAdapter.Write(_dir.File("b"), c, rank: 8, alpha: 16, seed: 22, [1, 3], ["q_proj", "down_proj"]);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task MixedConcurrentRequests_EachGetTheTokensOfItsRunAlone()
    {
        (int LoraId, float Multiplier)[] requests = [(-1, 0f), (0, 0.5f), (0, 2f), (1, 1f), (0, 2f)];
        var alone = new List<Run>();
        using (var engine = Engine(allowMerged: true))
        {
            foreach (var (id, m) in requests)
            {
                alone.Add(await Generate(engine, id, m));   // one at a time: base, or merged weights
            }
        }

        using var shared = Engine(allowMerged: true);
        var together = await Task.WhenAll(requests.Select(r => Generate(shared, r.LoraId, r.Multiplier)));

        for (var i = 0; i < requests.Length; i++)
        {
            Assert.Equal(alone[i].Tokens, together[i].Tokens);
            AssertClose(alone[i], together[i], MergedVersusUnmergedTolerance);
        }
        // base rows in a mixed step run the untouched base weights, row by row: bit for bit the lone base run
        Assert.Equal(alone[0].Logprobs, together[0].Logprobs);
        // alone, an adapted request runs merged weights; beside the base it ran unmerged, so its bits differ
        // (within the tolerance above): the steps really were mixed
        Assert.NotEqual(alone[1].Logprobs, together[1].Logprobs);
        Assert.NotEqual(alone[0].Tokens, alone[1].Tokens);   // the adapter changes the text
        Assert.NotEqual(alone[1].Tokens, alone[2].Tokens);   // and so does the multiplier
        Assert.Equal(shared.Core.NumBlocks, shared.Core.NumFreeBlocks);
    }

    [Theory]
    [InlineData(0, 0.5f)]
    [InlineData(0, 4f)]
    [InlineData(1, 1f)]
    public async Task MergedSteps_AgreeWithUnmergedSteps(int loraId, float multiplier)
    {
        using var merged = Engine(allowMerged: true);
        using var unmerged = Engine(allowMerged: false);

        var a = await Generate(merged, loraId, multiplier);
        var b = await Generate(unmerged, loraId, multiplier);

        Assert.Equal(a.Tokens, b.Tokens);
        AssertClose(a, b, MergedVersusUnmergedTolerance);
        var baseRun = await Generate(merged, -1, 0f);
        Assert.True(a.Logprobs.Zip(baseRun.Logprobs, (x, y) => Math.Abs(x - y)).Max() > 100 * MergedVersusUnmergedTolerance,
            "the adapter should move the log-probabilities far more than the tolerance");
    }

    [Fact]
    public async Task BaseRequests_AfterMergedAndUnmergedAdapterRuns_GiveTheBaseBitForBit()
    {
        using var engine = Engine(allowMerged: true);
        var before = await Generate(engine, -1, 0f);

        _ = await Generate(engine, 0, 2f);                                              // merged a × 2
        _ = await Task.WhenAll(Generate(engine, 0, 0.5f), Generate(engine, 1, 1f));    // unmerged mix
        _ = await Generate(engine, 1, 4f);                                              // merged b × 4 (a's copy released)
        var after = await Generate(engine, -1, 0f);

        Assert.Equal(before.Tokens, after.Tokens);
        Assert.Equal(before.Logprobs, after.Logprobs);
        Assert.Equal(before.Top, after.Top);
    }

    [Fact]
    public async Task EngineRequest_SelectsTheAdapterByName()
    {
        using var engine = Engine(allowMerged: true);
        var sampling = GenerationRequest.Greedy with { IgnoreEos = true };
        var byName = new List<int>();
        await foreach (var output in engine.GenerateAsync(new EngineRequest(Prompt, sampling, 24) { Lora = "b", Multiplier = 2f }))
        {
            byName.AddRange(output.TokenIds);
        }

        Assert.Equal(["a", "b"], engine.LoraNames);
        Assert.Equal(1, engine.LoraIdOf("b"));
        Assert.Equal((await Generate(engine, 1, 2f)).Tokens, byName);
        var unknown = Assert.Throws<ArgumentException>(() => engine.LoraIdOf("c"));
        Assert.Contains("'c'", unknown.Message, StringComparison.Ordinal);
    }

    // Beams fork from their parent request each step; every fork must keep the request's adapter and multiplier.
    // Independent check: teacher-force the best beam's tokens through the adapter (prompt_logprobs of prompt + beam)
    // and its cumulative log-probability must be their sum; through the base model the sum differs.
    [Fact]
    public async Task BeamSearch_WithAnAdapter_ScoresItsBeamsUnderThatAdapter()
    {
        using var engine = Engine(allowMerged: false);
        var beams = new SamplingParams { Temperature = 0f, N = 1, BestOf = 3, UseBeamSearch = true, IgnoreEos = true }.Validate();
        RequestOutput? best = null;
        await foreach (var output in engine.GenerateAsync(new EngineRequest(Prompt, beams, 12) { Lora = "b", Multiplier = 2f }))
        {
            best = output;
        }
        Assert.NotNull(best);
        Assert.Equal(12, best.TokenIds.Count);

        var underAdapter = await TeacherForcedLogprob(engine, best.TokenIds, "b", 2f);
        var underBase = await TeacherForcedLogprob(engine, best.TokenIds, null, 1f);

        // float32 log-softmax per token summed in double over 12 tokens; the rows of the two runs are computed in
        // different batch shapes, so allow 1e-3.
        Assert.Equal(underAdapter, best.CumulativeLogprob, 1e-3);
        Assert.True(Math.Abs(underBase - best.CumulativeLogprob) > 1e-2, $"base {underBase} vs beam {best.CumulativeLogprob}");
    }

    private static async Task<double> TeacherForcedLogprob(LlmEngine engine, IReadOnlyList<int> continuation, string? lora, float multiplier)
    {
        var sampling = (GenerationRequest.Greedy with { IgnoreEos = true, PromptLogprobs = 0 }).Validate();
        var request = new EngineRequest([.. Prompt, .. continuation], sampling, 1) { Lora = lora, Multiplier = multiplier };
        IReadOnlyList<PromptLogprob?>? entries = null;
        await foreach (var output in engine.GenerateAsync(request))
        {
            entries ??= output.PromptLogprobs;
        }
        Assert.NotNull(entries);
        return entries.Skip(Prompt.Length).Sum(e => (double)e!.Logprob);
    }

    [Fact]
    public void Create_Throws_NamingTheAdapterAndTensor_WhenAShapeDoesNotFitTheModel()
    {
        var c = Checkpoint.Value.Config;
        var wrong = c with { Dim = c.Dim * 2, HiddenDim = c.HiddenDim * 2 };
        RandomLoraAdapter.Write(_dir.File("wide"), wrong, rank: 4, alpha: 8, seed: 1, [0], ["up_proj"]);
        var options = new EngineOptions { Threads = 1, LoraAdapters = [new LoraAdapterSpec("wide", _dir.File("wide"))] };

        var error = Assert.Throws<LoraFormatException>(() => LlmEngine.Create(c, Checkpoint.Value.Weights, options));

        Assert.Contains("LoRA adapter 'wide'", error.Message, StringComparison.Ordinal);
        Assert.Contains("base_model.model.model.layers.0.mlp.up_proj.lora_A.weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_Throws_NamingTheAdapter_WhenItsDirectoryIsMissing()
    {
        var options = new EngineOptions { Threads = 1, LoraAdapters = [new LoraAdapterSpec("gone", _dir.File("gone"))] };

        var error = Assert.Throws<LoraFormatException>(() => LlmEngine.Create(Checkpoint.Value.Config, Checkpoint.Value.Weights, options));

        Assert.Contains("LoRA adapter 'gone'", error.Message, StringComparison.Ordinal);
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
    }

    private LlmEngine Engine(bool allowMerged) => LlmEngine.Create(Checkpoint.Value.Config, Checkpoint.Value.Weights, new EngineOptions
    {
        Threads = 2,
        MaxNumSeqs = 8,
        LoraAdapters = [new LoraAdapterSpec("a", _dir.File("a")), new LoraAdapterSpec("b", _dir.File("b"))],
        AllowMergedLora = allowMerged,
        LoraMergeAfterSteps = 1,   // merge on the first uniform step, so lone adapter runs are merged throughout
        LoraMergeInBackground = false,   // ... from that very step (LoraBackgroundMergeTests covers the background)
    });

    internal sealed record Run(List<int> Tokens, List<float> Logprobs, List<float> Top);

    // 24 greedy tokens of Prompt with the log-probability of each and of its top 3 alternatives.
    internal static async Task<Run> Generate(LlmEngine engine, int loraId, float multiplier)
    {
        var request = new GenerationRequest(Prompt, MaxTokens: 24)
        {
            Sampling = GenerationRequest.Greedy with { IgnoreEos = true, Logprobs = 3 },
            LoraId = loraId,
            LoraMultiplier = multiplier,
        };
        var run = new Run([], [], []);
        await foreach (var output in engine.GenerateAsync(request))
        {
            run.Tokens.Add(output.TokenId);
            run.Logprobs.Add(output.Logprob);
            run.Top.AddRange(output.TopLogprobs!.Select(t => t.Logprob));
        }
        Assert.Equal(24, run.Tokens.Count);
        return run;
    }

    private static void AssertClose(Run expected, Run actual, float tolerance)
    {
        var diffs = expected.Logprobs.Concat(expected.Top).Zip(actual.Logprobs.Concat(actual.Top), (x, y) => Math.Abs(x - y));
        var worst = diffs.Max();
        Assert.True(worst <= tolerance, $"log-probabilities differ by {worst}, above {tolerance}");
    }
}
