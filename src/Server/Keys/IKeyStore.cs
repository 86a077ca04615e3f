namespace Server.Keys;

/// <summary>Resolves a presented API key to its caller, and a caller to a team it belongs to.</summary>
public interface IKeyStore
{
    /// <summary>The key's own account; null for unknown or revoked keys.</summary>
    CallerIdentity? Authenticate(string presentedKey);

    /// <summary>
    /// The team <paramref name="team"/> as an account acted for by <paramref name="member"/> (api.md §3.3);
    /// null when there is no such team or the key's owner is not a member.
    /// </summary>
    CallerIdentity? AsTeam(CallerIdentity member, string team);
}
