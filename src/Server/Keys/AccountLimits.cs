namespace Server.Keys;

/// <summary>An account's limits (api.md §11.4); null = unlimited.</summary>
/// <param name="Parallel">Generation requests in flight per model.</param>
/// <param name="RequestsPerMinute">Accepted generation requests in a sliding 60 s window, all models.</param>
/// <param name="Quota">Accepted generation requests per model in a sliding window of <see cref="Quota.Period"/>.</param>
public sealed record AccountLimits(int? Parallel, int? RequestsPerMinute, Quota? Quota)
{
    public static readonly AccountLimits Unlimited = new(null, null, null);
}
