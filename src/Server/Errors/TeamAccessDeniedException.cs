namespace Server.Errors;

/// <summary>A team header naming an unknown team or one the key's owner is not a member of: 403 (api.md §3.3).</summary>
public sealed class TeamAccessDeniedException : ApiException
{
    public TeamAccessDeniedException() : this("(none)") { }

    // One message for both cases, so the answer does not reveal which team names exist.
    public TeamAccessDeniedException(string team)
        : base(403, "PermissionDeniedError", $"Your API key may not act for team `{team}`: no such team, or its owner is not a member.", null)
    {
    }
}
