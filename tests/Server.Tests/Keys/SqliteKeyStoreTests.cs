using Server.Keys;
using Server.Tests.Fakes;

namespace Server.Tests.Keys;

public sealed class SqliteKeyStoreTests
{
    [Fact]
    public void AuthenticatesCreatedKey_WithItsLimitsModelsAndOverrides()
    {
        using var temp = new TempKeyStore();
        var limits = new AccountLimits(2, 30, new Quota(5, TimeSpan.FromDays(2)));
        var (record, key) = temp.Store.Create("alice", limits, ["tiny"], """{"temperature": 0.5}""");

        var caller = temp.Store.Authenticate(key);

        Assert.NotNull(caller);
        Assert.Equal($"key-{record.Id}", caller.AccountId);
        Assert.Equal("alice", caller.KeyName);
        Assert.Equal(limits, caller.Limits);
        Assert.True(caller.MayUse("tiny"));
        Assert.False(caller.MayUse("tiny-lora"));
        Assert.Equal(["temperature"], caller.Overrides.Names);
    }

    [Fact]
    public void RejectsWrongRevokedAndMalformedKeys()
    {
        using var temp = new TempKeyStore();
        var (record, key) = temp.Store.Create("bob", AccountLimits.Unlimited, null, null);
        // Same prefix, different last digit: found by the prefix lookup, refused by the hash.
        var tampered = key[..^1] + (key[^1] == '0' ? '1' : '0');

        Assert.Null(temp.Store.Authenticate(tampered));
        Assert.Null(temp.Store.Authenticate("sk-short"));
        Assert.Null(temp.Store.Authenticate(""));
        Assert.NotNull(temp.Store.Authenticate(key));
        Assert.True(temp.Store.Revoke(record.Id));
        Assert.Null(temp.Store.Authenticate(key));
        Assert.False(temp.Store.Revoke(record.Id));
    }

    [Fact]
    public void StoresNoSecret_OnlySaltedHashes()
    {
        using var temp = new TempKeyStore();
        var key = temp.NewKey();
        var secretTail = key[(ApiKeySecret.Scheme.Length + ApiKeySecret.PrefixLength)..];

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var file = File.ReadAllBytes(temp.Path);

        Assert.Matches("^sk-[0-9a-f]{64}$", key);
        Assert.DoesNotContain(secretTail, System.Text.Encoding.Latin1.GetString(file), StringComparison.Ordinal);
        Assert.DoesNotContain(secretTail, temp.Store.List().Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ListsKeysWithoutSecrets_AndMarksRevoked()
    {
        using var temp = new TempKeyStore();
        temp.NewKey(name: "a");
        var (b, _) = temp.Store.Create("b", new AccountLimits(1, null, null), null, null);
        temp.Store.Revoke(b.Id);

        var list = temp.Store.List();

        Assert.Equal(["a", "b"], list.Select(k => k.Name));
        Assert.Null(list[0].RevokedAt);
        Assert.NotNull(list[1].RevokedAt);
        Assert.Equal(1, list[1].Limits.Parallel);
    }

    [Fact]
    public void Throws_WhenOverridesAreNotAnObject()
    {
        using var temp = new TempKeyStore();

        Assert.Throws<FormatException>(() => temp.Store.Create("x", AccountLimits.Unlimited, null, "[1]"));
    }

    [Theory]
    [InlineData("5/2d", 5, 2 * 24 * 3600)]
    [InlineData("100/1h", 100, 3600)]
    [InlineData("3/90s", 3, 90)]
    [InlineData("7/1.5m", 7, 90)]
    public void ParsesQuota(string text, int requests, double seconds)
    {
        var quota = Quota.Parse(text);

        Assert.Equal(requests, quota.Requests);
        Assert.Equal(TimeSpan.FromSeconds(seconds), quota.Period);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("x/1d")]
    [InlineData("5/2w")]
    [InlineData("5/-1d")]
    public void Throws_WhenQuotaMalformed(string text) => Assert.Throws<FormatException>(() => Quota.Parse(text));
}
