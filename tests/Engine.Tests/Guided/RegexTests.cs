using Engine.Guided;
using static Engine.Tests.Guided.GuidedKit;

namespace Engine.Tests.Guided;

public sealed class RegexTests
{
    private static Grammar Compile(string pattern) => GbnfParser.Parse("root ::= " + RegexToGbnf.Translate(pattern));

    [Theory]
    [InlineData(@"^\d{3}-\d{4}$", "555-1234", true)]
    [InlineData(@"^\d{3}-\d{4}$", "555-123", false)]
    [InlineData(@"(?P<year>\d{4})-(?<m>\d\d)", "2024-05", true)]
    [InlineData(@"[\w.+-]+@\w+\.com", "a.b+c@host.com", true)]
    [InlineData(@"a.c", "a\nc", false)]
    [InlineData(@"\x41\u00e9\t", "Aé\t", true)]
    [InlineData(@"a{2,}?b", "aaab", true)]
    [InlineData(@"[]a]+", "]a]", true)]
    [InlineData(@"x{,3}", "x{,3}", true)]
    [InlineData(@"yes|no$", "no", true)]
    public void Matches_TheFullOutput(string pattern, string text, bool expected) =>
        Assert.Equal(expected, Matches(Compile(pattern), text));

    [Theory]
    [InlineData(@"(a)\1", "backreference '\\1'")]
    [InlineData(@"a(?=b)", "lookahead")]
    [InlineData(@"a(?!b)", "negative lookahead")]
    [InlineData(@"(?<=a)b", "lookbehind")]
    [InlineData(@"(?i)abc", "inline flags")]
    [InlineData(@"\bword", "word boundary")]
    [InlineData(@"a^b", "'^' is only supported at the start")]
    [InlineData(@"a$b", "'$' is only supported at the end")]
    [InlineData(@"a++", "possessive")]
    [InlineData(@"(a*)*", "can match the empty string")]
    [InlineData(@"(ab", "unclosed '('")]
    [InlineData(@"ab)", "unmatched ')'")]
    [InlineData(@"[ab", "unterminated character class")]
    [InlineData(@"*a", "nothing to repeat")]
    [InlineData(@"\p{L}", "Unicode property classes")]
    [InlineData(@"[[:alpha:]]", "POSIX classes")]
    [InlineData(@"a{3,1}", "max below min")]
    public void Throws_NamingTheConstruct_WhenUnsupportedOrInvalid(string pattern, string expected)
    {
        var e = Assert.Throws<GrammarException>(() => RegexToGbnf.Translate(pattern));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
