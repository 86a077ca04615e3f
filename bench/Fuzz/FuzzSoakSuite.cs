using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Bench.Fuzz;

/// <summary>
/// The long fuzz run (issue 13) against a running <c>engine serve</c>: <c>--url</c> (default http://127.0.0.1:8000),
/// <c>--cases N</c> per client (default 2000), <c>--clients C</c> (4), <c>--seed S</c> (13), <c>--model</c> (the first of
/// /v1/models), <c>--key</c>, <c>--shared DIR</c> (../shared, for the field list of the specs), <c>--out FILE</c>, <c>--verbose</c> (each case on stderr
/// before it is sent, to find a hang). The same
/// <see cref="RequestFuzzer"/> generator and oracle as the test suite's bounded run; every problem is listed with its
/// client, case number and body, so <c>--seed</c> replays it. Exit 1 when any problem was found or the server died.
/// </summary>
public static class FuzzSoakSuite
{
    public static int Run(string[] args)
    {
        string? Get(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var url = new Uri(Get("--url") ?? "http://127.0.0.1:8000");
        var (cases, clients, seed) = (Int("--cases", 2000), Int("--clients", 4), Int("--seed", 13));
        var verbose = Array.IndexOf(args, "--verbose") >= 0;
        var shared = Get("--shared") ?? Path.Combine("..", "shared");
        var fields = RequestFuzzer.FieldsOf(File.ReadAllText(Path.Combine(shared, "spec", "api.md")),
            File.ReadAllText(Path.Combine(shared, "spec", "samplers.md")));
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
        if ((Get("--key") ?? Environment.GetEnvironmentVariable("ENGINE_API_KEY")) is { } key)
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var model = Get("--model") ?? FirstModel(http);

        var clock = Stopwatch.StartNew();
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var problems = Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var fuzzer = new RequestFuzzer(seed * 1000 + client, model, fields);
            var found = new List<string>();
            for (var i = 0; i < cases; i++)
            {
                var fuzz = fuzzer.Next();
                if (verbose)
                    await Console.Error.WriteLineAsync($"client {client} case {i}: POST {fuzz.Path} {Cut(fuzz.Body)}").ConfigureAwait(false);
                try
                {
                    using var content = new StringContent(fuzz.Body, Encoding.UTF8, "application/json");
                    using var response = await http.PostAsync(new Uri(fuzz.Path, UriKind.Relative), content).ConfigureAwait(false);
                    var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                    if (RequestFuzzer.Problem((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text) is { } problem)
                        found.Add($"client {client} case {i}: POST {fuzz.Path} `{Cut(fuzz.Body)}` → {problem}");
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    found.Add($"client {client} case {i}: POST {fuzz.Path} `{Cut(fuzz.Body)}` → no answer ({e.Message})");
                }
            }
            return found;
        }))).GetAwaiter().GetResult().SelectMany(p => p).ToList();
        var healthy = http.GetAsync(new Uri("/health", UriKind.Relative)).GetAwaiter().GetResult().IsSuccessStatusCode;

        var report = new StringBuilder("# fuzz-soak\n\n");
        Common.MachineInfo.AppendHeader(report, "fuzz-soak", args);
        report.AppendLine(CultureInfo.InvariantCulture,
            $"- {clients} clients × {cases} cases (seed {seed}) against {url} model `{model}` in {clock.Elapsed.TotalSeconds:F0} s; {fields.Count} spec fields mutated");
        report.AppendLine(CultureInfo.InvariantCulture, $"- statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        report.AppendLine(CultureInfo.InvariantCulture, $"- /health afterwards: {(healthy ? "200" : "FAILED")}");
        report.AppendLine(CultureInfo.InvariantCulture, $"- problems: {problems.Count}\n");
        foreach (var p in problems.Take(200))
            report.AppendLine(CultureInfo.InvariantCulture, $"  - {p}");
        var outPath = Get("--out") ?? Path.Combine("bench", "results", "fuzz-soak.md");
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        File.WriteAllText(outPath, report.ToString());
        Console.Write(report);
        return problems.Count == 0 && healthy ? 0 : 1;
    }

    private static string FirstModel(HttpClient http)
    {
        using var doc = JsonDocument.Parse(http.GetStringAsync(new Uri("/v1/models", UriKind.Relative)).GetAwaiter().GetResult());
        return doc.RootElement.GetProperty("data")[0].GetProperty("id").GetString()!;
    }

    private static string Cut(string text) => text.Length <= 200 ? text.Replace('`', '\'') : text[..200].Replace('`', '\'') + "…";
}
