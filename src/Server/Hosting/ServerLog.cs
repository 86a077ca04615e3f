namespace Server.Hosting;

/// <summary>The server's log messages. Keys and prompts are never logged.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "No key store configured: authentication is OFF and the server binds {Address} only.")]
    public static partial void AuthDisabled(ILogger logger, string address);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Serving {ModelCount} model(s) on {Url}; API keys from {KeyStore}.")]
    public static partial void Listening(ILogger logger, int modelCount, string url, string keyStore);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path} (request {RequestId}).")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string path, string requestId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Request {RequestId} on {Path} rejected with {Status}: {Message}")]
    public static partial void Rejected(ILogger logger, string requestId, string path, int status, string message);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Request {RequestId} on {Path}: client disconnected.")]
    public static partial void ClientGone(ILogger logger, string requestId, string path);
}
