using System.Globalization;

namespace Bench.Server;

/// <summary>Command-line options of the server-load suite.</summary>
internal sealed record LoadOptions(string Url, int Clients, int Requests, int MaxTokens, string? Model, string? Key, string Prompt)
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
            Get("--prompt") ?? "Once upon a time, in a land far away,");
    }
}
