using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Server.Keys;
using Server.Stores;

namespace Server.Tests.Replicas;

/// <summary>The PostgreSQL key store against a real server: the SQLite store's behaviour, salted hashes, migrations.</summary>
[Collection(StoreCollection.Name)]
public sealed class PostgresKeyStoreTests(StoreServers stores)
{
    private static async Task<long> ScalarAsync(PostgresKeyStore store, string sql)
    {
        await using var command = store.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task AuthenticatesCreatedKeys_AndRefusesWrongAndRevokedOnes()
    {
        using var store = await PostgresKeyStore.OpenAsync(await stores.CreateDatabaseAsync());
        var limits = new AccountLimits(2, 30, new Quota(5, TimeSpan.FromDays(2)));
        var (record, key) = store.Create("alice", limits, ["tiny"], """{"temperature": 0.5}""");
        var tampered = key[..^1] + (key[^1] == '0' ? '1' : '0');

        var caller = await store.AuthenticateAsync(key, default);

        Assert.NotNull(caller);
        Assert.Equal($"key-{record.Id}", caller.AccountId);
        Assert.Equal("alice", caller.KeyName);
        Assert.Equal(limits, caller.Limits);
        Assert.True(caller.MayUse("tiny"));
        Assert.False(caller.MayUse("tiny-lora"));
        Assert.Equal(["temperature"], caller.Overrides.Names);
        Assert.Null(await store.AuthenticateAsync(tampered, default));
        Assert.Null(await store.AuthenticateAsync("sk-short", default));
        Assert.True(store.Revoke(record.Id));
        Assert.Null(await store.AuthenticateAsync(key, default));
        Assert.NotNull(store.List().Single().RevokedAt);
    }

    [Fact]
    public async Task StoresOnlyASaltedHash_DifferentForEveryKey()
    {
        using var store = await PostgresKeyStore.OpenAsync(await stores.CreateDatabaseAsync());
        var (_, first) = store.Create("a", AccountLimits.Unlimited, null, null);
        store.Create("b", AccountLimits.Unlimited, null, null);

        await using var rows = store.DataSource.CreateCommand("select salt, hash from api_keys order by id");
        await using var reader = await rows.ExecuteReaderAsync();
        var stored = new List<(byte[] Salt, byte[] Hash)>();
        while (await reader.ReadAsync()) stored.Add(((byte[])reader[0], (byte[])reader[1]));

        Assert.Equal(2, stored.Count);
        Assert.Equal(16, stored[0].Salt.Length);
        Assert.NotEqual(stored[0].Salt, stored[1].Salt);
        // SHA-256(salt ‖ key), not of the key alone.
        Assert.Equal(SHA256.HashData([.. stored[0].Salt, .. Encoding.UTF8.GetBytes(first)]), stored[0].Hash);
        Assert.NotEqual(SHA256.HashData(Encoding.UTF8.GetBytes(first)), stored[0].Hash);
    }

    [Fact]
    public async Task ActsForTeamsOfWhichTheOwnerIsAMember()
    {
        using var store = await PostgresKeyStore.OpenAsync(await stores.CreateDatabaseAsync());
        var alice = (await store.AuthenticateAsync(store.Create("alice", AccountLimits.Unlimited, null, null).Key, default))!;
        var bob = (await store.AuthenticateAsync(store.Create("bob", AccountLimits.Unlimited, null, null).Key, default))!;
        var team = store.CreateTeam("acme", new AccountLimits(1, null, null), ["tiny"], null);

        Assert.True(store.AddMember("acme", "alice"));
        Assert.False(store.AddMember("acme", "alice"));
        Assert.Throws<InvalidOperationException>(() => store.AddMember("acme", "nobody"));
        Assert.Throws<InvalidOperationException>(() => store.CreateTeam("acme", AccountLimits.Unlimited, null, null));
        var asTeam = await store.AsTeamAsync(alice, "acme", default);
        Assert.Equal($"team-{team.Id}", asTeam!.AccountId);
        Assert.Equal(new AccountLimits(1, null, null), asTeam.Limits);
        Assert.Null(await store.AsTeamAsync(bob, "acme", default));
        Assert.Equal(["alice"], store.ListTeams().Single().Members);
        Assert.True(store.DeleteTeam("acme"));
        Assert.Null(await store.AsTeamAsync(alice, "acme", default));
        Assert.Empty(store.ListTeams());
    }

    [Fact]
    public async Task MigratesADatabaseOfTheFirstSchema_KeepingItsKeys()
    {
        var uri = await stores.CreateDatabaseAsync();
        string key;
        using (var first = await PostgresKeyStore.OpenAsync(uri))
        {
            key = first.Create("alice", new AccountLimits(2, null, null), null, null).Key;
            // Back to schema version 1: keys and teams, no limiter tables.
            await using var downgrade = first.DataSource.CreateCommand("drop table limit_slots; drop table limit_requests; delete from engine_schema where version = 2");
            await downgrade.ExecuteNonQueryAsync();
        }

        using var store = await PostgresKeyStore.OpenAsync(uri);

        Assert.Equal(new AccountLimits(2, null, null), (await store.AuthenticateAsync(key, default))!.Limits);
        Assert.Equal(PostgresSchema.Latest, await ScalarAsync(store, "select max(version) from engine_schema"));
        Assert.Equal(0, await ScalarAsync(store, "select count(*) from limit_slots"));
    }

    [Fact]
    public async Task MigratesOnce_WhenReplicasStartTogether()
    {
        var uri = await stores.CreateDatabaseAsync();

        var opened = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresKeyStore.OpenAsync(uri)));

        Assert.Equal(PostgresSchema.Latest, await ScalarAsync(opened[0], "select count(*) from engine_schema"));
        foreach (var store in opened) store.Dispose();
    }

    [Fact]
    public async Task ReportsTheUnreachableServer_WhenOpening()
    {
        var port = StoreServers.FreePort();

        var e = await Assert.ThrowsAsync<KeyDatabaseUnavailableException>(() =>
            KeyDatabases.OpenAsync($"postgres://engine:secret@127.0.0.1:{port}/nothing"));

        Assert.Contains($"postgres://engine:***@127.0.0.1:{port}/nothing", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
        NpgsqlConnection.ClearAllPools();
    }
}
