namespace Server.Keys;

/// <summary>
/// The operator's side of a key store (<c>engine keys …</c>): keys with their limits, models and overrides, and teams
/// with their members. Implemented over SQLite (one machine) and PostgreSQL (replicas).
/// </summary>
public interface IKeyDatabase : IKeyStore
{
    /// <summary>Creates a key and returns it; the secret exists only in this return value.</summary>
    /// <exception cref="FormatException"><paramref name="overridesJson"/> is not a JSON object.</exception>
    (ApiKeyRecord Record, string Key) Create(string name, AccountLimits limits, IReadOnlyList<string>? models, string? overridesJson);

    IReadOnlyList<ApiKeyRecord> List();

    /// <summary>Revokes key <paramref name="id"/>; false when there is no such live key.</summary>
    bool Revoke(long id);

    /// <summary>Replaces key <paramref name="id"/>'s overrides (null clears them); applies to later requests.</summary>
    bool SetOverrides(long id, string? overridesJson);

    /// <summary>Creates team <paramref name="name"/> with no members.</summary>
    /// <exception cref="FormatException">The name is blank or padded, or <paramref name="overridesJson"/> is not a JSON object.</exception>
    /// <exception cref="InvalidOperationException">A team of that name exists.</exception>
    TeamRecord CreateTeam(string name, AccountLimits limits, IReadOnlyList<string>? models, string? overridesJson);

    /// <summary>Makes the owner of the keys named <paramref name="owner"/> a member; false when already one.</summary>
    /// <exception cref="InvalidOperationException">No such team, or no key has that owner name.</exception>
    bool AddMember(string team, string owner);

    /// <summary>Removes a member; false when <paramref name="owner"/> was not a member of <paramref name="team"/>.</summary>
    bool RemoveMember(string team, string owner);

    /// <summary>Deletes a team and its memberships; false when there is no such team. Later requests naming it get 403.</summary>
    bool DeleteTeam(string team);

    IReadOnlyList<TeamRecord> ListTeams();
}
