using System.Text;
using Engine.Tokenization;
using FsCheck;
using FsCheck.Fluent;

namespace Engine.Tests.Tokenization;

/// <summary>The hand-written Llama 3 / Qwen split scanner finds the same matches as the regex it replaces (run by
/// .NET Regex on the code-point shadow string), on the fixture texts and on random text.</summary>
public sealed class Gpt4StyleScannerTests
{
    private const string Llama3 = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    private const string Qwen = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private const string O200k = @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public static TheoryData<string> Patterns => [Llama3, Qwen, O200k];

    [Theory]
    [MemberData(nameof(Patterns))]
    public void AgreesWithRegex_OnEveryFixtureText(string pattern)
    {
        Assert.NotNull(SplitPattern.FromRegex(pattern, "test").Scanner);
        foreach (var c in FixtureTokenizers.Cases("llama3"))
        {
            Assert.Equal(Matches(pattern, c.Text, useScanner: false), Matches(pattern, c.Text, useScanner: true));
        }
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public void AgreesWithRegex_OnRandomText(string pattern)
    {
        // Letters, digits, spaces and symbols from ASCII, Latin, CJK and the astral planes (𝐀 U+1D400 is a letter,
        // 𝟙 U+1D7D9 a digit), plus apostrophes and contraction letters.
        string[] alphabet =
        [
            "a", "s", "T", "R", "e", "V", "m", "L", "d", "'", "é", "ß", "中", "ひ", "\U0001D400", "0", "7", "٣", "\U0001D7D9",
            "½", " ", " ", "\t", "\n", "\r", "\u00A0", "\u3000", ".", ",", "!", "-", "\"", "😀", "\u0301", "\u200D",
            // o200k's case classes: upper, title (ǅ), modifier (ʰ), other (中 above), spacing mark (ा), and '/'
            "A", "Z", "\u01C5", "\u02B0", "\u093E", "/", "\U0001D522", "\u0130",
        ];
        var text = Gen.Elements(alphabet).ArrayOf().Select(parts => string.Concat(parts));
        var property = Prop.ForAll(text.ToArbitrary(), s =>
            Matches(pattern, s, false).SequenceEqual(Matches(pattern, s, true)).Label(System.Text.Json.JsonSerializer.Serialize(s)));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1000).WithReplay(new Replay(new Rnd(3UL, 5UL), null)), property);
    }

    private static List<string> Matches(string pattern, string text, bool useScanner)
    {
        var spans = new List<SplitMatch>();
        SplitPattern.FromRegex(pattern, "test", useScanner).FindMatches(text, spans);
        return [.. spans.Where(m => m.End > m.Start).Select(m => (m.IsMatch ? "+" : "-") + text[m.Start..m.End])];
    }
}
