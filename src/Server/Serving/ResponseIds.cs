namespace Server.Serving;

/// <summary>Response ids: <c>cmpl-&lt;32 hex&gt;</c> and <c>chatcmpl-&lt;32 hex&gt;</c> (api.md §1), or the client's request_id.</summary>
public static class ResponseIds
{
    public static string New(string prefix, string? requestId) =>
        requestId is { Length: > 0 } ? $"{prefix}-{requestId}" : $"{prefix}-{Guid.NewGuid():N}";
}
