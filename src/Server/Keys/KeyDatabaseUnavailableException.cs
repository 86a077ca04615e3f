namespace Server.Keys;

/// <summary>The key database named on the command line cannot be reached or its schema migrated (the message says which and why).</summary>
public sealed class KeyDatabaseUnavailableException : Exception
{
    public KeyDatabaseUnavailableException() { }

    public KeyDatabaseUnavailableException(string message) : base(message) { }

    public KeyDatabaseUnavailableException(string message, Exception inner) : base(message, inner) { }
}
