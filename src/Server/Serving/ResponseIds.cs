namespace Server.Serving;

/// <summary>Response ids: <c>cmpl-&lt;32 hex&gt;</c> and <c>chatcmpl-&lt;32 hex&gt;</c> (api.md §1), or the client's request_id.</summary>
public static class ResponseIds
{
    /// <summary>Longest client request_id kept in a response id.</summary>
    public const int MaxRequestIdLength = 128;

    /// <summary>
    /// The id with the client's <c>request_id</c> as its suffix when it is usable: at most
    /// <see cref="MaxRequestIdLength"/> characters of printable ASCII (anything else — newlines, control or non-ASCII
    /// characters — is replaced by <c>_</c>, so an id never breaks a log line, a header or an SSE frame).
    /// </summary>
    public static string New(string prefix, string? requestId) =>
        requestId is { Length: > 0 } ? $"{prefix}-{Sanitise(requestId)}" : $"{prefix}-{Guid.NewGuid():N}";

    private static string Sanitise(string requestId)
    {
        var text = requestId.Length <= MaxRequestIdLength ? requestId : requestId[..MaxRequestIdLength];
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = source[i] is >= '!' and <= '~' ? source[i] : '_';
        });
    }
}
