using System.Text;
using Engine.Guided;
using Engine.Sampling;
using static Engine.Tests.Guided.GuidedKit;

namespace Engine.Tests.Guided;

/// <summary>
/// Hostile constraint shapes (issue 13): nesting past the parsers' bounds is a clear error naming the limit (the
/// recursion used to overflow the stack and abort the process), and deep rule chains, which the grammar checks and
/// the matcher now walk with explicit stacks, compile and match.
/// </summary>
public sealed class ConstraintLimitsTests
{
    private static string Nested(int depth, string open, string inner, string close) =>
        string.Concat(Enumerable.Repeat(open, depth)) + inner + string.Concat(Enumerable.Repeat(close, depth));

    [Fact]
    public void RegexNestedPastTheBound_IsAGuidedRegexError_NotAStackOverflow()
    {
        var p = new SamplingParams { GuidedRegex = Nested(20000, "(", "a", ")") };

        var e = Assert.Throws<SamplingParamsException>(() => GuidedConstraint.Compile(p));

        Assert.Equal("guided_regex", e.Field);
        Assert.Contains($"deeper than {RegexToGbnf.MaxNesting}", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 400, "the error quotes only the start of a huge pattern");
    }

    [Fact]
    public void GrammarNestedPastTheBound_IsAGuidedGrammarError_NotAStackOverflow()
    {
        var p = new SamplingParams { GuidedGrammar = "root ::= " + Nested(20000, "(", "\"a\"", ")") };

        var e = Assert.Throws<SamplingParamsException>(() => GuidedConstraint.Compile(p));

        Assert.Equal("guided_grammar", e.Field);
        Assert.Contains($"deeper than {GbnfParser.MaxNesting}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RegexAtTheNestingBound_StillCompilesAndMatches()
    {
        // each level a quantified group: b(b(…(ba)+…)+)+ needs at least one b per level before the a
        var regex = Nested(RegexToGbnf.MaxNesting, "(?:b", "a", ")+");
        var g = GbnfParser.Parse("root ::= " + RegexToGbnf.Translate(regex));

        Assert.True(Matches(g, new string('b', RegexToGbnf.MaxNesting) + "a"));
        Assert.False(Matches(g, new string('b', RegexToGbnf.MaxNesting - 1) + "a"));
    }

    [Fact]
    public void RegexWithASurrogateEscape_IsAnError()
    {
        var e = Assert.Throws<SamplingParamsException>(() => GuidedConstraint.Compile(new SamplingParams { GuidedRegex = "[\\ud800]" }));

        Assert.Equal("guided_regex", e.Field);
        Assert.Contains("surrogate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChainOfTwentyThousandRules_CompilesAndMatches()
    {
        // r0 ::= r1, r1 ::= r2, …: every check and the first expansion walk the whole chain at the left edge
        const int n = 20000;
        var text = new StringBuilder("root ::= r0\n");
        for (var i = 0; i + 1 < n; i++)
        {
            text.Append(CultureInfo(i)).Append(" ::= ").Append(CultureInfo(i + 1)).Append('\n');
        }
        text.Append(CultureInfo(n - 1)).Append(" ::= \"x\" ").Append(CultureInfo(n - 1)).Append(" | \"z\"\n");
        var g = GbnfParser.Parse(text.ToString());

        Assert.True(Matches(g, "z"));
        Assert.True(Matches(g, "xxz"));
        Assert.False(Matches(g, "y"));
    }

    [Fact]
    public void LeftRecursionThroughALongChain_IsStillFound()
    {
        var text = new StringBuilder("root ::= r0\n");
        for (var i = 0; i < 5000; i++)
        {
            text.Append(CultureInfo(i)).Append(" ::= ").Append(CultureInfo(i + 1)).Append(" \"a\"\n");
        }
        text.Append(CultureInfo(5000)).Append(" ::= r0 | \"b\"\n");

        var e = Assert.Throws<GrammarException>(() => GbnfParser.Parse(text.ToString()));

        Assert.Contains("left-recursive", e.Message, StringComparison.Ordinal);
    }

    private static string CultureInfo(int i) => "r" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
