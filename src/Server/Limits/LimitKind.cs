namespace Server.Limits;

/// <summary>Which limit rejected a request (also the <c>reason</c> label in /metrics).</summary>
public enum LimitKind
{
    Parallel,
    RequestsPerMinute,
    Quota,

    /// <summary>Friendli's <c>timeout_microseconds</c>: no first token in time (api.md §12.2).</summary>
    QueueTimeout,
}
