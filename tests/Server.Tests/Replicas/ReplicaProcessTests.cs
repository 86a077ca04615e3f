using System.Net;
using System.Text.RegularExpressions;
using Server.Tests.Fakes;

namespace Server.Tests.Replicas;

/// <summary>
/// Two <c>engine serve</c> processes on 127.0.0.1 behind no balancer, sharing one PostgreSQL key database and one Redis
/// (or PostgreSQL alone), with keys made by the <c>engine keys</c> command: every limit holds across both exactly,
/// revocation reaches both at once, and a killed replica's slots come back after their lease.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed partial class ReplicaProcessTests(StoreServers stores)
{
    private const string Model = "builtin-random-tiny";
    private const string Short = $$"""{"model": "{{Model}}", "prompt": "x", "max_tokens": 1}""";
    // 32 choices × 480 tokens with 20 logprobs each: about 8 MB of SSE, twice what the loopback socket buffers (4 MiB
    // send, 128 KiB receive while the client reads nothing) and Kestrel's 64 KiB pipe hold, so a stream whose client
    // reads nothing cannot end: it stays in flight until the client reads or leaves.
    private const string Long = $$"""{"model": "{{Model}}", "prompt": "x", "max_tokens": 480, "ignore_eos": true, "n": 32, "logprobs": 20, "stream": true}""";
    // Long enough that renewals (every third of it) keep slots alive on a loaded 2-core CI machine.
    private const string SlotLease = "4";

    public static TheoryData<string> Modes => ["redis", "postgres"];

    private sealed class Replicas(string database, EngineProcess[] servers) : IAsyncDisposable
    {
        public string Database { get; } = database;

        public EngineProcess[] Servers { get; } = servers;

        public async ValueTask DisposeAsync()
        {
            foreach (var server in Servers) await server.DisposeAsync();
        }
    }

    private string[] ServeArgs(string mode, string database) => mode == "redis"
        ? ["--keys-db", database, "--limits-redis", stores.Redis, "--slot-lease", SlotLease]
        : ["--keys-db", database, "--slot-lease", SlotLease];

    private Task<Replicas> PairAsync(string mode) => stores.SharedAsync("replicas-" + mode, async () =>
    {
        var database = await stores.CreateDatabaseAsync();
        var servers = await Task.WhenAll(EngineProcess.ServeAsync(ServeArgs(mode, database)), EngineProcess.ServeAsync(ServeArgs(mode, database)));
        return new Replicas(database, servers);
    });

    /// <summary><c>engine keys create</c> against the shared database; returns the key and its id.</summary>
    private static async Task<(string Key, long Id)> CreateKeyAsync(string database, string name, params string[] limits)
    {
        var (stdout, stderr, exit) = await EngineProcess.RunAsync(["keys", "create", "--db", database, "--name", name, .. limits]);
        Assert.True(exit == 0, $"engine keys create exited with {exit}: {stderr}");
        var id = long.Parse(CreatedId().Match(stderr).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return (stdout.Trim(), id);
    }

    private static async Task KeysAsync(params string[] args)
    {
        var (_, stderr, exit) = await EngineProcess.RunAsync(["keys", .. args]);
        Assert.True(exit == 0, $"engine keys {string.Join(' ', args)} exited with {exit}: {stderr}");
    }

    [GeneratedRegex(@"Created key (\d+) ")]
    private static partial Regex CreatedId();

    private static HttpRequestMessage Request(string json, string key, string? team = null)
    {
        var request = Api.Post("/v1/completions", json, key);
        if (team is not null) request.Headers.Add("X-Friendli-Team", team);
        return request;
    }

    private static Task<HttpResponseMessage[]> Alternate(Replicas pair, int count, Func<int, HttpRequestMessage> request) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(i => pair.Servers[i % 2].Client.SendAsync(request(i))));

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task HoldsExactlyTwoInFlight_WhenFortyRequestsHitBothReplicasAtOnce(string mode)
    {
        var pair = await PairAsync(mode);
        var (key, _) = await CreateKeyAsync(pair.Database, "parallel", "--parallel", "2");

        // Headers only: an admitted stream then stays in flight, its client reading nothing, until it is drained.
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            pair.Servers[i % 2].Client.SendAsync(Request(Long, key), HttpCompletionOption.ResponseHeadersRead)));
        var admitted = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        var rejected = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        var rejection = rejected.Count > 0 ? await rejected[0].Content.ReadAsStringAsync() : "";
        // The clients leave: each replica aborts its stream and frees the slot.
        foreach (var response in responses) response.Dispose();
        var afterwards = new List<HttpResponseMessage>();
        for (var tries = 0; afterwards.Count < 2 && tries < 600; tries++)
        {
            var response = await pair.Servers[afterwards.Count].Client.SendAsync(Request(Short, key));
            if (response.StatusCode == HttpStatusCode.OK) afterwards.Add(response);
            else await Task.Delay(20);
        }

        var statuses = string.Join(",", responses.Select(r => (int)r.StatusCode));
        Assert.True(admitted.Count == 2 && rejected.Count == 38, $"statuses: {statuses}");
        Assert.Contains($"Parallel request limit reached for model `{Model}` (2 in flight, limit 2).", rejection, StringComparison.Ordinal);
        // Both slots came back: one request on each replica is admitted again (the two at once would need both).
        Assert.Equal(2, afterwards.Count);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AdmitsExactlySevenOfFortyAcrossBothReplicas_WithRpmSeven(string mode)
    {
        var pair = await PairAsync(mode);
        var (key, _) = await CreateKeyAsync(pair.Database, "rpm", "--rpm", "7");

        var responses = await Alternate(pair, 40, _ => Request(Short, key));

        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(33, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task AdmitsExactlyTheQuotaAcrossBothReplicas()
    {
        var pair = await PairAsync("redis");
        var (key, _) = await CreateKeyAsync(pair.Database, "quota", "--quota", "4/1d");

        var responses = await Alternate(pair, 20, _ => Request(Short, key));

        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var refused = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Contains($"Quota reached for model `{Model}`: 4 requests per 1 day.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdmitsExactlyTheTeamLimitAcrossBothReplicasAndBothMemberKeys()
    {
        var pair = await PairAsync("redis");
        var (first, _) = await CreateKeyAsync(pair.Database, "carol");
        var (second, _) = await CreateKeyAsync(pair.Database, "carol");
        var team = "team-" + Guid.NewGuid().ToString("N")[..8];
        await KeysAsync("team-create", "--db", pair.Database, "--name", team, "--rpm", "3");
        await KeysAsync("team-add", "--db", pair.Database, "--team", team, "--key", "carol");

        var responses = await Alternate(pair, 12, i => Request(Short, i % 4 < 2 ? first : second, team));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task RefusesARevokedKeyOnBothReplicas_FromTheNextRequestOn()
    {
        var pair = await PairAsync("redis");
        var (key, id) = await CreateKeyAsync(pair.Database, "revoked");
        var before = await Alternate(pair, 2, _ => Request(Short, key));

        await KeysAsync("revoke", "--db", pair.Database, "--id", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var after = await Alternate(pair, 2, _ => Request(Short, key));

        Assert.All(before, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(after, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
    }

    [Fact]
    public async Task GivesBackTheSlotsOfAKilledReplica_AfterTheirLease()
    {
        var pair = await PairAsync("redis");
        var (key, _) = await CreateKeyAsync(pair.Database, "killed", "--parallel", "2");
        await using var doomed = await EngineProcess.ServeAsync(ServeArgs("redis", pair.Database));
        var held = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            doomed.Client.SendAsync(Request(Long, key), HttpCompletionOption.ResponseHeadersRead)));
        Assert.All(held, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var beforeKill = await pair.Servers[1].Client.SendAsync(Request(Short, key));
        var leasedAt = DateTime.UtcNow;

        await doomed.KillAsync();
        var whileLeased = await pair.Servers[0].Client.SendAsync(Request(Short, key));
        var leasedFor = DateTime.UtcNow - leasedAt;
        HttpResponseMessage after;
        var tries = 0;
        do after = await pair.Servers[tries++ % 2].Client.SendAsync(Request(Short, key));
        while (after.StatusCode == HttpStatusCode.TooManyRequests && tries < 600 && await Task.Delay(50).ContinueWith(_ => true));
        foreach (var response in held) response.Dispose();

        Assert.Equal(HttpStatusCode.TooManyRequests, beforeKill.StatusCode);
        Assert.True(whileLeased.StatusCode == HttpStatusCode.TooManyRequests,
            $"{(int)whileLeased.StatusCode} {leasedFor.TotalSeconds:0.0} s after the slots were taken: {await whileLeased.Content.ReadAsStringAsync()}");
        Assert.True(after.StatusCode == HttpStatusCode.OK, $"{(int)after.StatusCode} after {tries} tries: {await after.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task ServesVllmMetricsAndTheOpenApiDocument()
    {
        var pair = await PairAsync("redis");
        var (key, _) = await CreateKeyAsync(pair.Database, "metrics");
        Assert.Equal(HttpStatusCode.OK, (await pair.Servers[0].Client.SendAsync(Request(Short, key))).StatusCode);

        var metrics = await pair.Servers[0].Client.GetStringAsync("/metrics");
        var openapi = System.Text.Json.JsonDocument.Parse(await pair.Servers[0].Client.GetStringAsync("/openapi.json")).RootElement;

        foreach (var name in new[] { "vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:gpu_cache_usage_perc" })
            Assert.Contains($"# TYPE {name} gauge\n{name}{{model_name=\"{Model}\"}} ", metrics, StringComparison.Ordinal);
        foreach (var name in new[] { "vllm:time_to_first_token_seconds", "vllm:time_per_output_token_seconds", "vllm:e2e_request_latency_seconds" })
            Assert.Contains($"# TYPE {name} histogram\n", metrics, StringComparison.Ordinal);
        Assert.Matches(@"vllm:prompt_tokens_total\{model_name=""builtin-random-tiny""\} [1-9]", metrics);
        Assert.Matches(@"vllm:generation_tokens_total\{model_name=""builtin-random-tiny""\} [1-9]", metrics);
        Assert.Matches(@"vllm:e2e_request_latency_seconds_count\{model_name=""builtin-random-tiny""\} [1-9]", metrics);
        Assert.StartsWith("3.", openapi.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = openapi.GetProperty("paths");
        foreach (var path in new[] { "/v1/completions", "/v1/chat/completions", "/v1/models", "/v1/tokenize", "/health", "/metrics" })
            Assert.True(paths.TryGetProperty(path, out _), $"/openapi.json lacks {path}");
    }
}
