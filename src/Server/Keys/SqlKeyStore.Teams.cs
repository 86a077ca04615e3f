using System.Data.Common;

namespace Server.Keys;

/// <summary>
/// Teams (api.md §3.3): accounts of their own with limits, models and overrides, and their members. A member is a
/// key owner's name (<see cref="ApiKeyRecord.Name"/>), so every key of that owner, including keys created later,
/// may act for the team.
/// </summary>
public abstract partial class SqlKeyStore
{
    private const string TeamColumns = "id, name, parallel, rpm, quota_requests, quota_period_seconds, models, overrides, created_at";

    public TeamRecord CreateTeam(string name, AccountLimits limits, IReadOnlyList<string>? models, string? overridesJson)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(limits);
        // HTTP trims header values, so a padded name could never be selected.
        if (name.Length == 0 || name.Trim() != name)
            throw new FormatException($"Team name '{name}' must be non-empty without leading or trailing spaces.");
        _ = KeyOverrides.Parse(overridesJson);
        using var connection = Open();
        if (FindTeam(connection, name) is not null) throw new InvalidOperationException($"Team '{name}' already exists.");
        using var insert = Command(connection, """
            insert into teams (name, parallel, rpm, quota_requests, quota_period_seconds, models, overrides, created_at)
            values (@name, @parallel, @rpm, @quota, @period, @models, @overrides, @created)
            """);
        Bind(insert, "name", name);
        BindAccount(insert, limits, models, overridesJson);
        insert.ExecuteNonQuery();
        return FindTeam(connection, name)!;
    }

    public bool AddMember(string team, string owner)
    {
        using var connection = Open();
        var record = FindTeam(connection, team) ?? throw new InvalidOperationException($"No team '{team}'.");
        using var known = Command(connection, "select count(*) from api_keys where name = @owner");
        Bind(known, "owner", owner);
        if (Convert.ToInt64(known.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            throw new InvalidOperationException($"No key is owned by '{owner}'.");
        using var insert = Command(connection, "insert into team_members (team_id, member) values (@team, @owner) on conflict do nothing");
        Bind(insert, "team", record.Id);
        Bind(insert, "owner", owner);
        return insert.ExecuteNonQuery() == 1;
    }

    public bool RemoveMember(string team, string owner)
    {
        using var connection = Open();
        using var delete = Command(connection, "delete from team_members where member = @owner and team_id = (select id from teams where name = @team)");
        Bind(delete, "team", team);
        Bind(delete, "owner", owner);
        return delete.ExecuteNonQuery() == 1;
    }

    public bool DeleteTeam(string team)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var members = Command(connection, "delete from team_members where team_id = (select id from teams where name = @team)", transaction);
        Bind(members, "team", team);
        members.ExecuteNonQuery();
        using var teams = Command(connection, "delete from teams where name = @team", transaction);
        Bind(teams, "team", team);
        var deleted = teams.ExecuteNonQuery() == 1;
        transaction.Commit();
        return deleted;
    }

    public IReadOnlyList<TeamRecord> ListTeams()
    {
        using var connection = Open();
        return ListTeams(connection);
    }

    /// <summary>The synchronous <see cref="AsTeamAsync"/>, for tools and tests.</summary>
    public CallerIdentity? AsTeam(CallerIdentity member, string team) =>
        AsTeamAsync(member, team, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public ValueTask<CallerIdentity?> AsTeamAsync(CallerIdentity member, string team, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        return Guarded(() => AsTeamCoreAsync(member, team, cancellationToken));
    }

    private async ValueTask<CallerIdentity?> AsTeamCoreAsync(CallerIdentity member, string team, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var query = Command(connection, $"""
            select {TeamColumns} from teams
            where name = @team and exists (select 1 from team_members where team_id = teams.id and member = @owner)
            """);
        Bind(query, "team", team);
        Bind(query, "owner", member.KeyName);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        var record = ReadTeam(reader, []);
        return new CallerIdentity($"team-{record.Id}", member.KeyName, record.Limits, ModelSet(record.Models),
            KeyOverrides.Parse(record.OverridesJson), record.Name);
    }

    private static TeamRecord? FindTeam(DbConnection connection, string name)
    {
        foreach (var team in ListTeams(connection))
            if (team.Name == name) return team;
        return null;
    }

    private static List<TeamRecord> ListTeams(DbConnection connection)
    {
        var members = new Dictionary<long, List<string>>();
        using (var query = Command(connection, "select team_id, member from team_members order by member"))
        {
            using var reader = query.ExecuteReader();
            while (reader.Read())
            {
                if (!members.TryGetValue(reader.GetInt64(0), out var list)) members[reader.GetInt64(0)] = list = [];
                list.Add(reader.GetString(1));
            }
        }
        using var teams = Command(connection, $"select {TeamColumns} from teams order by id");
        using var rows = teams.ExecuteReader();
        var records = new List<TeamRecord>();
        while (rows.Read()) records.Add(ReadTeam(rows, members.GetValueOrDefault(rows.GetInt64(0)) ?? []));
        return records;
    }

    private static TeamRecord ReadTeam(DbDataReader r, IReadOnlyList<string> members)
    {
        string? NullableText(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        return new TeamRecord(r.GetInt64(0), r.GetString(1), ReadLimits(r, 2), ModelList(NullableText(6)), NullableText(7),
            members, DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(8)));
    }
}
