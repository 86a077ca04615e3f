namespace Server.Generation;

/// <summary>The chat template is missing or failed to render; the server answers 400.</summary>
public sealed class ChatRenderException : Exception
{
    public ChatRenderException() { }

    public ChatRenderException(string message) : base(message) { }

    public ChatRenderException(string message, Exception inner) : base(message, inner) { }
}
