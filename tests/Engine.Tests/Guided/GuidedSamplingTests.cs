using System.Text;
using System.Text.Json;
using Engine.Guided;
using Engine.Model;
using Engine.Sampling;
using Engine.Tests.Sampling;
using Engine.Tokenization;

namespace Engine.Tests.Guided;

/// <summary>The mask as stage S1 of the sampler chain (samplers.md §4.1), on real tokenizers.</summary>
public sealed class GuidedSamplingTests
{
    // §4.1's example tokenizer: "Yes" = t0 and "No" = t2 are single tokens; t4 is the special EOS
    private static Tokenizer ExampleTokenizer() => Tokenizer.FromJson(
        """{"added_tokens":[{"id":4,"content":"</s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],"normalizer":null,"pre_tokenizer":null,"post_processor":null,"decoder":{"type":"Fuse"},"model":{"type":"BPE","vocab":{"Yes":0,"Maybe":1,"No":2,"x":3,"</s>":4},"merges":[]}}""");

    private static SequenceSampler Sampler(SamplingParams p, Tokenizer tokenizer, int vocabSize, int[] eos, long seed = 0) =>
        SequenceSampler.Create(p, new SamplerSetup(vocabSize, eos) { Tokenizer = tokenizer }, seed);

    private static int[] Alive(SequenceSampler s, int vocab, int[] output)
    {
        var probs = new float[vocab];
        s.ProcessDistribution(new float[vocab], [], output, probs);
        return [.. Enumerable.Range(0, vocab).Where(i => probs[i] > 0)];
    }

    [Fact]
    public void WorkedExample_GuidedChoiceKeepsOnlyTheChoiceTokens()
    {
        var s = Sampler(new SamplingParams { GuidedChoice = ["Yes", "No"] }, ExampleTokenizer(), 5, [4]);
        var probs = new float[5];
        s.ProcessDistribution(SamplerHarness.B, [], [], probs);
        SamplerHarness.AssertProbs([0.8176f, 0f, 0.1824f, 0f, 0f], probs);
    }

    [Fact]
    public void Eos_IsAliveExactlyWhenTheOutputIsComplete()
    {
        var tok = BuiltinModel.CreateTokenizer(); // byte-level: token id = byte value, EOS 257
        var s = Sampler(new SamplingParams { GuidedRegex = "ab?" }, tok, 258, [257]);
        Assert.Equal(['a'], Alive(s, 258, []));
        Assert.Equal(['b', 257], Alive(s, 258, ['a']));
        Assert.Equal([257], Alive(s, 258, ['a', 'b']));
    }

    [Fact]
    public void OverlongAndNonAsciiLeadBytes_AreRemoved_WhenOnlyAsciiCanFollow()
    {
        // 0xE0 and 0xF0 could only start overlong encodings of ASCII, 0xC3 starts é: none may follow "n" of "no"
        var s = Sampler(new SamplingParams { GuidedChoice = ["yes", "no"] }, BuiltinModel.CreateTokenizer(), 258, [257]);
        Assert.Equal(['n', 'y'], Alive(s, 258, []));
        Assert.Equal(['o'], Alive(s, 258, ['n']));
    }

    [Fact]
    public void ByteFallbackTokens_SpellMultiByteCharactersAcrossTokens()
    {
        // aidreams260K has no piece for these characters: they must come out as <0xNN> byte tokens, one byte each
        var tok = GuidedKit.Aidreams;
        string[] choices = ["日本", "né", "😀!"];
        for (var seed = 0; seed < 12; seed++)
        {
            var s = Sampler(new SamplingParams { GuidedChoice = choices, Temperature = 1f }, tok, 512, [2], seed);
            var output = new List<int>();
            var rng = new Random(seed);
            while (true)
            {
                var logits = Enumerable.Range(0, 512).Select(_ => (float)rng.NextDouble() * 4f).ToArray();
                var token = s.Sample(logits, [], [.. output]);
                Assert.NotEqual(SequenceSampler.NoToken, token);
                if (token == 2)
                {
                    break;
                }
                output.Add(token);
                Assert.True(output.Count < 20);
            }
            Assert.Contains(tok.Decode([.. output]), choices);
        }
    }

    [Fact]
    public void DeadEnd_RemovesEveryToken_SoTheSequenceFinishes()
    {
        // "Yesz" cannot be spelled: after "Yes" no token is alive and EOS is not either (§3.7 rule 2)
        var s = Sampler(new SamplingParams { GuidedChoice = ["Yesz"] }, ExampleTokenizer(), 5, [4]);
        Assert.Equal([0], Alive(s, 5, []));
        var result = s.SampleWithLogprobs(SamplerHarness.B, [], [0], []);
        Assert.Equal(SequenceSampler.NoToken, result.TokenId);
    }

    [Fact]
    public void EachSequenceOwnsItsState_AndAForkedHistoryReplays()
    {
        var chain = new SamplerChain(new SamplingParams { GuidedRegex = "(ab|ba)c" }, new SamplerSetup(258, [257]) { Tokenizer = BuiltinModel.CreateTokenizer() });
        var first = new SequenceSampler(chain, 1, 0);
        var second = new SequenceSampler(chain, 1, 1);
        Assert.Equal(['b'], Alive(first, 258, ['a']));
        Assert.Equal(['a'], Alive(second, 258, ['b']));
        // the same sampler handed a history that does not extend the consumed one (a beam fork) starts over
        Assert.Equal(['c'], Alive(first, 258, ['b', 'a']));
    }

    [Fact]
    public void MaskAgreesWithTheMatcher_ForEveryTokenOfTheRealVocabulary()
    {
        // the trie walk must allow exactly the tokens whose bytes, consumed one by one, keep the state alive
        var vocab = GuidedVocabulary.For(GuidedKit.Aidreams);
        var constraint = GuidedKit.Constraint(new SamplingParams { GuidedJson = """{"type":"object","properties":{"story":{"type":"string"},"n":{"type":"integer"}},"required":["story","n"]}""" });
        foreach (var prefix in new[] { "", "{", "{\"sto", "{\"story\": \"Once upon a", "{\"story\": \"x\", \"n\": -1", "{\"story\": \"é" })
        {
            var matcher = new GrammarMatcher(constraint.Grammar);
            Assert.True(matcher.Advance(Encoding.UTF8.GetBytes(prefix)), prefix);
            var allowed = new ulong[(vocab.Size + 63) / 64];
            matcher.FillAllowed(vocab, allowed);
            for (var id = 0; id < vocab.Size; id++)
            {
                var probe = new GrammarMatcher(constraint.Grammar);
                probe.Advance(Encoding.UTF8.GetBytes(prefix));
                var expected = vocab.TokenBytes[id] is { } bytes && probe.Advance(bytes);
                Assert.True(expected == ((allowed[id >> 6] >> (id & 63) & 1) == 1), $"prefix '{prefix}', token {id} '{GuidedKit.Aidreams.IdToToken(id)}'");
            }
        }
    }

    [Fact]
    public void GuidedRequest_WithoutATokenizer_IsRejectedNamingTheField()
    {
        var e = Assert.Throws<SamplingParamsException>(() => new SamplerChain(new SamplingParams { GuidedRegex = "a" }, new SamplerSetup(5, [4])));
        Assert.Equal("guided_regex", e.Field);
    }

    [Fact]
    public void Validate_RejectsBadConstraints_NamingTheField()
    {
        var e = Assert.Throws<SamplingParamsException>(() => SamplingParams.FromJson(JsonDocument.Parse("""{"guided_regex": "(a"}""").RootElement));
        Assert.Equal("guided_regex", e.Field);
        e = Assert.Throws<SamplingParamsException>(() => SamplingParams.FromJson(JsonDocument.Parse("""{"guided_grammar": "root ::= x"}""").RootElement));
        Assert.Equal("guided_grammar", e.Field);
        e = Assert.Throws<SamplingParamsException>(() => SamplingParams.FromJson(JsonDocument.Parse("""{"response_format": {"type": "json_schema", "json_schema": {"name": "x"}}}""").RootElement));
        Assert.Equal("response_format", e.Field);
    }
}
