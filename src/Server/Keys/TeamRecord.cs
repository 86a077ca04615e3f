namespace Server.Keys;

/// <summary>
/// One team (api.md §3.3): an account of its own, with the limits, allowed models and overrides that apply
/// when a member sends <c>X-Friendli-Team: Name</c>.
/// </summary>
/// <param name="Name">The team id clients send in the header; unique.</param>
/// <param name="Models">Allowed model ids; null = all.</param>
/// <param name="OverridesJson">The override object as stored, or null.</param>
/// <param name="Members">Key owner names (<see cref="ApiKeyRecord.Name"/>) whose keys may act for the team.</param>
public sealed record TeamRecord(
    long Id, string Name, AccountLimits Limits, IReadOnlyList<string>? Models, string? OverridesJson,
    IReadOnlyList<string> Members, DateTimeOffset CreatedAt);
