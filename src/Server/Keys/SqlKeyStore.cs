using System.Data.Common;
using System.Globalization;
using Server.Errors;

namespace Server.Keys;

/// <summary>
/// API keys in a SQL database: salted hashes only, with each key's limits, allowed models and overrides; and the
/// teams keys' owners may act for (SqlKeyStore.Teams.cs). The SQL is the common dialect of SQLite and PostgreSQL
/// (<c>@name</c> parameters, <c>returning</c>, <c>on conflict do nothing</c>); the subclasses open connections and
/// own the schema. Every authentication reads the database, so a revocation, membership or override edit made on
/// any machine applies to the next request of every replica.
/// </summary>
public abstract partial class SqlKeyStore : IKeyDatabase
{
    private const string Columns = "id, name, prefix, parallel, rpm, quota_requests, quota_period_seconds, models, overrides, created_at, revoked_at";

    private readonly TimeProvider _time;

    protected SqlKeyStore(TimeProvider? time) => _time = time ?? TimeProvider.System;

    /// <summary>What the logs and 503 messages call this store, without secrets (e.g. "PostgreSQL key store at h:5432").</summary>
    public abstract string Description { get; }

    protected abstract DbConnection Open();

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>True when <paramref name="e"/> means the database cannot be reached (then the request gets 503).</summary>
    protected virtual bool IsOutage(Exception e) => false;

    public (ApiKeyRecord Record, string Key) Create(string name, AccountLimits limits, IReadOnlyList<string>? models, string? overridesJson)
    {
        _ = KeyOverrides.Parse(overridesJson);
        var key = ApiKeySecret.NewKey();
        var salt = ApiKeySecret.NewSalt();
        using var connection = Open();
        using var insert = Command(connection, """
            insert into api_keys (name, prefix, salt, hash, parallel, rpm, quota_requests, quota_period_seconds, models, overrides, created_at)
            values (@name, @prefix, @salt, @hash, @parallel, @rpm, @quota, @period, @models, @overrides, @created)
            returning id
            """);
        Bind(insert, "name", name);
        Bind(insert, "prefix", ApiKeySecret.PrefixOf(key));
        Bind(insert, "salt", salt);
        Bind(insert, "hash", ApiKeySecret.Hash(salt, key));
        BindAccount(insert, limits, models, overridesJson);
        var id = Convert.ToInt64(insert.ExecuteScalar(), CultureInfo.InvariantCulture);
        return (Find(connection, id).Single(), key);
    }

    public IReadOnlyList<ApiKeyRecord> List()
    {
        using var connection = Open();
        return Find(connection, null);
    }

    public bool Revoke(long id)
    {
        using var connection = Open();
        using var update = Command(connection, "update api_keys set revoked_at = @now where id = @id and revoked_at is null");
        Bind(update, "now", _time.GetUtcNow().ToUnixTimeSeconds());
        Bind(update, "id", id);
        return update.ExecuteNonQuery() == 1;
    }

    public bool SetOverrides(long id, string? overridesJson)
    {
        _ = KeyOverrides.Parse(overridesJson);
        using var connection = Open();
        using var update = Command(connection, "update api_keys set overrides = @o where id = @id");
        Bind(update, "o", overridesJson);
        Bind(update, "id", id);
        return update.ExecuteNonQuery() == 1;
    }

    /// <summary>The synchronous <see cref="AuthenticateAsync"/>, for tools and tests.</summary>
    public CallerIdentity? Authenticate(string presentedKey) =>
        AuthenticateAsync(presentedKey, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public ValueTask<CallerIdentity?> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken) =>
        ApiKeySecret.PrefixOf(presentedKey) is { } prefix
            ? Guarded(() => AuthenticateAsync(presentedKey, prefix, cancellationToken))
            : ValueTask.FromResult<CallerIdentity?>(null);

    private async ValueTask<CallerIdentity?> AuthenticateAsync(string presentedKey, string prefix, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var query = Command(connection, $"select salt, hash, {Columns} from api_keys where prefix = @prefix and revoked_at is null");
        Bind(query, "prefix", prefix);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!ApiKeySecret.Matches(presentedKey, (byte[])reader[0], (byte[])reader[1])) continue;
            var record = Read(reader, offset: 2);
            return new CallerIdentity($"key-{record.Id}", record.Name, record.Limits, ModelSet(record.Models),
                KeyOverrides.Parse(record.OverridesJson));
        }
        return null;
    }

    /// <summary>Runs a request-path query, turning an unreachable database into a 503 that names this store.</summary>
    private async ValueTask<T> Guarded<T>(Func<ValueTask<T>> query)
    {
        try
        {
            return await query().ConfigureAwait(false);
        }
        catch (Exception e) when (IsOutage(e))
        {
            throw new StoreUnavailableException(Description, e.Message);
        }
    }

    protected static DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    protected static void Bind(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <summary>Key <paramref name="id"/>, or every key when null.</summary>
    private static List<ApiKeyRecord> Find(DbConnection connection, long? id)
    {
        using var query = Command(connection, $"select {Columns} from api_keys {(id is null ? "" : "where id = @id")} order by id");
        if (id is not null) Bind(query, "id", id.Value);
        using var reader = query.ExecuteReader();
        var records = new List<ApiKeyRecord>();
        while (reader.Read()) records.Add(Read(reader, 0));
        return records;
    }

    private static ApiKeyRecord Read(DbDataReader r, int offset)
    {
        string? NullableText(int i) => r.IsDBNull(offset + i) ? null : r.GetString(offset + i);
        return new ApiKeyRecord(
            r.GetInt64(offset), r.GetString(offset + 1), r.GetString(offset + 2),
            ReadLimits(r, offset + 3), ModelList(NullableText(7)), NullableText(8),
            DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(offset + 9)),
            r.IsDBNull(offset + 10) ? null : DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(offset + 10)));
    }

    /// <summary>The limit columns <c>parallel, rpm, quota_requests, quota_period_seconds</c> starting at <paramref name="at"/>.</summary>
    private static AccountLimits ReadLimits(DbDataReader r, int at)
    {
        int? NullableInt(int i) => r.IsDBNull(at + i) ? null : r.GetInt32(at + i);
        var quota = NullableInt(2) is int q ? new Quota(q, TimeSpan.FromSeconds(r.GetDouble(at + 3))) : null;
        return new AccountLimits(NullableInt(0), NullableInt(1), quota);
    }

    /// <summary>Binds an account's columns: its limits, models, overrides and creation time.</summary>
    private void BindAccount(DbCommand command, AccountLimits limits, IReadOnlyList<string>? models, string? overridesJson)
    {
        Bind(command, "parallel", limits.Parallel);
        Bind(command, "rpm", limits.RequestsPerMinute);
        Bind(command, "quota", limits.Quota?.Requests);
        Bind(command, "period", limits.Quota?.Period.TotalSeconds);
        Bind(command, "models", models is null ? null : string.Join(',', models));
        Bind(command, "overrides", overridesJson);
        Bind(command, "created", _time.GetUtcNow().ToUnixTimeSeconds());
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
