using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Server.Keys;

/// <summary>
/// The embedded key store: one SQLite file on this machine (the default; replicas share a <see cref="PostgresKeyStore"/>).
/// The schema is created on open; a file written before teams existed gains their tables and keeps its keys.
/// </summary>
public sealed class SqliteKeyStore : SqlKeyStore
{
    // Only "if not exists": each table added later is created on the next open of an older file.
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

    private readonly string _connectionString;

    public SqliteKeyStore(string path, TimeProvider? time = null) : base(time)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        using var connection = Open();
        using var create = Command(connection, Schema);
        create.ExecuteNonQuery();
    }

    public string Path { get; }

    public override string Description => $"SQLite key store {Path}";

    /// <summary>The default database: <c>$XDG_DATA_HOME/engine/keys.db</c> (or the platform's local app data).</summary>
    public static string DefaultPath()
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        return System.IO.Path.Combine(root, "engine", "keys.db");
    }

    protected override DbConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    protected override ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Open());
}
