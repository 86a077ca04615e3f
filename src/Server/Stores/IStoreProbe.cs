namespace Server.Stores;

/// <summary>A shared store that <c>/health</c> checks on every call, so a load balancer sees which one is down.</summary>
public interface IStoreProbe
{
    /// <summary>The store as <c>/health</c> names it, without secrets (e.g. "Redis limit store at 10.0.0.5:6379").</summary>
    string Description { get; }

    /// <summary>Null when the store answers; else why not.</summary>
    Task<string?> ProbeAsync(CancellationToken cancellationToken);
}
