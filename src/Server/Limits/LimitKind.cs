namespace Server.Limits;

/// <summary>Which limit rejected a request (also the <c>reason</c> label in /metrics).</summary>
public enum LimitKind
{
    Parallel,
    RequestsPerMinute,
    Quota,
}
