using Engine.Guided;
using static Engine.Tests.Guided.GuidedKit;

namespace Engine.Tests.Guided;

public sealed class GbnfParserTests
{
    [Theory]
    [InlineData("root ::= \"yes\" | \"no\"", "yes", true)]
    [InlineData("root ::= \"yes\" | \"no\"", "no", true)]
    [InlineData("root ::= \"yes\" | \"no\"", "ye", false)]
    [InlineData("root ::= \"yes\" | \"no\"", "yesno", false)]
    [InlineData("root ::= [a-c]+ \"!\"", "abcab!", true)]
    [InlineData("root ::= [a-c]+ \"!\"", "!", false)]
    [InlineData("root ::= [^a-c]*", "xyz", true)]
    [InlineData("root ::= [^a-c]*", "xaz", false)]
    [InlineData("root ::= .", "é", true)]
    [InlineData("root ::= .", "😀", true)]
    [InlineData("root ::= . .", "😀", false)]
    [InlineData("root ::= \"a\"{3}", "aaa", true)]
    [InlineData("root ::= \"a\"{3}", "aa", false)]
    [InlineData("root ::= \"a\"{2,}", "aaaaa", true)]
    [InlineData("root ::= \"a\"{2,}", "a", false)]
    [InlineData("root ::= \"a\"{1,3}", "aaa", true)]
    [InlineData("root ::= \"a\"{1,3}", "aaaa", false)]
    [InlineData("root ::= \"a\"{0,2} \"b\"", "b", true)]
    [InlineData("root ::= (\"ab\" | \"c\")* \"d\"?", "abcabd", true)]
    [InlineData("root ::= (\"ab\" | \"c\")* \"d\"?", "abcad", false)]
    [InlineData("root ::= \"\\x41\\u00e9\\n\\\"\"", "Aé\n\"", true)]
    [InlineData("root ::= [\\x30-\\x39\\]]+", "12]3", true)]
    [InlineData("# a comment\nroot ::= item item # trailing\nitem ::= \"x\" |\n  \"y\"\n", "xy", true)]
    [InlineData("root ::= a\n  | b\na ::= \"A\"\nb ::= \"B\"", "B", true)]
    [InlineData("root ::= list\nlist ::= \"(\" (list)* \")\"", "(()(()))", true)]
    [InlineData("root ::= list\nlist ::= \"(\" (list)* \")\"", "(()", false)]
    public void Matches_AsGbnfDefines(string gbnf, string text, bool expected) =>
        Assert.Equal(expected, Matches(GbnfParser.Parse(gbnf), text));

    [Fact]
    public void UnfinishedSentenceIsALivePrefix_ButNotComplete()
    {
        var g = GbnfParser.Parse("root ::= \"{\" [0-9]+ \"}\"");
        Assert.True(IsLivePrefix(g, "{12"));
        Assert.False(Matches(g, "{12"));
        Assert.False(IsLivePrefix(g, "{1}x"));
    }

    [Fact]
    public void AmbiguousGrammar_StaysBounded()
    {
        // (a|a)* doubles the parse stacks every step without hash-consing; 200 steps would be 2^200 stacks
        var g = GbnfParser.Parse("root ::= (\"a\" | \"a\" | [a-z])* \"!\"");
        Assert.True(Matches(g, new string('a', 200) + "!"));
    }

    [Theory]
    [InlineData("root ::= root \"a\" | \"b\"", "left-recursive (root → root)")]
    [InlineData("root ::= x\nx ::= y \"a\"\ny ::= \"\" | x", "left-recursive")]
    [InlineData("root ::= missing", "'missing' is referenced but never defined")]
    [InlineData("item ::= \"a\"", "no 'root' rule")]
    [InlineData("root ::= \"a\"\nroot ::= \"b\"", "line 2, column 1: rule 'root' is defined twice")]
    [InlineData("root ::= \"abc", "line 1, column 10: unterminated string literal")]
    [InlineData("root ::= [a-", "unterminated character class")]
    [InlineData("root ::= (\"a\" | \"b\"", "unclosed '('")]
    [InlineData("root ::= \"a\"{3,1}", "max below min")]
    [InlineData("root ::= \"\\q\"", "unknown escape '\\q'")]
    [InlineData("root ::= [z-a]", "reversed")]
    [InlineData("S -> 'yes' | 'no'", "the grammar dialect is GBNF")]
    [InlineData("", "The grammar is empty")]
    [InlineData("root ::= \"a\" @", "line 1, column 14: unexpected character '@'")]
    public void Throws_WithClearMessage_WhenGrammarIsBad(string gbnf, string expected)
    {
        var e = Assert.Throws<GrammarException>(() => GbnfParser.Parse(gbnf));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PartialUtf8_IsAliveOnlyWhenSomeCompletionIsAllowed()
    {
        var g = GbnfParser.Parse("root ::= \"é\" | \"a\"");
        var m = new GrammarMatcher(g);
        Assert.True(m.Advance([0xC3])); // first byte of é (C3 A9)
        Assert.False(m.IsComplete);
        Assert.True(m.Advance([0xA9]));
        Assert.True(m.IsComplete);

        var ascii = new GrammarMatcher(GbnfParser.Parse("root ::= [a-z]+"));
        Assert.False(ascii.Advance([0xC3])); // no code point ≥ U+0080 is allowed
    }
}
