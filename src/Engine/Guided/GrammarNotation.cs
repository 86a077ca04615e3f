namespace Engine.Guided;

/// <summary>
/// The notations <c>guided_grammar</c> accepts, told apart by the first rule of the text: llama.cpp's GBNF
/// (<c>root ::= …</c>, what xgrammar takes), Lark-style EBNF (<c>start: …</c>, what vLLM's outlines backend takes),
/// and plain context-free rules <c>S -> 'yes' | 'no'</c> (the ArliAI/AwanLLM example). The last two are
/// translated to GBNF, so one compiler serves all three.
/// </summary>
internal static class GrammarNotation
{
    /// <summary>The grammar as GBNF (unchanged when it is GBNF already); errors name the line and column of <paramref name="text"/>.</summary>
    public static string ToGbnf(string text) => Detect(text) switch
    {
        Notation.Lark => EbnfToGbnf.Translate(text, EbnfToGbnf.Dialect.Lark),
        Notation.Arrow => EbnfToGbnf.Translate(text, EbnfToGbnf.Dialect.Arrow),
        _ => text,
    };

    internal enum Notation
    {
        Gbnf,
        Lark,
        Arrow,
    }

    /// <summary>By the first line that is not blank or a comment: <c>%</c> directives and <c>name:</c> are Lark,
    /// <c>name -&gt;</c> is the arrow form, anything else (<c>name ::=</c> included) is read as GBNF.</summary>
    internal static Notation Detect(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.AsSpan().Trim();
            if (line.IsEmpty || line.StartsWith("#") || line.StartsWith("//"))
            {
                continue;
            }
            if (line[0] == '%')
            {
                return Notation.Lark;
            }
            var i = line[0] is '?' or '!' ? 1 : 0;
            while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or '-' or '.'))
            {
                i++;
            }
            var rest = line[i..].TrimStart();
            if (rest.StartsWith("::="))
            {
                return Notation.Gbnf;
            }
            if (rest.StartsWith("->"))
            {
                return Notation.Arrow;
            }
            return rest.StartsWith(":") && i > 0 ? Notation.Lark : Notation.Gbnf;
        }
        return Notation.Gbnf;
    }
}
