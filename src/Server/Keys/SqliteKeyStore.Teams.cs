using Microsoft.Data.Sqlite;

namespace Server.Keys;

/// <summary>
/// Teams (api.md §3.3): accounts of their own with limits, models and overrides, and their members. A member is a
/// key owner's name (<see cref="ApiKeyRecord.Name"/>), so every key of that owner, including keys created later,
/// may act for the team.
/// </summary>
public sealed partial class SqliteKeyStore
{
    // Only new tables: a database written before teams existed gains them on open and keeps its keys as they are.
    private const string TeamSchema = """
        create table if not exists teams (
          id integer primary key autoincrement,
          name text not null unique,
          parallel integer,
          rpm integer,
          quota_requests integer,
          quota_period_seconds real,
          models text,
          overrides text,
          created_at integer not null
        );
        create table if not exists team_members (
          team_id integer not null,
          member text not null,
          primary key (team_id, member)
        );
        """;

    private const string TeamColumns = "id, name, parallel, rpm, quota_requests, quota_period_seconds, models, overrides, created_at";

    /// <summary>Creates team <paramref name="name"/> with no members.</summary>
    /// <exception cref="FormatException">The name is blank or padded, or <paramref name="overridesJson"/> is not a JSON object.</exception>
    /// <exception cref="InvalidOperationException">A team of that name exists.</exception>
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
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            insert into teams (name, parallel, rpm, quota_requests, quota_period_seconds, models, overrides, created_at)
            values ($name, $parallel, $rpm, $quota, $period, $models, $overrides, $created);
            """;
        insert.Parameters.AddWithValue("$name", name);
        BindLimits(insert, limits);
        insert.Parameters.AddWithValue("$models", models is null ? DBNull.Value : string.Join(',', models));
        insert.Parameters.AddWithValue("$overrides", (object?)overridesJson ?? DBNull.Value);
        insert.Parameters.AddWithValue("$created", _time.GetUtcNow().ToUnixTimeSeconds());
        insert.ExecuteNonQuery();
        return FindTeam(connection, name)!;
    }

    /// <summary>Makes the owner of the keys named <paramref name="owner"/> a member; false when already one.</summary>
    /// <exception cref="InvalidOperationException">No such team, or no key has that owner name.</exception>
    public bool AddMember(string team, string owner)
    {
        using var connection = Open();
        var record = FindTeam(connection, team) ?? throw new InvalidOperationException($"No team '{team}'.");
        using var known = connection.CreateCommand();
        known.CommandText = "select count(*) from api_keys where name = $owner";
        known.Parameters.AddWithValue("$owner", owner);
        if ((long)known.ExecuteScalar()! == 0) throw new InvalidOperationException($"No key is owned by '{owner}'.");
        using var insert = connection.CreateCommand();
        insert.CommandText = "insert or ignore into team_members (team_id, member) values ($team, $owner)";
        insert.Parameters.AddWithValue("$team", record.Id);
        insert.Parameters.AddWithValue("$owner", owner);
        return insert.ExecuteNonQuery() == 1;
    }

    /// <summary>Removes a member; false when <paramref name="owner"/> was not a member of <paramref name="team"/>.</summary>
    public bool RemoveMember(string team, string owner)
    {
        using var connection = Open();
        using var delete = connection.CreateCommand();
        delete.CommandText = "delete from team_members where member = $owner and team_id = (select id from teams where name = $team)";
        delete.Parameters.AddWithValue("$team", team);
        delete.Parameters.AddWithValue("$owner", owner);
        return delete.ExecuteNonQuery() == 1;
    }

    /// <summary>Deletes a team and its memberships; false when there is no such team. Later requests naming it get 403.</summary>
    public bool DeleteTeam(string team)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var members = connection.CreateCommand();
        members.Transaction = transaction;
        members.CommandText = "delete from team_members where team_id = (select id from teams where name = $team)";
        members.Parameters.AddWithValue("$team", team);
        members.ExecuteNonQuery();
        using var teams = connection.CreateCommand();
        teams.Transaction = transaction;
        teams.CommandText = "delete from teams where name = $team";
        teams.Parameters.AddWithValue("$team", team);
        var deleted = teams.ExecuteNonQuery() == 1;
        transaction.Commit();
        return deleted;
    }

    public IReadOnlyList<TeamRecord> ListTeams()
    {
        using var connection = Open();
        return ListTeams(connection);
    }

    public CallerIdentity? AsTeam(CallerIdentity member, string team)
    {
        ArgumentNullException.ThrowIfNull(member);
        using var connection = Open();
        using var query = connection.CreateCommand();
        query.CommandText = $"""
            select {TeamColumns} from teams
            where name = $team and exists (select 1 from team_members where team_id = teams.id and member = $owner)
            """;
        query.Parameters.AddWithValue("$team", team);
        query.Parameters.AddWithValue("$owner", member.KeyName);
        using var reader = query.ExecuteReader();
        if (!reader.Read()) return null;
        var record = ReadTeam(reader, []);
        return new CallerIdentity($"team-{record.Id}", member.KeyName, record.Limits, ModelSet(record.Models),
            KeyOverrides.Parse(record.OverridesJson), record.Name);
    }

    private static TeamRecord? FindTeam(SqliteConnection connection, string name)
    {
        foreach (var team in ListTeams(connection))
            if (team.Name == name) return team;
        return null;
    }

    private static List<TeamRecord> ListTeams(SqliteConnection connection)
    {
        var members = new Dictionary<long, List<string>>();
        using (var query = connection.CreateCommand())
        {
            query.CommandText = "select team_id, member from team_members order by member";
            using var reader = query.ExecuteReader();
            while (reader.Read())
            {
                if (!members.TryGetValue(reader.GetInt64(0), out var list)) members[reader.GetInt64(0)] = list = [];
                list.Add(reader.GetString(1));
            }
        }
        using var teams = connection.CreateCommand();
        teams.CommandText = $"select {TeamColumns} from teams order by id";
        using var rows = teams.ExecuteReader();
        var records = new List<TeamRecord>();
        while (rows.Read()) records.Add(ReadTeam(rows, members.GetValueOrDefault(rows.GetInt64(0)) ?? []));
        return records;
    }

    private static TeamRecord ReadTeam(SqliteDataReader r, IReadOnlyList<string> members)
    {
        string? NullableText(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        return new TeamRecord(r.GetInt64(0), r.GetString(1), ReadLimits(r, 2), ModelList(NullableText(6)), NullableText(7),
            members, DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(8)));
    }
}
