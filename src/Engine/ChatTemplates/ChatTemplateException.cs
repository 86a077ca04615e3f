namespace Engine.ChatTemplates;

/// <summary>
/// A chat template failed to parse or to render: a syntax error (with <see cref="Line"/> and <see cref="Column"/>,
/// 1-based), an error the template raised itself through <c>raise_exception(message)</c> (then
/// <see cref="RaisedByTemplate"/> is true and <see cref="Exception.Message"/> is the template's message verbatim),
/// a Python-semantics error (undefined value used, type mismatch, unsafe attribute), or a sandbox budget exceeded.
/// Servers map it to a 400: every cause is the template or the request, never the engine.
/// </summary>
public sealed class ChatTemplateException : Exception
{
    public ChatTemplateException(string message) : base(message) { }

    public ChatTemplateException(string message, Exception innerException) : base(message, innerException) { }

    public ChatTemplateException() { }

    public ChatTemplateException(string message, int line, int column) : base($"{message} (line {line}, column {column})")
    {
        Line = line;
        Column = column;
    }

    /// <summary>A render-time error located at the statement that failed.</summary>
    public ChatTemplateException(string message, int line, int column, Exception innerException)
        : base($"{message} (line {line}, column {column})", innerException)
    {
        Line = line;
        Column = column;
    }

    private ChatTemplateException(string message, bool raisedByTemplate) : base(message) => RaisedByTemplate = raisedByTemplate;

    /// <summary>1-based line of the error (syntax, or the statement that failed); 0 when not tied to a position.</summary>
    public int Line { get; }

    /// <summary>1-based column of the error; 0 when not tied to a position.</summary>
    public int Column { get; }

    /// <summary>True when the template called <c>raise_exception</c>; the message is then exactly its argument.</summary>
    public bool RaisedByTemplate { get; }

    internal static ChatTemplateException Raised(string message) => new(message, raisedByTemplate: true);
}
