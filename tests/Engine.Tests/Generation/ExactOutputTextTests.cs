using System.Text;
using Engine.Generation;
using Engine.Model;
using Engine.Output;
using Engine.Sampling;
using Engine.Tests.Model;
using Engine.Tokenization;

namespace Engine.Tests.Generation;

/// <summary>
/// Every text the engine returns is the tokenizer's decode of prompt + output, with both tokenizer families:
/// aidreams260K (SentencePiece-style with byte fallback, whose decoder drops the space of a sequence's first token) and a
/// tiny random model over llama3's byte-level BPE (whose samples split characters across tokens). The reference is
/// <see cref="Tokenizer.Decode"/> of the whole sequence, independent of the incremental path under test.
/// </summary>
public sealed class ExactOutputTextTests
{
    private static readonly Lazy<ModelCheckpoint> Aidreams = new(Aidreams260KModel.Open);
    private static readonly Lazy<Tokenizer> AidreamsTokenizer = new(() => Tokenizer.FromDirectory(Aidreams260KModel.Directory));

    public static TheoryData<string> Families => new() { "aidreams260K", "llama3" };

    private static readonly string[] Prompts = ["Once upon a time", "The little dog", "Lily and Ben were", "Hello, world! ", "Une fois, 日本"];

    private static (LlmEngine Engine, Tokenizer Tokenizer) Open(string family) => family == "llama3"
        ? (LlmEngine.Create(Llama3TinyModel.Config, Llama3TinyModel.Weights, new EngineOptions { Threads = 2, MaxNumSeqs = 4 }, Llama3TinyModel.Tokenizer),
            Llama3TinyModel.Tokenizer)
        : (LlmEngine.Create(Aidreams.Value.Config, Aidreams.Value.Weights, new EngineOptions { Threads = 2, MaxNumSeqs = 4 }, AidreamsTokenizer.Value),
            AidreamsTokenizer.Value);

    private static async Task<List<RequestOutput>> Run(LlmEngine engine, EngineRequest request)
    {
        var outputs = new List<RequestOutput>();
        await foreach (var output in engine.GenerateAsync(request))
        {
            outputs.Add(output);
        }
        return outputs;
    }

    // What the output adds to the prompt's text: Decode(prompt + output) minus Decode(prompt), skipping specials as
    // the request does (the default skip_special_tokens).
    private static string Continuation(Tokenizer tokenizer, int[] prompt, IEnumerable<int> output, bool skip = true)
    {
        var before = tokenizer.Decode(prompt, skip);
        var all = tokenizer.Decode([.. prompt, .. output], skip);
        Assert.StartsWith(before, all, StringComparison.Ordinal);
        return all[before.Length..];
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task OutputText_IsWhatTheTokensAddToThePromptsText(string family)
    {
        var (engine, tokenizer) = Open(family);
        using var _ = engine;
        var sampling = new SamplingParams { Temperature = 1f, Seed = 5, IgnoreEos = true };
        foreach (var text in Prompts)
        {
            var prompt = tokenizer.Encode(text, addSpecialTokens: true);
            var outputs = await Run(engine, new EngineRequest(prompt, sampling, 20));
            var tokens = outputs.SelectMany(o => o.TokenIds).ToArray();
            Assert.Equal(Continuation(tokenizer, prompt, tokens), string.Concat(outputs.Select(o => o.Text)));
        }
    }

    [Fact]
    public async Task FirstSentencePieceToken_KeepsItsSpace()
    {
        // the case: a first output token " word" came back as "word" (the decoder drops a sequence's first
        // space, as run.c drops the one after BOS; aidreams260K's pieces carry literal spaces)
        var (engine, tokenizer) = Open("aidreams260K");
        using var _ = engine;
        var checkedFirst = 0;
        foreach (var text in (string[])["Once upon a time,", "Once upon a time, there", "The little dog", "Lily and Ben were", "She said"])
        {
            // as /v1/completions sends it (add_special_tokens defaults to false, api.md §6.1)
            var prompt = tokenizer.Encode(text, addSpecialTokens: false);
            var outputs = await Run(engine, new EngineRequest(prompt, new SamplingParams { Temperature = 0f }, 6));
            var first = outputs.SelectMany(o => o.TokenIds).First();
            if (tokenizer.IdToToken(first)!.StartsWith(' '))
            {
                checkedFirst++;
                Assert.StartsWith(" ", string.Concat(outputs.Select(o => o.Text)), StringComparison.Ordinal);
            }
        }
        Assert.True(checkedFirst > 0, "no prompt began its output with a word-initial token");
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task LogprobPieces_JoinToTheText_AndEachAlternativeIsItsTextInContext(string family)
    {
        var (engine, tokenizer) = Open(family);
        using var _ = engine;
        var sampling = new SamplingParams { Temperature = 1f, Seed = 9, IgnoreEos = true, Logprobs = 5 };
        foreach (var text in Prompts)
        {
            var prompt = tokenizer.Encode(text, addSpecialTokens: true);
            var outputs = await Run(engine, new EngineRequest(prompt, sampling, 16));
            var logprobs = outputs.SelectMany(o => o.Logprobs ?? []).ToList();
            var tokens = logprobs.Select(l => l.TokenId).ToArray();
            Assert.Equal(string.Concat(outputs.Select(o => o.Text)), string.Concat(logprobs.Select(l => l.Piece!.Text)));
            // the bytes of the tokens are the bytes of the output (lossy UTF-8 of them is its text)
            var bytes = logprobs.SelectMany(l => l.Piece!.Bytes).ToArray();
            var continuation = Continuation(tokenizer, prompt, tokens);
            if (!continuation.Contains('\uFFFD', StringComparison.Ordinal))
            {
                Assert.Equal(continuation, Encoding.UTF8.GetString(bytes));
            }
            for (var t = 0; t < logprobs.Count; t++)
            {
                var before = Continuation(tokenizer, prompt, tokens[..t]);
                for (var j = 0; j < logprobs[t].Top.Count; j++)
                {
                    var alt = logprobs[t].Top[j].TokenId;
                    var withAlt = tokenizer.Decode([.. prompt, .. tokens[..t], alt], skipSpecialTokens: true);
                    var expected = withAlt[tokenizer.Decode([.. prompt, .. tokens[..t]], skipSpecialTokens: true).Length..];
                    if (!before.Contains('\uFFFD', StringComparison.Ordinal) && !tokenizer.IsSpecial(alt))
                    {
                        Assert.Equal(expected, logprobs[t].TopPieces![j].Text);
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task PromptPieces_JoinToTheDecodedPrompt(string family)
    {
        var (engine, tokenizer) = Open(family);
        using var _ = engine;
        var prompt = tokenizer.Encode("Once upon a time, 日本 ", addSpecialTokens: true);
        var outputs = await Run(engine, new EngineRequest(prompt, new SamplingParams { Temperature = 0f, PromptLogprobs = 2 }, 2));
        var pieces = outputs.First(o => o.PromptPieces is not null).PromptPieces!;
        Assert.Equal(prompt.Length, pieces.Count);
        Assert.Equal(tokenizer.Decode(prompt), string.Concat(pieces.Select(p => p.Text)));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task EachChoicesSeed_ReproducesThatChoiceAlone(string family)
    {
        var (engine, tokenizer) = Open(family);
        using var _ = engine;
        var prompt = tokenizer.Encode("The little dog", addSpecialTokens: true);
        var sampling = new SamplingParams { Temperature = 1f, Seed = 1234, N = 3, BestOf = 3, IgnoreEos = true }.Validate();
        var outputs = await Run(engine, new EngineRequest(prompt, sampling, 12));
        var seeds = Enumerable.Range(0, 3).Select(i => outputs.First(o => o.Choice == i).Seed).ToArray();
        Assert.Equal(1234, seeds[0]);
        Assert.Equal(3, seeds.Distinct().Count());
        for (var i = 0; i < 3; i++)
        {
            var alone = await Run(engine, new EngineRequest(prompt, sampling with { N = 1, BestOf = 1, Seed = seeds[i] }, 12));
            Assert.Equal(outputs.Where(o => o.Choice == i).SelectMany(o => o.TokenIds), alone.SelectMany(o => o.TokenIds));
            Assert.Equal(seeds[i], alone[0].Seed);
        }
    }
}
