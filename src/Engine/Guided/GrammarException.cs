namespace Engine.Guided;

/// <summary>
/// A constraint (GBNF grammar, regex or JSON schema) is malformed or uses a construct the compiler does not
/// honour. The message names the construct and, for text, the offset; the caller maps it onto the request
/// field that carried the constraint.
/// </summary>
public sealed class GrammarException : Exception
{
    public GrammarException(string message)
        : base(message)
    {
    }

    public GrammarException()
    {
    }

    public GrammarException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
