using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Server.Keys;

/// <summary>
/// API keys in a SQLite file: salted hashes only, with each key's limits, allowed models and overrides; and
/// the teams keys' owners may act for (SqliteKeyStore.Teams.cs). Every authentication reads the database, so
/// revocations, membership and override edits apply to the next request.
/// </summary>
public sealed partial class SqliteKeyStore : IKeyStore
{
    private const string Schema = """
        create table if not exists api_keys (
          id integer primary key autoincrement,
          name text not null,
          prefix text not null,
          salt blob not null,
          hash blob not null,
          parallel integer,
          rpm integer,
          quota_requests integer,
          quota_period_seconds real,
          models text,
          overrides text,
          created_at integer not null,
          revoked_at integer
        );
        create index if not exists api_keys_prefix on api_keys(prefix);
        """ + TeamSchema;

    private const string Columns = "id, name, prefix, parallel, rpm, quota_requests, quota_period_seconds, models, overrides, created_at, revoked_at";

    private readonly string _connectionString;
    private readonly TimeProvider _time;

    public SqliteKeyStore(string path, TimeProvider? time = null)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        _time = time ?? TimeProvider.System;
        using var connection = Open();
        Execute(connection, Schema);
    }

    /// <summary>The default database: <c>$XDG_DATA_HOME/engine/keys.db</c> (or the platform's local app data).</summary>
    public static string DefaultPath()
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        return Path.Combine(root, "engine", "keys.db");
    }

    /// <summary>Creates a key and returns it; the secret exists only in this return value.</summary>
    /// <exception cref="FormatException"><paramref name="overridesJson"/> is not a JSON object.</exception>
    public (ApiKeyRecord Record, string Key) Create(string name, AccountLimits limits, IReadOnlyList<string>? models, string? overridesJson)
    {
        _ = KeyOverrides.Parse(overridesJson);
        var key = ApiKeySecret.NewKey();
        var salt = ApiKeySecret.NewSalt();
        var now = _time.GetUtcNow();
        using var connection = Open();
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            insert into api_keys (name, prefix, salt, hash, parallel, rpm, quota_requests, quota_period_seconds, models, overrides, created_at)
            values ($name, $prefix, $salt, $hash, $parallel, $rpm, $quota, $period, $models, $overrides, $created);
            select last_insert_rowid();
            """;
        insert.Parameters.AddWithValue("$name", name);
        insert.Parameters.AddWithValue("$prefix", ApiKeySecret.PrefixOf(key));
        insert.Parameters.AddWithValue("$salt", salt);
        insert.Parameters.AddWithValue("$hash", ApiKeySecret.Hash(salt, key));
        BindLimits(insert, limits);
        insert.Parameters.AddWithValue("$models", models is null ? DBNull.Value : string.Join(',', models));
        insert.Parameters.AddWithValue("$overrides", (object?)overridesJson ?? DBNull.Value);
        insert.Parameters.AddWithValue("$created", now.ToUnixTimeSeconds());
        var id = (long)insert.ExecuteScalar()!;
        return (Find(connection, id).Single(), key);
    }

    public IReadOnlyList<ApiKeyRecord> List()
    {
        using var connection = Open();
        return Find(connection, null);
    }

    /// <summary>Revokes key <paramref name="id"/>; false when there is no such live key.</summary>
    public bool Revoke(long id)
    {
        using var connection = Open();
        using var update = connection.CreateCommand();
        update.CommandText = "update api_keys set revoked_at = $now where id = $id and revoked_at is null";
        update.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeSeconds());
        update.Parameters.AddWithValue("$id", id);
        return update.ExecuteNonQuery() == 1;
    }

    /// <summary>Replaces key <paramref name="id"/>'s overrides (null clears them); applies to later requests.</summary>
    public bool SetOverrides(long id, string? overridesJson)
    {
        _ = KeyOverrides.Parse(overridesJson);
        using var connection = Open();
        using var update = connection.CreateCommand();
        update.CommandText = "update api_keys set overrides = $o where id = $id";
        update.Parameters.AddWithValue("$o", (object?)overridesJson ?? DBNull.Value);
        update.Parameters.AddWithValue("$id", id);
        return update.ExecuteNonQuery() == 1;
    }

    public CallerIdentity? Authenticate(string presentedKey)
    {
        if (ApiKeySecret.PrefixOf(presentedKey) is not { } prefix) return null;
        using var connection = Open();
        using var query = connection.CreateCommand();
        query.CommandText = $"select salt, hash, {Columns} from api_keys where prefix = $prefix and revoked_at is null";
        query.Parameters.AddWithValue("$prefix", prefix);
        using var reader = query.ExecuteReader();
        while (reader.Read())
        {
            if (!ApiKeySecret.Matches(presentedKey, (byte[])reader[0], (byte[])reader[1])) continue;
            var record = Read(reader, offset: 2);
            return new CallerIdentity($"key-{record.Id}", record.Name, record.Limits, ModelSet(record.Models),
                KeyOverrides.Parse(record.OverridesJson));
        }
        return null;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Key <paramref name="id"/>, or every key when null.</summary>
    private static List<ApiKeyRecord> Find(SqliteConnection connection, long? id)
    {
        using var query = connection.CreateCommand();
        query.CommandText = $"select {Columns} from api_keys where $id is null or id = $id order by id";
        query.Parameters.AddWithValue("$id", (object?)id ?? DBNull.Value);
        using var reader = query.ExecuteReader();
        var records = new List<ApiKeyRecord>();
        while (reader.Read()) records.Add(Read(reader, 0));
        return records;
    }

    private static ApiKeyRecord Read(SqliteDataReader r, int offset)
    {
        string? NullableText(int i) => r.IsDBNull(offset + i) ? null : r.GetString(offset + i);
        return new ApiKeyRecord(
            r.GetInt64(offset), r.GetString(offset + 1), r.GetString(offset + 2),
            ReadLimits(r, offset + 3), ModelList(NullableText(7)), NullableText(8),
            DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(offset + 9)),
            r.IsDBNull(offset + 10) ? null : DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(offset + 10)));
    }

    /// <summary>The limit columns <c>parallel, rpm, quota_requests, quota_period_seconds</c> starting at <paramref name="at"/>.</summary>
    private static AccountLimits ReadLimits(SqliteDataReader r, int at)
    {
        int? NullableInt(int i) => r.IsDBNull(at + i) ? null : r.GetInt32(at + i);
        var quota = NullableInt(2) is int q ? new Quota(q, TimeSpan.FromSeconds(r.GetDouble(at + 3))) : null;
        return new AccountLimits(NullableInt(0), NullableInt(1), quota);
    }

    private static void BindLimits(SqliteCommand command, AccountLimits limits)
    {
        command.Parameters.AddWithValue("$parallel", (object?)limits.Parallel ?? DBNull.Value);
        command.Parameters.AddWithValue("$rpm", (object?)limits.RequestsPerMinute ?? DBNull.Value);
        command.Parameters.AddWithValue("$quota", (object?)limits.Quota?.Requests ?? DBNull.Value);
        command.Parameters.AddWithValue("$period", (object?)limits.Quota?.Period.TotalSeconds ?? DBNull.Value);
    }

    private static string[]? ModelList(string? stored) =>
        stored?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static HashSet<string>? ModelSet(IReadOnlyList<string>? models) =>
        models is null ? null : new HashSet<string>(models, StringComparer.Ordinal);

    internal static string Describe(AccountLimits limits) => string.Join(", ", new[]
    {
        limits.Parallel is int p ? $"parallel {p}" : null,
        limits.RequestsPerMinute is int rpm ? $"{rpm} rpm" : null,
        limits.Quota is { } quota ? string.Create(CultureInfo.InvariantCulture, $"{quota.Requests} per {quota.PeriodText()}") : null,
    }.Where(s => s is not null));
}
