namespace Server.Keys;

/// <summary>One stored key, without its secret (the store keeps only a salted hash).</summary>
/// <param name="Prefix">The first characters of the secret, shown by <c>engine keys list</c> to tell keys apart.</param>
/// <param name="Models">Allowed model ids; null = all.</param>
/// <param name="OverridesJson">The override object as stored, or null.</param>
public sealed record ApiKeyRecord(
    long Id, string Name, string Prefix, AccountLimits Limits, IReadOnlyList<string>? Models, string? OverridesJson,
    DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
