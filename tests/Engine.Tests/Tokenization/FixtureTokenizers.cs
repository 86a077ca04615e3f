using System.Collections.Concurrent;
using System.Text.Json;
using Engine.Tokenization;
using Tests.Common;

namespace Engine.Tests.Tokenization;

/// <summary>The four HF tokenizers of ../shared/fixtures/tokenizers, loaded once per test run, and their cases.</summary>
internal static class FixtureTokenizers
{
    public static readonly string[] Names = ["llama3", "qwen3", "llama3_1", "gemini"];

    /// <summary>Every fixture family, with gpt4o (o200k), which has no chat cases.</summary>
    public static readonly string[] AllNames = [.. Names, "gpt4o"];

    private static readonly ConcurrentDictionary<string, Lazy<Tokenizer>> Loaded = new();

    public static Tokenizer Get(string name) =>
        Loaded.GetOrAdd(name, n => new Lazy<Tokenizer>(() => Tokenizer.FromDirectory(SharedFiles.PathOf("fixtures", "tokenizers", n)))).Value;

    public static IReadOnlyList<EncodeCase> Cases(string name) =>
        [.. File.ReadLines(SharedFiles.PathOf("fixtures", "tokenizers", name, "cases.jsonl"))
            .Where(l => l.Length > 0)
            .Select((line, index) =>
            {
                using var doc = JsonDocument.Parse(line);
                var r = doc.RootElement;
                return new EncodeCase(
                    index + 1,
                    r.GetProperty("text").GetString()!,
                    r.GetProperty("add_special_tokens").GetBoolean(),
                    [.. r.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32())],
                    r.GetProperty("decoded").GetString()!,
                    r.GetProperty("decoded_skip_special").GetString()!,
                    r.TryGetProperty("tokens", out var tokens) ? [.. tokens.EnumerateArray().Select(e => e.GetString()!)] : null);
            })];
}

internal sealed record EncodeCase(int Line, string Text, bool AddSpecialTokens, int[] Ids, string Decoded, string DecodedSkipSpecial, string[]? Tokens = null);
