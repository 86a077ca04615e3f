using System.Text;
using System.Text.Json;

namespace Engine.Tests.Tokenization;

/// <summary>Every case of ../shared/fixtures/tokenizers/*/cases.jsonl (produced by HF tokenizers 0.22.2):
/// same ids, same decode with and without special tokens.</summary>
public sealed class TokenizerFixtureTests
{
    public static TheoryData<string> Names => [.. FixtureTokenizers.Names];

    [Theory]
    [MemberData(nameof(Names))]
    public void EncodesEveryFixtureCase_LikeHuggingFace(string name)
    {
        var tokenizer = FixtureTokenizers.Get(name);
        var failures = new StringBuilder();
        var cases = FixtureTokenizers.Cases(name);
        foreach (var c in cases)
        {
            var ids = tokenizer.Encode(c.Text, c.AddSpecialTokens);
            if (!ids.SequenceEqual(c.Ids))
            {
                failures.AppendLine($"line {c.Line} {JsonSerializer.Serialize(c.Text)[..Math.Min(80, JsonSerializer.Serialize(c.Text).Length)]}: " +
                    $"expected [{string.Join(',', c.Ids.Take(30))}] got [{string.Join(',', ids.Take(30))}]");
            }
        }
        Assert.True(cases.Count == 298, $"{name}: expected 298 cases, found {cases.Count}");
        Assert.True(failures.Length == 0, $"{name} encode mismatches:\n{failures}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DecodesEveryFixtureCase_LikeHuggingFace(string name)
    {
        var tokenizer = FixtureTokenizers.Get(name);
        var failures = new StringBuilder();
        foreach (var c in FixtureTokenizers.Cases(name))
        {
            var decoded = tokenizer.Decode(c.Ids);
            var skipped = tokenizer.Decode(c.Ids, skipSpecialTokens: true);
            if (decoded != c.Decoded || skipped != c.DecodedSkipSpecial)
            {
                failures.AppendLine($"line {c.Line}: expected {JsonSerializer.Serialize(c.Decoded)} / {JsonSerializer.Serialize(c.DecodedSkipSpecial)}, " +
                    $"got {JsonSerializer.Serialize(decoded)} / {JsonSerializer.Serialize(skipped)}");
            }
        }
        Assert.True(failures.Length == 0, $"{name} decode mismatches:\n{failures}");
    }
}
