namespace Server.Tools;

/// <summary>Where a JSON object or array that starts inside free text ends, so it can be cut out and parsed.</summary>
public static class JsonExtent
{
    /// <summary>
    /// The index just past the bracket that closes the <c>{</c> or <c>[</c> at <paramref name="start"/>, or -1 when
    /// the text ends first. Brackets inside strings (with their escapes) do not count; whether the brackets pair up
    /// and the value is valid JSON is left to the parser that reads the cut.
    /// </summary>
    public static int End(string text, int start)
    {
        var depth = 0;
        var inString = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
                continue;
            }
            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '{' or '[':
                    depth++;
                    break;
                case '}' or ']':
                    if (--depth == 0) return i + 1;
                    break;
            }
        }
        return -1;
    }

    /// <summary>The first index at or after <paramref name="at"/> that is not white space (the length when none).</summary>
    public static int SkipSpace(string text, int at)
    {
        while (at < text.Length && char.IsWhiteSpace(text[at])) at++;
        return at;
    }
}
