using System.Net;
using Server.Keys;
using Server.Limits;
using Server.Tests.Fakes;

namespace Server.Tests.Replicas;

/// <summary>
/// A shared store that goes away: requests that need it get 503 with Retry-After (none let through unlimited),
/// /health names the store that is down, and both recover by themselves when it returns.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class StoreOutageTests(StoreServers stores)
{
    private const string Completion = """{"model": "tiny", "prompt": "x", "max_tokens": 1}""";

    /// <summary>Polls (bounded) until the server answers <paramref name="path"/> with 200 again.</summary>
    private static async Task<HttpStatusCode> RecoveredAsync(Func<Task<HttpResponseMessage>> send)
    {
        HttpStatusCode status = 0;
        for (var i = 0; i < 300 && status != HttpStatusCode.OK; i++)
        {
            if (i > 0) await Task.Delay(100);
            status = (await send()).StatusCode;
        }
        return status;
    }

    [Fact]
    public async Task Answers503NamingRedis_WhileItIsDown_AndServesAgainWhenItReturns()
    {
        await SharedStores.FlushRedisAsync(stores);
        using var keys = await PostgresKeyStore.OpenAsync(await stores.CreateDatabaseAsync());
        await using var limiter = (RedisRateLimiter)await SharedStores.LimiterAsync("redis", stores, keys, TimeSpan.FromSeconds(30));
        await using var server = await TestServer.StartAsync(keys: keys, limiter: limiter);
        var limited = keys.Create("limited", new AccountLimits(2, 100, null), null, null).Key;
        var unlimited = keys.Create("free", AccountLimits.Unlimited, null, null).Key;
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(Api.Post("/v1/completions", Completion, limited))).StatusCode);

        await stores.StopRedisAsync();
        HttpResponseMessage refused, free, health;
        try
        {
            refused = await server.Client.SendAsync(Api.Post("/v1/completions", Completion, limited));
            free = await server.Client.SendAsync(Api.Post("/v1/completions", Completion, unlimited));
            health = await server.Client.GetAsync("/health");
        }
        finally
        {
            await stores.StartRedisAsync();
        }
        var recovered = await RecoveredAsync(() => server.Client.SendAsync(Api.Post("/v1/completions", Completion, limited)));
        var healthy = await server.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        var error = Api.AssertError(System.Text.Json.JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement, 503, "ServiceUnavailableError", null);
        Assert.Contains($"Redis limit store at 127.0.0.1:{stores.RedisPort} is unreachable", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        // A key without limits needs no counters: it is served while Redis is away.
        Assert.Equal(HttpStatusCode.OK, free.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var healthText = await health.Content.ReadAsStringAsync();
        Assert.Contains($"Redis limit store at 127.0.0.1:{stores.RedisPort}", healthText, StringComparison.Ordinal);
        Assert.DoesNotContain("PostgreSQL", healthText, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, recovered);
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("postgres")]
    public async Task Answers503NamingPostgres_WhileItIsDown_AndServesAgainWhenItReturns(string limits)
    {
        await SharedStores.FlushRedisAsync(stores);
        using var keys = await PostgresKeyStore.OpenAsync(await stores.CreateDatabaseAsync());
        var limiter = await SharedStores.LimiterAsync(limits, stores, keys, TimeSpan.FromSeconds(30));
        await using var server = await TestServer.StartAsync(keys: keys, limiter: limiter);
        var key = keys.Create("alice", new AccountLimits(null, 100, null), null, null).Key;
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(Api.Post("/v1/completions", Completion, key))).StatusCode);

        await stores.StopPostgresAsync();
        HttpResponseMessage refused, models, health;
        try
        {
            refused = await server.Client.SendAsync(Api.Post("/v1/completions", Completion, key));
            models = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { { "Authorization", "Bearer " + key } } });
            health = await server.Client.GetAsync("/health");
        }
        finally
        {
            await stores.StartPostgresAsync();
        }
        var recovered = await RecoveredAsync(() => server.Client.SendAsync(Api.Post("/v1/completions", Completion, key)));
        var healthy = await server.Client.GetAsync("/health");
        await ((IAsyncDisposable)limiter).DisposeAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        var message = await refused.Content.ReadAsStringAsync();
        Assert.Contains($"PostgreSQL key store at 127.0.0.1:{stores.PostgresPort}/", message, StringComparison.Ordinal);
        // Authentication itself needs the key store: no request passes unauthenticated.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, models.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("PostgreSQL key store", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, recovered);
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    [Fact]
    public async Task CountsARunningRequestsSlotAgain_AfterRedisLostItInARestart()
    {
        await SharedStores.FlushRedisAsync(stores);
        using var keys = await PostgresKeyStore.OpenAsync(await stores.CreateDatabaseAsync());
        await using var limiter = (RedisRateLimiter)await SharedStores.LimiterAsync("redis", stores, keys, TimeSpan.FromSeconds(1));
        var host = new FakeModelHost { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var server = await TestServer.StartAsync(host, keys, limiter: limiter);
        var (record, key) = keys.Create("alice", new AccountLimits(1, null, null), null, null);
        var running = server.Client.SendAsync(Api.Post("/v1/completions", Completion, key));
        await host.FirstStarted;
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(SharedStores.RedisSpec(stores));
        var slots = $"engine:{{key-{record.Id}}}:slots:tiny";

        // Redis restarts without persistence: every counter is gone, the running request's slot too.
        await stores.StopRedisAsync();
        await stores.StartRedisAsync();
        long count = 0;
        for (var i = 0; i < 200 && count == 0; i++)
        {
            await Task.Delay(50);
            try { count = await redis.GetDatabase().SortedSetLengthAsync(slots); }
            catch (StackExchange.Redis.RedisConnectionException) { /* the test's own client is reconnecting */ }
        }
        var whileRunning = await server.Client.SendAsync(Api.Post("/v1/completions", Completion, key));
        host.Gate.SetResult();

        Assert.Equal(1, count);
        Assert.Equal(HttpStatusCode.TooManyRequests, whileRunning.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await running).StatusCode);
    }
}
