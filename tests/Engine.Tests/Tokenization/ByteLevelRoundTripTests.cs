using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Engine.Tests.Tokenization;

/// <summary>Byte-level BPE loses nothing: decode(encode(s)) == s for any valid Unicode string (llama3 has no
/// normalizer, so this must hold exactly).</summary>
public sealed class ByteLevelRoundTripTests
{
    [Fact]
    public void DecodeOfEncode_ReturnsInput_ForArbitraryUnicode()
    {
        var tokenizer = FixtureTokenizers.Get("llama3");
        // Code points weighted toward what text contains, but reaching every plane; surrogates excluded.
        var codePoint = Gen.Frequency(
            (6, Gen.Choose(0x20, 0x7E)),
            (2, Gen.Elements(9, 10, 13, 32, 32, 0xA0, 0x3000, 0x2028, 0x85)),
            (2, Gen.Choose(0x80, 0x7FF)),
            (2, Gen.Choose(0x800, 0xD7FF)),
            (1, Gen.Choose(0xE000, 0xFFFF)),
            (2, Gen.Choose(0x10000, 0x10FFFF)),
            (1, Gen.Elements(0x1F600, 0x1F44D, 0x1F3FD, 0x200D, 0xFE0F, 0x1F1EB, 0x1F1F7)));
        var text = codePoint.ArrayOf().Select(cps =>
        {
            var sb = new StringBuilder();
            foreach (var cp in cps)
            {
                sb.Append(char.ConvertFromUtf32(cp));
            }
            return sb.ToString();
        });
        var property = Prop.ForAll(text.ToArbitrary(), s =>
            (tokenizer.Decode(tokenizer.Encode(s, addSpecialTokens: false)) == s).Label(System.Text.Json.JsonSerializer.Serialize(s)));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500).WithReplay(new Replay(new Rnd(7UL, 13UL), null)), property);
    }

    [Theory]
    [InlineData("<|begin_of_text|>hello<|eot_id|>")]
    [InlineData("a\u0000b\u0001\u007F")]
    [InlineData("   \n\n\t  x  ")]
    public void DecodeOfEncode_ReturnsInput_ForSpecialTokensAndControls(string s)
    {
        var tokenizer = FixtureTokenizers.Get("llama3");
        Assert.Equal(s, tokenizer.Decode(tokenizer.Encode(s, addSpecialTokens: false)));
    }
}
