using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Bench.Server;

/// <summary>
/// <c>server-load</c>: N concurrent clients against a running server's /v1/completions; reports, for streaming,
/// time-to-first-token p50/p99 and inter-token latency, for whole responses (<c>--stream false</c>) the end-to-end
/// latency, and requests/s and output tokens/s, to bench/results/server-load.md (or <c>--out FILE</c>).
/// Options: --url (default http://127.0.0.1:8000), --clients 16, --requests 64 (total), --max-tokens 64,
/// --model (default: the first of /v1/models), --key, --prompt, --stream true|false, --warmup N (sequential,
/// not counted).
/// </summary>
public static class ServerLoadSuite
{
    public static int Run(string[] args)
    {
        var options = LoadOptions.Parse(args);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Clients + 1 })
        {
            BaseAddress = new Uri(options.Url),
            Timeout = TimeSpan.FromMinutes(10),
        };
        if (options.Key is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Key);
        var model = options.Model ?? FirstModel(http);
        for (var w = 0; w < options.Warmup; w++)
            _ = OneAsync(http, model, options).GetAwaiter().GetResult();

        var samples = new List<RequestSample>();
        var next = 0;
        var wall = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, options.Clients).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= options.Requests)
            {
                var sample = await OneAsync(http, model, options).ConfigureAwait(false);
                lock (samples) samples.Add(sample);
            }
        })).ToArray();
        Task.WaitAll(clients);
        wall.Stop();

        var report = LoadReport.Render(options, model, samples, wall.Elapsed, args);
        Console.Write(report);
        var path = options.Out ?? Path.Combine(LoadReport.ResultsDirectory(), "server-load.md");
        File.WriteAllText(path, report);
        Console.Error.WriteLine($"wrote {path}");
        return samples.All(s => s.Ok) ? 0 : 1;
    }

    private static string FirstModel(HttpClient http)
    {
        using var doc = JsonDocument.Parse(http.GetStringAsync(new Uri("/v1/models", UriKind.Relative)).GetAwaiter().GetResult());
        return doc.RootElement.GetProperty("data")[0].GetProperty("id").GetString()!;
    }

    private static Task<RequestSample> OneAsync(HttpClient http, string model, LoadOptions options) =>
        options.Stream ? StreamOneAsync(http, model, options) : WholeOneAsync(http, model, options);

    /// <summary>One non-streaming request: its end-to-end latency and the usage's completion tokens.</summary>
    private static async Task<RequestSample> WholeOneAsync(HttpClient http, string model, LoadOptions options)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = model, ["prompt"] = options.Prompt, ["max_tokens"] = options.MaxTokens, ["ignore_eos"] = true,
        });
        var start = Stopwatch.GetTimestamp();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("/v1/completions", UriKind.Relative), content).ConfigureAwait(false);
        var text = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (!response.IsSuccessStatusCode) return new RequestSample(false, [], 0, elapsed);
        using var doc = JsonDocument.Parse(text);
        return new RequestSample(true, [], doc.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), elapsed);
    }

    /// <summary>One streaming request: timestamps of every content chunk, and the usage chunk's token count
    /// (<paramref name="temperature"/>: the request's, or the server's default when null).</summary>
    internal static async Task<RequestSample> StreamOneAsync(HttpClient http, string model, LoadOptions options, float? temperature = null)
    {
        var fields = new Dictionary<string, object>
        {
            ["model"] = model, ["prompt"] = options.Prompt, ["max_tokens"] = options.MaxTokens, ["stream"] = true,
            ["ignore_eos"] = true, ["stream_options"] = new Dictionary<string, bool> { ["include_usage"] = true },
        };
        if (temperature is { } t) fields["temperature"] = t;
        var body = JsonSerializer.Serialize(fields);
        var start = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/completions", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) return new RequestSample(false, [], 0, Stopwatch.GetElapsedTime(start));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync().ConfigureAwait(false));
        var chunkTimes = new List<TimeSpan>();
        var tokens = 0;
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]") continue;
            using var doc = JsonDocument.Parse(line.AsMemory(6));
            var root = doc.RootElement;
            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object && root.GetProperty("choices").GetArrayLength() == 0)
                tokens = usage.GetProperty("completion_tokens").GetInt32();
            else if (root.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0
                     && choices[0].GetProperty("text").GetString() is { Length: > 0 })
                chunkTimes.Add(Stopwatch.GetElapsedTime(start));
        }
        return new RequestSample(true, chunkTimes, tokens, Stopwatch.GetElapsedTime(start));
    }
}
