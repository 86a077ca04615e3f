using System.ClientModel;
using System.Net;
using OpenAI;
using Server.Keys;
using Server.Tests.Fakes;

namespace Server.Tests.Keys;

/// <summary>Teams through the real server (api.md §3.3): the header selects the team's account, members only.</summary>
public sealed class TeamsTests
{
    private const string Tiny = """{"model": "tiny", "prompt": "x", "max_tokens": 1}""";

    private static HttpRequestMessage Post(string key, string team, string json = Tiny, string header = "X-Friendli-Team")
    {
        var request = Api.Post("/v1/completions", json, key);
        request.Headers.Add(header, team);
        return request;
    }

    [Fact]
    public async Task RunsAsTeam_WithItsModelsAndOverrides_WhenHeaderNamesTeam()
    {
        using var keys = new TempKeyStore();
        var alice = keys.NewKey(overrides: """{"max_tokens": 5}""", name: "alice");
        keys.Store.CreateTeam("acme", AccountLimits.Unlimited, ["tiny"], """{"max_tokens": 2}""");
        keys.Store.AddMember("acme", "alice");
        await using var server = await TestServer.StartAsync(keys: keys.Store);

        var asTeam = await server.Client.SendAsync(Post(alice, "acme", """{"model": "tiny", "prompt": "x", "max_tokens": 9}"""));
        var teamOtherModel = await server.Client.SendAsync(Post(alice, "acme", """{"model": "tiny-lora", "prompt": "x"}"""));
        var own = await Api.PostAsync(server.Client, "/v1/completions", """{"model": "tiny-lora", "prompt": "x", "max_tokens": 9}""", alice);

        Assert.Equal(HttpStatusCode.OK, asTeam.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, teamOtherModel.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.Status);
        // The team's override (2) applied with the header, the key's own (5) without it.
        Assert.Equal([2, 5], server.Host.Requests.Select(r => r.MaxTokens));
        var body = System.Text.Json.JsonDocument.Parse(await teamOtherModel.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Your account does not have access to model `tiny-lora`.",
            Api.AssertError(body, 403, "PermissionDeniedError", "model").GetProperty("message").GetString());
    }

    [Fact]
    public async Task ListsTeamModels_WhenHeaderNamesTeam()
    {
        using var keys = new TempKeyStore();
        var alice = keys.NewKey(name: "alice");
        keys.Store.CreateTeam("acme", AccountLimits.Unlimited, ["tiny-lora"], null);
        keys.Store.AddMember("acme", "alice");
        await using var server = await TestServer.StartAsync(keys: keys.Store);

        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Authorization = new("Bearer", alice);
        request.Headers.Add("X-Friendli-Team", "acme");
        var response = await server.Client.SendAsync(request);
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(["tiny-lora"], body.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Theory]
    [InlineData("nobody-team")]
    [InlineData("acme")]
    public async Task ReturnsPermissionDenied_WhenTeamUnknownOrCallerNotMember(string team)
    {
        using var keys = new TempKeyStore();
        keys.NewKey(name: "alice");
        var bob = keys.NewKey(name: "bob");
        keys.Store.CreateTeam("acme", AccountLimits.Unlimited, null, null);
        keys.Store.AddMember("acme", "alice");
        await using var server = await TestServer.StartAsync(keys: keys.Store);

        var response = await server.Client.SendAsync(Post(bob, team));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var error = Api.AssertError(body, 403, "PermissionDeniedError", null);
        Assert.Equal($"Your API key may not act for team `{team}`: no such team, or its owner is not a member.", error.GetProperty("message").GetString());
        Assert.Empty(server.Host.Requests);
    }

    [Theory]
    [InlineData("X-Friendli-Team")]
    [InlineData("OpenAI-Organization")]
    [InlineData("OpenAI-Project")]
    public async Task SelectsTeam_ByEveryHeaderSynonym(string header)
    {
        using var keys = new TempKeyStore();
        var alice = keys.NewKey(name: "alice");
        keys.Store.CreateTeam("acme", AccountLimits.Unlimited, ["tiny"], null);
        keys.Store.AddMember("acme", "alice");
        await using var server = await TestServer.StartAsync(keys: keys.Store);

        var allowed = await server.Client.SendAsync(Post(alice, "acme", Tiny, header));
        var denied = await server.Client.SendAsync(Post(alice, "acme", """{"model": "tiny-lora", "prompt": "x"}""", header));
        var stranger = await server.Client.SendAsync(Post(alice, "other", Tiny, header));

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OfficialClientProjectOrOrganizationSelectsTeam(bool organization)
    {
        using var keys = new TempKeyStore();
        var alice = keys.NewKey(name: "alice");
        keys.Store.CreateTeam("acme", AccountLimits.Unlimited, ["tiny"], null);
        keys.Store.AddMember("acme", "alice");
        await using var server = await TestServer.StartAsync(keys: keys.Store);
        OpenAIClient Client(string team) => new(new ApiKeyCredential(alice), organization
            ? new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "v1"), OrganizationId = team }
            : new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "v1"), ProjectId = team });

        var models = await Client("acme").GetOpenAIModelClient().GetModelsAsync();
        var denied = await Assert.ThrowsAsync<ClientResultException>(() => Client("other").GetOpenAIModelClient().GetModelsAsync());

        Assert.Equal(["tiny"], models.Value.Select(m => m.Id));
        Assert.Equal(403, denied.Status);
    }

    [Fact]
    public async Task AdmitsExactlyTeamParallelLimit_AcrossMembers_WhileMembersOwnAccountsStayFree()
    {
        using var keys = new TempKeyStore();
        var alice = keys.NewKey(name: "alice");
        var bob = keys.NewKey(name: "bob");
        keys.Store.CreateTeam("acme", new AccountLimits(5, null, null), null, null);
        keys.Store.AddMember("acme", "alice");
        keys.Store.AddMember("acme", "bob");
        var host = new FakeModelHost { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var server = await TestServer.StartAsync(host, keys.Store);

        var pending = Enumerable.Range(0, 40).Select(i => server.Client.SendAsync(Post(i % 2 == 0 ? alice : bob, "acme"))).ToList();
        var rejected = new List<HttpResponseMessage>();
        while (rejected.Count < 35)
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
            rejected.Add(await done);
        }
        Assert.All(rejected, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        Assert.Equal(5, host.Active);
        Assert.Equal("5", rejected[0].Headers.GetValues("x-ratelimit-limit-parallel").Single());
        // Alice's own (unlimited) account is not the team's: admitted while the team is full.
        var own = server.Client.SendAsync(Api.Post("/v1/completions", Tiny, alice));
        while (host.Active < 6) await Task.Delay(5);
        host.Gate.SetResult();

        Assert.All(await Task.WhenAll(pending), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, (await own).StatusCode);
    }

    [Fact]
    public async Task AdmitsExactlyTeamRpm_AcrossMembersUnderConcurrentLoad()
    {
        var clock = new ManualTimeProvider();
        using var keys = new TempKeyStore();
        var alice = keys.NewKey(new AccountLimits(null, 3, null), name: "alice");
        var bob = keys.NewKey(name: "bob");
        keys.Store.CreateTeam("acme", new AccountLimits(null, 7, null), null, null);
        keys.Store.AddMember("acme", "alice");
        keys.Store.AddMember("acme", "bob");
        await using var server = await TestServer.StartAsync(keys: keys.Store, time: clock);

        var burst = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => server.Client.SendAsync(Post(i % 2 == 0 ? alice : bob, "acme"))));
        var own = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => server.Client.SendAsync(Api.Post("/v1/completions", Tiny, alice))));

        Assert.Equal(7, burst.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(43, burst.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal("7", burst.First(r => r.StatusCode == HttpStatusCode.TooManyRequests).Headers.GetValues("x-ratelimit-limit-requests").Single());
        // Alice's own account counts separately, with its own limit of 3.
        Assert.Equal(3, own.Count(r => r.StatusCode == HttpStatusCode.OK));
    }

    [Fact]
    public async Task AdmitsTeamQuotaExactly_PerModel()
    {
        var clock = new ManualTimeProvider();
        using var keys = new TempKeyStore();
        var alice = keys.NewKey(name: "alice");
        keys.Store.CreateTeam("acme", new AccountLimits(null, null, new Quota(4, TimeSpan.FromDays(2))), null, null);
        keys.Store.AddMember("acme", "alice");
        await using var server = await TestServer.StartAsync(keys: keys.Store, time: clock);

        var burst = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => server.Client.SendAsync(Post(alice, "acme"))));
        var rejection = burst.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);

        Assert.Equal(4, burst.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal("false", rejection.Headers.GetValues("x-should-retry").Single());
    }
}
