namespace Engine.Guided;

/// <summary>
/// A compiled context-free grammar in llama.cpp's flat layout: every alternative of every rule is a run of
/// elements in <see cref="Kind"/>/<see cref="Value"/> ending with an <see cref="End"/> element, so a matcher
/// position is one int. Terminals are <see cref="CharSet"/>s over Unicode code points. Built only by
/// <see cref="GrammarBuilder"/>, which has proved it free of left recursion (so expanding a position always
/// terminates). Immutable and shared by every sequence that uses it.
/// </summary>
internal sealed class Grammar
{
    public const byte End = 0;
    public const byte Char = 1;
    public const byte Rule = 2;

    public Grammar(byte[] kind, int[] value, CharSet[] charSets, int[][] alternatives, string[] ruleNames, int root)
    {
        Kind = kind;
        Value = value;
        CharSets = charSets;
        Alternatives = alternatives;
        RuleNames = ruleNames;
        Root = root;
    }

    /// <summary>Element kinds: <see cref="End"/>, <see cref="Char"/> (value = char set) or <see cref="Rule"/> (value = rule).</summary>
    public byte[] Kind { get; }

    public int[] Value { get; }

    public CharSet[] CharSets { get; }

    /// <summary>Per rule, the element position where each alternative starts.</summary>
    public int[][] Alternatives { get; }

    public string[] RuleNames { get; }

    public int Root { get; }

    public int RuleCount => Alternatives.Length;
}
