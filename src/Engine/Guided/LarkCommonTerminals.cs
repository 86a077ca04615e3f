namespace Engine.Guided;

/// <summary>The terminals of Lark's <c>common.lark</c> that grammars <c>%import</c>, as GBNF bodies (names are the
/// translated rule names <c>u-NAME</c>; a body may use other entries, which are then defined too).</summary>
internal static class LarkCommonTerminals
{
    public static readonly IReadOnlyDictionary<string, string> Bodies = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["DIGIT"] = "[0-9]",
        ["HEXDIGIT"] = "[a-fA-F0-9]",
        ["INT"] = "[0-9]+",
        ["SIGNED_INT"] = "(\"+\" | \"-\")? u-INT",
        ["DECIMAL"] = "u-INT \".\" u-INT? | \".\" u-INT",
        ["_EXP"] = "[eE] u-SIGNED_INT",
        ["FLOAT"] = "u-INT u-_EXP | u-DECIMAL u-_EXP?",
        ["SIGNED_FLOAT"] = "(\"+\" | \"-\")? u-FLOAT",
        ["NUMBER"] = "u-FLOAT | u-INT",
        ["SIGNED_NUMBER"] = "(\"+\" | \"-\")? u-NUMBER",
        ["ESCAPED_STRING"] = "\"\\\"\" ( [^\"\\\\\\n] | \"\\\\\" [^\\n] )* \"\\\"\"",
        ["LCASE_LETTER"] = "[a-z]",
        ["UCASE_LETTER"] = "[A-Z]",
        ["LETTER"] = "[a-zA-Z]",
        ["WORD"] = "[a-zA-Z]+",
        ["CNAME"] = "[a-zA-Z_] [a-zA-Z0-9_]*",
        ["WS_INLINE"] = "[ \\t]+",
        ["WS"] = "[ \\t\\x0C\\r\\n]+",
        ["CR"] = "\"\\r\"",
        ["LF"] = "\"\\n\"",
        ["NEWLINE"] = "( \"\\r\"? \"\\n\" )+",
        ["SH_COMMENT"] = "\"#\" [^\\r\\n]*",
        ["CPP_COMMENT"] = "\"//\" [^\\n]*",
    };

    /// <summary>The entries a body refers to, so importing NUMBER brings FLOAT, INT, … along.</summary>
    public static IEnumerable<string> Dependencies(string name)
    {
        var body = Bodies[name];
        foreach (var other in Bodies.Keys)
        {
            if (body.Contains("u-" + other, StringComparison.Ordinal) && IsWholeName(body, "u-" + other))
            {
                yield return other;
            }
        }
    }

    private static bool IsWholeName(string body, string name)
    {
        for (var at = body.IndexOf(name, StringComparison.Ordinal); at >= 0; at = body.IndexOf(name, at + 1, StringComparison.Ordinal))
        {
            var end = at + name.Length;
            if (end == body.Length || !(char.IsAsciiLetterOrDigit(body[end]) || body[end] is '_' or '-'))
            {
                return true;
            }
        }
        return false;
    }
}
