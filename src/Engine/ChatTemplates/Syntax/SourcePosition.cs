namespace Engine.ChatTemplates.Syntax;

/// <summary>Turns a character offset into the 1-based line and column a syntax error reports.</summary>
internal static class SourcePosition
{
    public static (int Line, int Column) Of(string source, int position)
    {
        position = Math.Clamp(position, 0, source.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < position; i++)
        {
            if (source[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return (line, position - lineStart + 1);
    }

    public static ChatTemplateException Error(string source, string message, int position)
    {
        var (line, column) = Of(source, position);
        return new ChatTemplateException($"Template syntax error: {message}", line, column);
    }
}
