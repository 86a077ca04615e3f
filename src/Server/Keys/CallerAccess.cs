namespace Server.Keys;

/// <summary>Where the authentication middleware leaves the caller for the endpoints.</summary>
public static class CallerAccess
{
    private static readonly object Key = new();

    public static void Set(HttpContext http, CallerIdentity caller) => http.Items[Key] = caller;

    /// <summary>The authenticated caller, or null when the server runs without a key store.</summary>
    public static CallerIdentity? Get(HttpContext http) => http.Items.TryGetValue(Key, out var c) ? (CallerIdentity?)c : null;
}
