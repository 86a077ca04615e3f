namespace Server.Keys;

/// <summary>Resolves a presented API key to its caller, and a caller to a team it belongs to.</summary>
/// <remarks>
/// A shared store (PostgreSQL) that cannot be reached throws <see cref="Errors.StoreUnavailableException"/> (503): a
/// request is never let through unauthenticated.
/// </remarks>
public interface IKeyStore
{
    /// <summary>The key's own account; null for unknown or revoked keys.</summary>
    ValueTask<CallerIdentity?> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken);

    /// <summary>
    /// The team <paramref name="team"/> as an account acted for by <paramref name="member"/> (api.md §3.3);
    /// null when there is no such team or the key's owner is not a member.
    /// </summary>
    ValueTask<CallerIdentity?> AsTeamAsync(CallerIdentity member, string team, CancellationToken cancellationToken);
}
