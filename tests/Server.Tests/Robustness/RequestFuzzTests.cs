using System.Net;
using Bench.Fuzz;
using Server.Hosting;
using Server.Tests.Fakes;

namespace Server.Tests.Robustness;

/// <summary>
/// Seeded fuzzing of every request field the specs name (issue 13) against the real engine behind a real Kestrel:
/// four clients at once, each a reproducible <see cref="RequestFuzzer"/> stream. The oracle is api.md itself: no 5xx,
/// every error in the §4.1 shape, streams well framed, and afterwards the server healthy with nothing left queued.
/// Bounded by count (and, on a slow machine, by a time budget that only ends the loop early; nothing asserts time).
/// The long run is <c>dotnet run -c Release --project bench -- fuzz-soak</c>.
/// </summary>
public sealed class RequestFuzzTests
{
    private const int Seed = 13;
    private const int Clients = 4;
    private const int CasesPerClient = 150;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(25);

    // small caps, so a fuzzed n or best_of costs the test little; the caps' own answers are part of what is checked
    private static readonly ServerOptions Options = new() { MaxN = 8, MaxSequencesPerRequest = 16, MaxGuidedChars = 16 * 1024 };

    [Fact]
    public async Task FuzzedRequests_NeverGet5xx_AndErrorsKeepTheShape_AndTheServerStaysHealthy()
    {
        var fields = RequestFuzzer.FieldsOf(
            File.ReadAllText(SharedFiles.PathOf("spec", "api.md")), File.ReadAllText(SharedFiles.PathOf("spec", "samplers.md")));
        Assert.Contains("repetition_penalty", fields);
        Assert.Contains("guided_regex", fields);
        Assert.Contains("messages", fields);
        using var host = BuiltinEngine.Load();
        await using var server = await TestServer.StartAsync(host, options: Options);
        var deadline = DateTime.UtcNow + Budget;

        var problems = await Task.WhenAll(Enumerable.Range(0, Clients).Select(async client =>
        {
            var fuzzer = new RequestFuzzer(Seed * 1000 + client, BuiltinEngine.Model, fields);
            var found = new List<string>();
            var statuses = new List<int>();
            for (var i = 0; i < CasesPerClient && DateTime.UtcNow < deadline; i++)
            {
                var fuzz = fuzzer.Next();
                using var response = await server.Client.SendAsync(Api.Post(fuzz.Path, fuzz.Body));
                var text = await response.Content.ReadAsStringAsync();
                statuses.Add((int)response.StatusCode);
                if (RequestFuzzer.Problem((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text) is { } problem)
                    found.Add($"client {client} case {i}: POST {fuzz.Path} {Cut(fuzz.Body)} → {problem}");
            }
            return (found, statuses);
        }));

        Assert.Empty(problems.SelectMany(p => p.found));
        // the mutations are neither all rejected nor all harmless: both paths were exercised
        var all = problems.SelectMany(p => p.statuses).ToList();
        Assert.Contains(200, all);
        Assert.Contains(400, all);
        await ReproducerTests.AssertHealthyAsync(server);
        // nothing leaked into the engine: every fuzzed sequence finished or was aborted
        for (var wait = 0; wait < 100 && host.Stats.Running + host.Stats.Waiting > 0; wait++)
            await Task.Delay(50);
        Assert.Equal(0, host.Stats.Running + host.Stats.Waiting);
    }

    [Fact]
    public async Task HealthyStreams_FinishIntact_BesideTheIssuesPoisonedRequests()
    {
        using var host = BuiltinEngine.Load();
        await using var server = await TestServer.StartAsync(host);
        string[] poisoned =
        [
            """{"prompt":"x","max_tokens":12,"repetition_penalty":1e-45}""",
            """{"prompt":"x","max_tokens":12,"smoothing_curve":1e+38,"smoothing_factor":1.0}""",
            """{"prompt":"x","max_tokens":8,"temperature":1e400,"guided_regex":"a+"}""",
            """{"prompt":"x","max_tokens":8,"temperature":3e38,"guided_regex":"a+"}""",
            """{"prompt":"x","max_tokens":8,"best_of":2147483647,"temperature":1}""",
            """{"prompt":"\ud800","max_tokens":8}""",
        ];

        var healthy = Enumerable.Range(0, 6).Select(i => server.Client.SendAsync(Api.Post("/v1/completions",
            $$"""{"model":"{{BuiltinEngine.Model}}","prompt":"Hello {{i}}","max_tokens":40,"temperature":0.9,"seed":{{i}},"ignore_eos":true,"stream":true}"""))).ToArray();
        var poison = poisoned.Select(body => Api.PostAsync(server.Client, "/v1/completions",
            body.Replace("{\"", $"{{\"model\":\"{BuiltinEngine.Model}\",\"", StringComparison.Ordinal))).ToArray();

        foreach (var (status, _, _) in await Task.WhenAll(poison))
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"a poisoned request got {(int)status}");
        foreach (var response in await Task.WhenAll(healthy))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var events = Api.SseData(await response.Content.ReadAsStringAsync());
            Assert.Equal("[DONE]", events[^1]);
            Assert.DoesNotContain(events, e => e.Contains("\"error\"", StringComparison.Ordinal));
            var last = System.Text.Json.JsonDocument.Parse(events[^2]).RootElement.GetProperty("choices")[0];
            Assert.Equal("length", last.GetProperty("finish_reason").GetString());
        }
        await ReproducerTests.AssertHealthyAsync(server);
    }

    private static string Cut(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
