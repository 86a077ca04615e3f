namespace Server.Keys;

/// <summary>
/// The authenticated caller of a request: the account whose limits, model list and overrides apply.
/// Every key is its own account (api.md §3.1, simplest deployment); with a team header the account is the
/// team's (§3.3).
/// </summary>
/// <param name="AccountId">Key of the limit counters: <c>key-ID</c> or <c>team-ID</c>.</param>
/// <param name="KeyName">The key's owner (the team member, when acting for a team).</param>
/// <param name="AllowedModels">Model ids the account may use; null = every served model.</param>
/// <param name="Team">The team the request runs as, or null for the key's own account.</param>
public sealed record CallerIdentity(
    string AccountId, string KeyName, AccountLimits Limits, IReadOnlySet<string>? AllowedModels, KeyOverrides Overrides,
    string? Team = null)
{
    public bool MayUse(string model) => AllowedModels is null || AllowedModels.Contains(model);
}
