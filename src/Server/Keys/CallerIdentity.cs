namespace Server.Keys;

/// <summary>
/// The authenticated caller of a request: the account whose limits, model list and overrides apply.
/// Every key is its own account (api.md §3.1, simplest deployment).
/// </summary>
/// <param name="AllowedModels">Model ids the account may use; null = every served model.</param>
public sealed record CallerIdentity(
    string AccountId, string KeyName, AccountLimits Limits, IReadOnlySet<string>? AllowedModels, KeyOverrides Overrides)
{
    public bool MayUse(string model) => AllowedModels is null || AllowedModels.Contains(model);
}
