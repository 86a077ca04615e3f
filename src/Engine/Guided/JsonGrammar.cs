namespace Engine.Guided;

/// <summary>
/// GBNF for JSON text (RFC 8259): the shared primitive rules that <see cref="JsonSchemaToGbnf"/> and
/// <c>json_object</c> build on. Whitespace appears only between tokens, through the one <c>ws</c> rule, so no
/// two whitespace runs are ever adjacent (which would make the grammar ambiguous).
/// </summary>
internal static class JsonGrammar
{
    /// <summary>§4.1 default: any run of space, tab, CR, LF.</summary>
    public const string DefaultWhitespace = "[ \\t\\n\\r]*";

    /// <summary>Code points a JSON string may hold unescaped (no quote, backslash or C0 control).</summary>
    public static readonly CharSet StringChars = CharSet.From([(0, 0x1F), ('"', '"'), ('\\', '\\')], negated: true);

    public const string Char = "[^\"\\\\\\x00-\\x1F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})";
    public const string String = "\"\\\"\" json-char* \"\\\"\"";
    public const string Integer = "\"-\"? (\"0\" | [1-9] [0-9]*)";
    public const string Number = "\"-\"? (\"0\" | [1-9] [0-9]*) (\".\" [0-9]+)? ([eE] [-+]? [0-9]+)?";
    public const string Boolean = "\"true\" | \"false\"";
    public const string Null = "\"null\"";

    /// <summary>Adds ws, json-char, json-string, json-number, json-value, json-object, json-array once; returns nothing (names are fixed).</summary>
    public static void AddPrimitives(GbnfRules rules, string whitespace)
    {
        if (rules.Has("ws"))
        {
            return;
        }
        rules.Define(rules.Reserve("ws"), whitespace);
        rules.Define(rules.Reserve("json-char"), Char);
        rules.Define(rules.Reserve("json-string"), String);
        rules.Define(rules.Reserve("json-integer"), Integer);
        rules.Define(rules.Reserve("json-number"), Number);
        rules.Define(rules.Reserve("json-boolean"), Boolean);
        rules.Define(rules.Reserve("json-null"), Null);
        rules.Define(rules.Reserve("json-value"), "json-object | json-array | json-string | json-number | json-boolean | json-null");
        rules.Define(rules.Reserve("json-member"), "json-string ws \":\" ws json-value");
        rules.Define(rules.Reserve("json-object"), "\"{\" ws (json-member (ws \",\" ws json-member)* ws)? \"}\"");
        rules.Define(rules.Reserve("json-array"), "\"[\" ws (json-value (ws \",\" ws json-value)* ws)? \"]\"");
    }

    /// <summary>The grammar text of <c>json_object</c>: any JSON value whose top level is an object.</summary>
    public static string AnyObject(string whitespace)
    {
        var rules = new GbnfRules();
        AddPrimitives(rules, whitespace);
        return rules.Render("json-object");
    }
}
