using System.Text;
using Engine.Tokenization;
using FsCheck;
using FsCheck.Fluent;

namespace Engine.Tests.Tokenization;

/// <summary>Streaming deltas concatenate to <c>Decode</c> of all ids, for random id sequences mixing whole
/// words and tokens that hold partial UTF-8 (byte-level fragments, <c>&lt;0xNN&gt;</c> byte tokens).</summary>
public sealed class IncrementalDetokenizerTests
{
    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in FixtureTokenizers.Names)
        {
            data.Add(name, false);
            data.Add(name, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DeltasConcatenateToFullDecode_ForRandomIds(string name, bool skipSpecialTokens)
    {
        var tokenizer = FixtureTokenizers.Get(name);
        var partial = PartialUtf8Ids(tokenizer);
        var words = FixtureTokenizers.Cases(name).SelectMany(c => c.Ids).Distinct().ToArray();
        Assert.NotEmpty(partial);
        var id = Gen.Frequency(
            (3, Gen.Elements(words)),
            (3, Gen.Elements(partial)),
            (1, Gen.Choose(0, tokenizer.VocabSize - 1)));
        var property = Prop.ForAll(id.ArrayOf().ToArbitrary(), ids =>
        {
            var detokenizer = tokenizer.CreateDetokenizer(skipSpecialTokens);
            var streamed = new StringBuilder();
            foreach (var t in ids)
            {
                streamed.Append(detokenizer.Add(t));
            }
            streamed.Append(detokenizer.Finish());
            var full = tokenizer.Decode(ids, skipSpecialTokens);
            return (streamed.ToString() == full).Label($"streamed {Escape(streamed.ToString())} != decoded {Escape(full)}");
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(150).WithReplay(new Replay(new Rnd(20240726UL, 11UL), null)), property);
    }

    [Fact]
    public void HoldsBackIncompleteCharacter_UntilItsLastByte()
    {
        var tokenizer = FixtureTokenizers.Get("gemini");
        var bytes = "叫"u8.ToArray().Select(b => tokenizer.TokenToId($"<0x{b:X2}>")!.Value).ToArray();
        var detokenizer = tokenizer.CreateDetokenizer();
        Assert.Equal("", detokenizer.Add(bytes[0]));
        Assert.Equal("", detokenizer.Add(bytes[1]));
        Assert.Equal("", detokenizer.Add(bytes[2]));
        var a = tokenizer.Encode("a", addSpecialTokens: false).Single();
        Assert.Equal("叫a", detokenizer.Add(a));
        Assert.Equal("", detokenizer.Finish());
    }

    [Fact]
    public void EmitsWordsAsTheyArrive_ForByteLevelText()
    {
        var tokenizer = FixtureTokenizers.Get("llama3");
        var ids = tokenizer.Encode("Hello world, 🌙 moon", addSpecialTokens: false);
        var detokenizer = tokenizer.CreateDetokenizer();
        var deltas = ids.Select(detokenizer.Add).ToList();
        deltas.Add(detokenizer.Finish());
        Assert.Equal("Hello world, 🌙 moon", string.Concat(deltas));
        Assert.DoesNotContain(deltas, d => d.Contains('\uFFFD', StringComparison.Ordinal));
        Assert.Equal("Hello", deltas[0]);
    }

    /// <summary>Ids whose own decode is not whole characters (U+FFFD), i.e. fragments of a UTF-8 sequence.</summary>
    private static int[] PartialUtf8Ids(Tokenizer tokenizer)
    {
        var ids = new List<int>();
        for (var id = 0; id < Math.Min(tokenizer.VocabSize, 60_000) && ids.Count < 400; id++)
        {
            if (tokenizer.Decode([id]).Contains('\uFFFD', StringComparison.Ordinal))
            {
                ids.Add(id);
            }
        }
        return [.. ids];
    }

    private static string Escape(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}
