using System.Net.Sockets;
using Npgsql;
using Server.Stores;

namespace Server.Keys;

/// <summary>
/// Opens the key database an operator names with <c>--keys-db</c> or <c>--db</c>: a PostgreSQL URI or connection
/// string (<see cref="PostgresConnection"/>) for replicas, else a SQLite file (created with its folder).
/// </summary>
public static class KeyDatabases
{
    /// <exception cref="FormatException">A PostgreSQL spec is malformed.</exception>
    /// <exception cref="KeyDatabaseUnavailableException">PostgreSQL cannot be reached or migrated.</exception>
    public static async Task<SqlKeyStore> OpenAsync(string spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!PostgresConnection.IsPostgres(spec))
        {
            if (Path.GetDirectoryName(Path.GetFullPath(spec)) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
            return new SqliteKeyStore(spec);
        }
        try
        {
            return await PostgresKeyStore.OpenAsync(spec, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            throw new KeyDatabaseUnavailableException($"Cannot open the PostgreSQL key database {PostgresConnection.Redacted(spec)}: {e.Message}", e);
        }
    }

    public static SqlKeyStore Open(string spec) => OpenAsync(spec).GetAwaiter().GetResult();

    /// <summary>A short name for logs, without secrets.</summary>
    public static string Describe(string spec) => PostgresConnection.IsPostgres(spec) ? PostgresConnection.Redacted(spec) : spec;
}
