using System.Globalization;

namespace Bench.Server;

/// <summary>Command-line options of the server-load suite.</summary>
/// <param name="Stream">Streaming (TTFT, inter-token latency) or whole responses (end-to-end latency).</param>
/// <param name="Warmup">Requests sent one at a time before the measured run (JIT, connection set-up), not counted.</param>
/// <param name="Out">Report file; default bench/results/server-load.md.</param>
internal sealed record LoadOptions(
    string Url, int Clients, int Requests, int MaxTokens, string? Model, string? Key, string Prompt, bool Stream, int Warmup, string? Out)
{
    public static LoadOptions Parse(string[] args)
    {
        string? Get(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new LoadOptions(
            Get("--url") ?? "http://127.0.0.1:8000", Int("--clients", 16), Int("--requests", 64), Int("--max-tokens", 64),
            Get("--model"), Get("--key") ?? Environment.GetEnvironmentVariable("ENGINE_API_KEY"),
            Get("--prompt") ?? "Once upon a time, in a land far away,", Get("--stream") is not ("false" or "0" or "no"),
            Int("--warmup", 0), Get("--out"));
    }
}
