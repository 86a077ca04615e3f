using Engine.Guided;

namespace Engine.Tests.Guided;

/// <summary>guided_grammar's three notations: GBNF as is, Lark-style EBNF and plain <c>A -&gt; …</c> rules translated
/// to GBNF; each grammar is checked against strings it must and must not match, by the same matcher.</summary>
public sealed class GrammarNotationTests
{
    private static Grammar Compile(string text) => GbnfParser.Parse(GrammarNotation.ToGbnf(text));

    [Theory]
    [InlineData("root ::= \"a\"", "Gbnf")]
    [InlineData("# comment\nroot ::= \"a\"", "Gbnf")]
    [InlineData("S -> 'yes' | 'no'", "Arrow")]
    [InlineData("start: \"a\"", "Lark")]
    [InlineData("// c\n?start: x\nx: \"a\"", "Lark")]
    [InlineData("%import common.WS\nstart: \"a\"", "Lark")]
    public void DetectsTheNotation_FromTheFirstRule(string text, string expected) =>
        Assert.Equal(expected, GrammarNotation.Detect(text).ToString());

    [Theory]
    [InlineData("S -> 'yes' | 'no'", new[] { "yes", "no" }, new[] { "", "y", "yesno", "maybe" })]
    [InlineData("S -> NP VP\nNP -> 'the' N | 'a' N\nVP -> ' runs' | ' sleeps'\nN -> ' dog' | ' cat'",
        new[] { "the dog runs", "a cat sleeps" }, new[] { "the dog", "dog runs", "the cat runs " })]
    [InlineData("S -> \"x\" S | \"y\"  # right recursion\n", new[] { "y", "xxy" }, new[] { "x", "yx" })]
    public void ArrowRules_MatchExactlyTheirLanguage(string grammar, string[] matches, string[] rejects) =>
        AssertLanguage(Compile(grammar), matches, rejects);

    [Theory]
    [InlineData("start: \"yes\" | \"no\"", new[] { "yes", "no" }, new[] { "yesno", "" })]
    [InlineData("start: pair (\",\" pair)*\npair: KEY \"=\" VALUE\nKEY: /[a-z]+/\nVALUE: DIGIT+\n%import common.DIGIT",
        new[] { "a=1", "ab=12,c=3" }, new[] { "a=", "=1", "a=1,", "A=1" })]
    [InlineData("start: [\"-\"] INT\n%import common.INT", new[] { "7", "-42" }, new[] { "-", "4-2" })]
    [InlineData("?start: \"a\"~2..3 \"b\"i", new[] { "aab", "aaaB" }, new[] { "ab", "aaaab" })]
    [InlineData("start: \"a\"..\"c\"+", new[] { "abcab" }, new[] { "abd", "" })]
    [InlineData("start: \"(\" item* \")\"\nitem: WORD\n%import common (WORD, WS)\n%ignore WS", new[] { "(ab cd)", "( ab )", "()" }, new[] { "(a b", "x" })]
    [InlineData("start: value\nvalue: \"[\" [value (\",\" value)*] \"]\" | SIGNED_NUMBER\n%import common.SIGNED_NUMBER",
        new[] { "[1,[2.5,-3e2],[]]", "4" }, new[] { "[1,]", "[" })]
    [InlineData("first: \"q\"\nstart: first \"!\"", new[] { "q!" }, new[] { "q" })]
    public void LarkGrammars_MatchExactlyTheirLanguage(string grammar, string[] matches, string[] rejects) =>
        AssertLanguage(Compile(grammar), matches, rejects);

    [Theory]
    [InlineData("S -> 'yes' | T", "line 1, column 14: rule 'T' is used but never defined")]
    [InlineData("S -> 'yes'\nS -> 'no'", "line 2, column 1: rule 'S' is defined twice")]
    [InlineData("S -> 'yes\n", "line 1, column 6: unterminated string literal")]
    [InlineData("S -> ('a' | 'b'", "line 1, column 6: unclosed '('")]
    [InlineData("start: \"a\"\nb: @", "line 2, column 4: unexpected character '@'")]
    [InlineData("start: /a(/", "line 1, column 8: in /a(/")]
    [InlineData("%import other.X\nstart: X", "line 1, column 1: only %import common")]
    [InlineData("%import common.NOPE\nstart: NOPE", "line 1, column 16: common.NOPE is not one of")]
    [InlineData("start: \"a\"~3..1", "line 1, column 11: repetition")]
    [InlineData("S => 'a'", "expected '::='")]
    public void Throws_NamingLineAndColumn_WhenTheGrammarIsBad(string grammar, string expected)
    {
        var e = Assert.Throws<GrammarException>(() => Compile(grammar));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    private static void AssertLanguage(Grammar g, string[] matches, string[] rejects)
    {
        foreach (var text in matches)
        {
            Assert.True(GuidedKit.Matches(g, text), $"should match '{text}'");
        }
        foreach (var text in rejects)
        {
            Assert.False(GuidedKit.Matches(g, text), $"should not match '{text}'");
        }
    }
}
