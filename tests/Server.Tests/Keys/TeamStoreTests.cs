using Microsoft.Data.Sqlite;
using Server.Cli;
using Server.Keys;
using Server.Tests.Fakes;

namespace Server.Tests.Keys;

/// <summary>Teams and memberships in the SQLite key database, and the <c>engine keys team-*</c> commands.</summary>
public sealed class TeamStoreTests
{
    [Fact]
    public void ResolvesMemberToTeamAccount_WithTheTeamsLimitsModelsAndOverrides()
    {
        using var temp = new TempKeyStore();
        var key = temp.NewKey(new AccountLimits(1, 1, null), ["tiny"], name: "alice");
        var limits = new AccountLimits(4, 60, new Quota(5, TimeSpan.FromDays(2)));
        var team = temp.Store.CreateTeam("acme", limits, ["tiny-lora"], """{"temperature": 0.3}""");
        Assert.True(temp.Store.AddMember("acme", "alice"));

        var caller = temp.Store.AsTeam(temp.Store.Authenticate(key)!, "acme");

        Assert.NotNull(caller);
        Assert.Equal($"team-{team.Id}", caller.AccountId);
        Assert.Equal("alice", caller.KeyName);
        Assert.Equal("acme", caller.Team);
        Assert.Equal(limits, caller.Limits);
        Assert.True(caller.MayUse("tiny-lora"));
        Assert.False(caller.MayUse("tiny"));
        Assert.Equal(["temperature"], caller.Overrides.Names);
    }

    [Fact]
    public void MembershipCoversEveryKeyOfTheOwner_AndEndsWithRemoval()
    {
        using var temp = new TempKeyStore();
        temp.NewKey(name: "alice");
        temp.Store.CreateTeam("acme", AccountLimits.Unlimited, null, null);
        temp.Store.AddMember("acme", "alice");
        var later = temp.Store.Authenticate(temp.NewKey(name: "alice"))!;
        var bob = temp.Store.Authenticate(temp.NewKey(name: "bob"))!;

        Assert.NotNull(temp.Store.AsTeam(later, "acme"));
        Assert.Null(temp.Store.AsTeam(bob, "acme"));
        Assert.Null(temp.Store.AsTeam(later, "ACME"));
        Assert.False(temp.Store.AddMember("acme", "alice"));
        Assert.True(temp.Store.RemoveMember("acme", "alice"));
        Assert.False(temp.Store.RemoveMember("acme", "alice"));
        Assert.Null(temp.Store.AsTeam(later, "acme"));
    }

    [Fact]
    public void DeletingTeamDropsItsMemberships()
    {
        using var temp = new TempKeyStore();
        var alice = temp.Store.Authenticate(temp.NewKey(name: "alice"))!;
        temp.Store.CreateTeam("acme", AccountLimits.Unlimited, null, null);
        temp.Store.AddMember("acme", "alice");

        Assert.True(temp.Store.DeleteTeam("acme"));
        Assert.False(temp.Store.DeleteTeam("acme"));
        temp.Store.CreateTeam("acme", AccountLimits.Unlimited, null, null);

        // A new team of the same name does not inherit the old members.
        Assert.Null(temp.Store.AsTeam(alice, "acme"));
        Assert.Empty(temp.Store.ListTeams().Single().Members);
    }

    [Fact]
    public void Throws_WhenTeamDuplicatedBlankOrMemberUnknown()
    {
        using var temp = new TempKeyStore();
        temp.NewKey(name: "alice");
        temp.Store.CreateTeam("acme", AccountLimits.Unlimited, null, null);

        Assert.Throws<InvalidOperationException>(() => temp.Store.CreateTeam("acme", AccountLimits.Unlimited, null, null));
        Assert.Throws<FormatException>(() => temp.Store.CreateTeam(" padded", AccountLimits.Unlimited, null, null));
        Assert.Throws<FormatException>(() => temp.Store.CreateTeam("", AccountLimits.Unlimited, null, null));
        Assert.Throws<FormatException>(() => temp.Store.CreateTeam("x", AccountLimits.Unlimited, null, "[1]"));
        Assert.Throws<InvalidOperationException>(() => temp.Store.AddMember("acme", "nobody"));
        Assert.Throws<InvalidOperationException>(() => temp.Store.AddMember("nope", "alice"));
    }

    [Fact]
    public void OpensDatabaseWrittenBeforeTeams_KeepingItsKeys()
    {
        var path = Path.Combine(Path.GetTempPath(), $"engine-keys-old-{Guid.NewGuid():N}.db");
        try
        {
            var key = new SqliteKeyStore(path).Create("alice", new AccountLimits(2, null, null), null, null).Key;
            // Turn it into a database of the previous schema: api_keys only.
            using (var connection = new SqliteConnection($"Data Source={path}"))
            {
                connection.Open();
                using var drop = connection.CreateCommand();
                drop.CommandText = "drop table teams; drop table team_members;";
                drop.ExecuteNonQuery();
            }
            SqliteConnection.ClearAllPools();

            var store = new SqliteKeyStore(path);
            var alice = store.Authenticate(key);
            store.CreateTeam("acme", AccountLimits.Unlimited, null, null);
            store.AddMember("acme", "alice");

            Assert.Equal(new AccountLimits(2, null, null), alice!.Limits);
            Assert.NotNull(store.AsTeam(alice, "acme"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public void TeamCommandsCreateAddListAndRemove()
    {
        using var temp = new TempKeyStore();
        var alice = temp.Store.Authenticate(temp.NewKey(name: "alice"))!;
        int Run(params string[] args) => EngineCli.Build().Parse(["keys", .. args, "--db", temp.Path]).Invoke();

        Assert.Equal(0, Run("team-create", "--name", "acme", "--parallel", "3", "--rpm", "30", "--quota", "5/2d", "--models", "tiny,tiny-lora",
            "--overrides", """{"top_k": 4}"""));
        Assert.Equal(2, Run("team-create", "--name", "acme"));
        Assert.Equal(2, Run("team-add", "--team", "acme", "--key", "nobody"));
        Assert.Equal(0, Run("team-add", "--team", "acme", "--key", "alice"));
        Assert.Equal(1, Run("team-add", "--team", "acme", "--key", "alice"));
        Assert.Equal(0, Run("team-list"));

        var team = temp.Store.ListTeams().Single();
        Assert.Equal(new AccountLimits(3, 30, new Quota(5, TimeSpan.FromDays(2))), team.Limits);
        Assert.Equal(["tiny", "tiny-lora"], team.Models);
        Assert.Equal(["alice"], team.Members);
        Assert.NotNull(temp.Store.AsTeam(alice, "acme"));

        Assert.Equal(0, Run("team-remove", "--team", "acme", "--key", "alice"));
        Assert.Equal(1, Run("team-remove", "--team", "acme", "--key", "alice"));
        Assert.Null(temp.Store.AsTeam(alice, "acme"));
        Assert.Equal(0, Run("team-delete", "--team", "acme"));
        Assert.Equal(1, Run("team-delete", "--team", "acme"));
    }
}
