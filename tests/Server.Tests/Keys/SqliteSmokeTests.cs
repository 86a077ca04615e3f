using Microsoft.Data.Sqlite;

namespace Server.Tests.Keys;

public sealed class SqliteSmokeTests
{
    [Fact]
    public void OpensDatabase_WithPinnedNativeBundle()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "select sqlite_version()";
        Assert.StartsWith("3.", (string)command.ExecuteScalar()!);
    }
}
