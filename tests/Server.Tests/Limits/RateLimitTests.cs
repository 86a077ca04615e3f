using System.Net;
using Server.Keys;
using Server.Tests.Fakes;

namespace Server.Tests.Limits;

/// <summary>Per-account limits through the real server: exact under concurrent load, windows on a manual clock.</summary>
public sealed class RateLimitTests
{
    private const string Completion = """{"model": "tiny", "prompt": "x", "max_tokens": 1}""";

    private static Task<HttpResponseMessage[]> Fire(TestServer server, string key, int count, string json = Completion) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(_ => server.Client.SendAsync(Api.Post("/v1/completions", json, key))));

    [Fact]
    public async Task AdmitsExactlyParallelLimit_WhenFiftyRequestsArriveAtOnce()
    {
        using var keys = new TempKeyStore();
        var key = keys.NewKey(new AccountLimits(7, null, null));
        var host = new FakeModelHost { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var server = await TestServer.StartAsync(host, keys.Store);

        var pending = Enumerable.Range(0, 50).Select(_ => server.Client.SendAsync(Api.Post("/v1/completions", Completion, key))).ToList();
        // The 43 rejections answer at once; the 7 admitted wait on the gate inside the engine.
        var rejected = new List<HttpResponseMessage>();
        while (rejected.Count < 43)
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
            rejected.Add(await done);
        }
        Assert.All(rejected, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        Assert.Equal(7, host.Active);
        host.Gate.SetResult();
        var admitted = await Task.WhenAll(pending);

        Assert.All(admitted, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var sample = rejected[0];
        Assert.Equal("1", sample.Headers.GetValues("Retry-After").Single());
        Assert.Equal("7", sample.Headers.GetValues("x-ratelimit-limit-parallel").Single());
        Assert.Equal("0", sample.Headers.GetValues("x-ratelimit-remaining-parallel").Single());
        var body = System.Text.Json.JsonDocument.Parse(await sample.Content.ReadAsStringAsync()).RootElement;
        var error = Api.AssertError(body, 429, "RateLimitError", null);
        Assert.Equal("Parallel request limit reached for model `tiny` (7 in flight, limit 7).", error.GetProperty("message").GetString());
        // Finished requests free their slots.
        Assert.Equal(HttpStatusCode.OK, (await Fire(server, key, 1))[0].StatusCode);
    }

    [Fact]
    public async Task CountsParallelPerModel()
    {
        using var keys = new TempKeyStore();
        var key = keys.NewKey(new AccountLimits(1, null, null));
        var host = new FakeModelHost { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var server = await TestServer.StartAsync(host, keys.Store);

        var first = server.Client.SendAsync(Api.Post("/v1/completions", Completion, key));
        await host.FirstStarted;
        var sameModel = await server.Client.SendAsync(Api.Post("/v1/completions", Completion, key));
        var otherModel = server.Client.SendAsync(Api.Post("/v1/completions", """{"model": "tiny-lora", "prompt": "x", "max_tokens": 1}""", key));
        while (host.Active < 2) await Task.Delay(5);
        host.Gate.SetResult();

        Assert.Equal(HttpStatusCode.TooManyRequests, sameModel.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await otherModel).StatusCode);
    }

    [Fact]
    public async Task AdmitsExactlyRpm_ThenAgainAfterTheMinute()
    {
        var clock = new ManualTimeProvider();
        using var keys = new TempKeyStore();
        var key = keys.NewKey(new AccountLimits(null, 7, null));
        await using var server = await TestServer.StartAsync(keys: keys.Store, time: clock);

        var burst = await Fire(server, key, 50);
        clock.Advance(TimeSpan.FromSeconds(59.5));
        var stillLimited = (await Fire(server, key, 1))[0];
        clock.Advance(TimeSpan.FromSeconds(0.5));
        var afterWindow = await Fire(server, key, 8);

        Assert.Equal(7, burst.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(43, burst.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.TooManyRequests, stillLimited.StatusCode);
        Assert.Equal("1", stillLimited.Headers.GetValues("Retry-After").Single());
        Assert.Equal("500", stillLimited.Headers.GetValues("retry-after-ms").Single());
        Assert.Equal("500ms", stillLimited.Headers.GetValues("x-ratelimit-reset-requests").Single());
        Assert.Contains("Rate limit reached: 7 requests per minute.", await stillLimited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(7, afterWindow.Count(r => r.StatusCode == HttpStatusCode.OK));
    }

    [Fact]
    public async Task AdmitsExactlyQuota_PerTwoDayWindow()
    {
        var clock = new ManualTimeProvider();
        using var keys = new TempKeyStore();
        var key = keys.NewKey(new AccountLimits(null, null, Quota.Parse("5/2d")));
        await using var server = await TestServer.StartAsync(keys: keys.Store, time: clock);

        var burst = await Fire(server, key, 20);
        clock.Advance(TimeSpan.FromDays(1));
        var nextDay = (await Fire(server, key, 1))[0];
        clock.Advance(TimeSpan.FromDays(1));
        var afterWindow = await Fire(server, key, 6);

        Assert.Equal(5, burst.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, nextDay.StatusCode);
        Assert.Equal("86400", nextDay.Headers.GetValues("Retry-After").Single());
        Assert.Equal("false", nextDay.Headers.GetValues("x-should-retry").Single());
        Assert.Equal("24h0m0s", nextDay.Headers.GetValues("x-ratelimit-reset-requests").Single());
        Assert.Contains("Quota reached for model `tiny`: 5 requests per 2 days.", await nextDay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(5, afterWindow.Count(r => r.StatusCode == HttpStatusCode.OK));
    }

    [Fact]
    public async Task ReportsRemainingRequests_OnAcceptedResponses()
    {
        var clock = new ManualTimeProvider();
        using var keys = new TempKeyStore();
        var key = keys.NewKey(new AccountLimits(4, 10, null));
        await using var server = await TestServer.StartAsync(keys: keys.Store, time: clock);

        var first = (await Fire(server, key, 1))[0];
        clock.Advance(TimeSpan.FromSeconds(12));
        var second = (await Fire(server, key, 1))[0];

        Assert.Equal("10", first.Headers.GetValues("x-ratelimit-limit-requests").Single());
        Assert.Equal("9", first.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Equal("3", first.Headers.GetValues("x-ratelimit-remaining-parallel").Single());
        Assert.Equal("8", second.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        // The oldest request leaves the window 60 − 12 = 48 s later.
        Assert.Equal("48s", second.Headers.GetValues("x-ratelimit-reset-requests").Single());
    }

    [Fact]
    public async Task DoesNotCountRejectedInvalidOrTokenizeRequests()
    {
        using var keys = new TempKeyStore();
        var key = keys.NewKey(new AccountLimits(null, 2, null));
        await using var server = await TestServer.StartAsync(keys: keys.Store);

        for (var i = 0; i < 5; i++)
        {
            await server.Client.SendAsync(Api.Post("/v1/tokenize", """{"prompt": "x"}""", key));
            await server.Client.SendAsync(Api.Post("/v1/completions", """{"model": "tiny", "prompt": "x", "top_p": 7}""", key));
        }
        var accepted = await Fire(server, key, 3);

        Assert.Equal(2, accepted.Count(r => r.StatusCode == HttpStatusCode.OK));
    }

    [Fact]
    public async Task FreesParallelSlot_WhenStreamingClientDisconnects()
    {
        using var keys = new TempKeyStore();
        var key = keys.NewKey(new AccountLimits(1, null, null));
        var host = new FakeModelHost { TokenDelay = TimeSpan.FromMilliseconds(50) };
        await using var server = await TestServer.StartAsync(host, keys.Store);
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = server.BaseAddress };

        var stream = await client.SendAsync(Api.Post("/v1/completions", """{"model": "tiny", "prompt": "x", "max_tokens": 60, "stream": true}""", key),
            HttpCompletionOption.ResponseHeadersRead);
        var blocked = (await Fire(server, key, 1))[0];
        stream.Dispose();
        await host.FirstCancelled.WaitAsync(TimeSpan.FromSeconds(10));
        HttpResponseMessage after;
        do after = (await Fire(server, key, 1))[0];
        while (after.StatusCode == HttpStatusCode.TooManyRequests && await Task.Delay(10).ContinueWith(_ => true));

        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
