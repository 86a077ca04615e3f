using Microsoft.Data.Sqlite;
using Server.Keys;

namespace Server.Tests.Fakes;

/// <summary>A real SQLite key store in a temporary file, deleted on dispose.</summary>
public sealed class TempKeyStore : IDisposable
{
    public TempKeyStore(TimeProvider? time = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"engine-keys-{Guid.NewGuid():N}.db");
        Store = new SqliteKeyStore(Path, time);
    }

    public string Path { get; }

    public SqliteKeyStore Store { get; }

    public string NewKey(AccountLimits? limits = null, string[]? models = null, string? overrides = null, string name = "test") =>
        Store.Create(name, limits ?? AccountLimits.Unlimited, models, overrides).Key;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(Path);
    }
}
