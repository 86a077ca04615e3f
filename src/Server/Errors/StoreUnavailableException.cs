namespace Server.Errors;

/// <summary>
/// A shared store (the PostgreSQL key store, the Redis limit counters) cannot be reached: 503 with <c>Retry-After</c>.
/// The request was neither run nor counted; the store's client reconnects by itself, so a retry succeeds once the
/// store is back.
/// </summary>
public sealed class StoreUnavailableException : ApiException
{
    public StoreUnavailableException() : this("shared store", "unreachable") { }

    public StoreUnavailableException(string store, string reason)
        : base(503, "ServiceUnavailableError", $"The {store} is unreachable ({reason}); the request was not run. Retry shortly.", null)
    {
        Store = store;
        Headers = new Dictionary<string, string> { ["Retry-After"] = "1" };
    }

    /// <summary>Which store failed, as <c>/health</c> names it.</summary>
    public string Store { get; }
}
