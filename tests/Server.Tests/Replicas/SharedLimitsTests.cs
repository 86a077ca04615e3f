using System.Net;
using Server.Keys;
using Server.Limits;
using Server.Tests.Fakes;

namespace Server.Tests.Replicas;

/// <summary>
/// Limits held across two servers (replicas) sharing one store, each with its own limiter instance: the counts of
/// api.md §11.4 are exact over both together, in Redis and in the PostgreSQL-only mode alike.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class SharedLimitsTests(StoreServers stores)
{
    private const string Completion = """{"model": "tiny", "prompt": "x", "max_tokens": 1}""";

    public static TheoryData<string> Modes => ["redis", "postgres"];

    private sealed class Pair(PostgresKeyStore keys, IAccountLimiter[] limiters, FakeModelHost[] hosts, TestServer[] servers) : IAsyncDisposable
    {
        public PostgresKeyStore Keys { get; } = keys;

        public FakeModelHost[] Hosts { get; } = hosts;

        public TestServer[] Servers { get; } = servers;

        public IAccountLimiter[] Limiters { get; } = limiters;

        public int Active => Hosts.Sum(h => h.Active);

        public async ValueTask DisposeAsync()
        {
            foreach (var server in Servers) await server.DisposeAsync();
            foreach (var limiter in Limiters) await ((IAsyncDisposable)limiter).DisposeAsync();
            Keys.Dispose();
        }
    }

    private async Task<Pair> StartPairAsync(string mode, bool gated = false, TimeSpan? slotLease = null)
    {
        await SharedStores.FlushRedisAsync(stores);
        var keys = await PostgresKeyStore.OpenAsync(await stores.CreateDatabaseAsync());
        var limiters = new IAccountLimiter[2];
        var hosts = new FakeModelHost[2];
        var servers = new TestServer[2];
        for (var i = 0; i < 2; i++)
        {
            limiters[i] = await SharedStores.LimiterAsync(mode, stores, keys, slotLease ?? TimeSpan.FromSeconds(30));
            hosts[i] = new FakeModelHost { Gate = gated ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null };
            servers[i] = await TestServer.StartAsync(hosts[i], keys, limiter: limiters[i]);
        }
        return new Pair(keys, limiters, hosts, servers);
    }

    private static Task<HttpResponseMessage> Send(TestServer server, string key, string json = Completion, string? team = null)
    {
        var request = Api.Post("/v1/completions", json, key);
        if (team is not null) request.Headers.Add("X-Friendli-Team", team);
        return server.Client.SendAsync(request);
    }

    /// <summary>Requests 0, 1, 2, … alternate between the two replicas.</summary>
    private static Task<HttpResponseMessage[]> Alternate(Pair pair, string key, int count, string? team = null) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(i => Send(pair.Servers[i % 2], key, team: team)));

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AdmitsExactlyTheParallelLimitAcrossBothReplicas_UnderFortyConcurrentRequests(string mode)
    {
        await using var pair = await StartPairAsync(mode, gated: true);
        var key = pair.Keys.Create("alice", new AccountLimits(2, null, null), null, null).Key;

        var pending = Enumerable.Range(0, 40).Select(i => Send(pair.Servers[i % 2], key)).ToList();
        // The 38 rejections answer at once; the 2 admitted wait on the gates inside the engines.
        var rejected = new List<HttpResponseMessage>();
        while (rejected.Count < 38)
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
            rejected.Add(await done);
        }
        Assert.All(rejected, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        while (pair.Active < 2) await Task.Delay(5);
        Assert.Equal(2, pair.Active);
        Assert.Equal("0", rejected[0].Headers.GetValues("x-ratelimit-remaining-parallel").Single());
        Assert.Contains("(2 in flight, limit 2)", await rejected[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var host in pair.Hosts) host.Gate!.SetResult();
        var admitted = await Task.WhenAll(pending);

        Assert.All(admitted, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        // Finished requests gave their slots back before their responses ended.
        Assert.All(await Alternate(pair, key, 2), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AdmitsExactlyTheRpmAndTheQuotaAcrossBothReplicas(string mode)
    {
        await using var pair = await StartPairAsync(mode);
        var rpmKey = pair.Keys.Create("rpm", new AccountLimits(null, 7, null), null, null).Key;
        var quotaKey = pair.Keys.Create("quota", new AccountLimits(null, null, Quota.Parse("5/2d")), null, null).Key;

        var rpm = await Alternate(pair, rpmKey, 40);
        var quota = await Alternate(pair, quotaKey, 20);

        Assert.Equal(7, rpm.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(33, rpm.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        var limited = rpm.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Contains("Rate limit reached: 7 requests per minute.", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("0", limited.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Equal(5, quota.Count(r => r.StatusCode == HttpStatusCode.OK));
        var overQuota = quota.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Equal("false", overQuota.Headers.GetValues("x-should-retry").Single());
        // The oldest of the 5 leaves the 2-day window in (almost) 2 days: Retry-After is between 47 h and 48 h.
        var retryAfter = long.Parse(overQuota.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 47 * 3600, 48 * 3600);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task CountsTeamRequestsOfEveryMemberKeyAcrossBothReplicas(string mode)
    {
        await using var pair = await StartPairAsync(mode);
        var first = pair.Keys.Create("alice", AccountLimits.Unlimited, null, null).Key;
        var second = pair.Keys.Create("alice", AccountLimits.Unlimited, null, null).Key;
        pair.Keys.CreateTeam("acme", new AccountLimits(null, 5, null), null, null);
        pair.Keys.AddMember("acme", "alice");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Send(pair.Servers[i % 2], i % 4 < 2 ? first : second, team: "acme")));
        var own = await Alternate(pair, first, 4);

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(15, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        // The members' own accounts are unlimited and untouched by the team's count.
        Assert.All(own, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task FreesTheSlotsOfAReplicaThatStopsRenewing_OnceTheirLeaseRunsOut(string mode)
    {
        await using var pair = await StartPairAsync(mode, slotLease: TimeSpan.FromSeconds(1));
        var key = pair.Keys.Create("alice", new AccountLimits(1, null, null), null, null).Key;
        var caller = (await pair.Keys.AuthenticateAsync(key, default))!;
        // A third limiter takes the only slot and dies without releasing it (no renewals, no release).
        var dying = await SharedStores.LimiterAsync(mode, stores, pair.Keys, TimeSpan.FromSeconds(1));
        _ = await dying.AcquireAsync(caller, "tiny", default);
        await ((IAsyncDisposable)dying).DisposeAsync();

        var blocked = await Send(pair.Servers[0], key);
        HttpResponseMessage after;
        var tries = 0;
        do after = await Send(pair.Servers[tries++ % 2], key);
        while (after.StatusCode == HttpStatusCode.TooManyRequests && tries < 400 && await Task.Delay(25).ContinueWith(_ => true));

        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task KeepsASlotPastItsLease_WhileItsRequestRuns(string mode)
    {
        await using var pair = await StartPairAsync(mode, slotLease: TimeSpan.FromSeconds(2));
        var key = pair.Keys.Create("alice", new AccountLimits(1, null, null), null, null).Key;
        var caller = (await pair.Keys.AuthenticateAsync(key, default))!;
        var lease = await pair.Limiters[0].AcquireAsync(caller, "tiny", default);

        // Two lease lengths later the renewer has kept it: the other replica still finds no free slot.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var whileHeld = await Send(pair.Servers[1], key);
        await lease.DisposeAsync();
        var afterRelease = await Send(pair.Servers[1], key);

        Assert.Equal(HttpStatusCode.TooManyRequests, whileHeld.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterRelease.StatusCode);
    }
}
