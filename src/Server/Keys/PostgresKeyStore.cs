using System.Data.Common;
using Npgsql;
using Server.Stores;

namespace Server.Keys;

/// <summary>
/// Keys and teams in PostgreSQL, shared by every replica: <c>engine serve --keys-db postgres://…</c> and
/// <c>engine keys … --db postgres://…</c>. The schema is migrated on open (<see cref="PostgresSchema"/>). Nothing is
/// cached, so a key revoked through any replica or the CLI is refused by every replica from its next request on.
/// A database that cannot be reached makes requests fail with 503 (never pass unauthenticated); Npgsql's pool opens
/// fresh connections when it is back.
/// </summary>
public sealed class PostgresKeyStore : SqlKeyStore, IStoreProbe, IDisposable
{
    private PostgresKeyStore(NpgsqlDataSource dataSource, string where, TimeProvider? time) : base(time)
    {
        DataSource = dataSource;
        Description = $"PostgreSQL key store at {where}";
    }

    /// <summary>The pool, shared with the PostgreSQL-only limiter.</summary>
    public NpgsqlDataSource DataSource { get; }

    public override string Description { get; }

    /// <summary>Connects to <paramref name="spec"/> (URI or connection string) and migrates the schema.</summary>
    /// <exception cref="FormatException">The spec is malformed.</exception>
    /// <exception cref="NpgsqlException">The database cannot be reached or migrated.</exception>
    public static async Task<PostgresKeyStore> OpenAsync(string spec, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var builder = PostgresConnection.Parse(spec);
        var dataSource = NpgsqlDataSource.Create(builder);
        try
        {
            await PostgresSchema.MigrateAsync(dataSource, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new PostgresKeyStore(dataSource, PostgresConnection.Describe(builder), time);
    }

    public static PostgresKeyStore Open(string spec, TimeProvider? time = null) => OpenAsync(spec, time).GetAwaiter().GetResult();

    protected override DbConnection Open() => DataSource.OpenConnection();

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    protected override bool IsOutage(Exception e) => PostgresOutage.Is(e, DataSource);

    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = DataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (PostgresOutage.Is(e, DataSource) || e is OperationCanceledException)
        {
            return e.Message;
        }
    }

    public void Dispose() => DataSource.Dispose();
}
