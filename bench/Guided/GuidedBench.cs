using System.Diagnostics;
using System.Globalization;
using System.Text;
using Engine.Guided;
using Engine.Sampling;
using Loader.Llama2c;
using Loader.Tokenizers;
using Bench.Common;

namespace Bench.Guided;

/// <summary>
/// <c>guided</c>: guided decoding's CPU cost: vocabulary preparation, constraint compile time (cold and cached)
/// and the per-step S1 mask over the whole vocabulary, for <c>json_object</c>, a realistic JSON schema and a
/// regex, on aidreams260K's 512-token vocabulary and the 128k llama3 fixture (../shared has no 32k tokenizer).
/// Each step masks, then accepts the longest allowed token that continues a fixed target text, so the walk
/// visits realistic states (inside keys, long strings, numbers). Writes bench/results/guided.md.
/// </summary>
/// <remarks>Usage: <c>dotnet run -c Release --project bench -- guided [--shared ../shared] [--names aidreams260K,llama3]</c></remarks>
public static class GuidedBench
{
    internal const string Schema = """
        {"type":"object","properties":{
          "id":{"type":"string","format":"uuid"},
          "name":{"type":"string","minLength":1,"maxLength":64},
          "age":{"type":"integer"},
          "email":{"type":"string","pattern":"^[a-z0-9.]+@[a-z0-9]+\\.[a-z]{2,4}$"},
          "tags":{"type":"array","items":{"type":"string"},"maxItems":8},
          "address":{"$ref":"#/$defs/address"},
          "status":{"enum":["active","inactive","banned"]},
          "bio":{"type":"string"}},
         "required":["id","name","age","email","status"],
         "additionalProperties":false,
         "$defs":{"address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"},"zip":{"type":"string","pattern":"^\\d{5}$"}},"required":["city"]}}}
        """;

    internal const string SchemaText = """{"id": "123e4567-e89b-12d3-a456-426614174000", "name": "Ada Lovelace", "age": 36, "email": "ada@example.org", "tags": ["math", "poetry"], "address": {"street": "12 St James's Square", "city": "London", "zip": "12345"}, "status": "active", "bio": "Wrote the first published algorithm intended for a machine; she saw that the engine could act upon other things besides number."}""";

    internal const string ObjectText = """{"story": "Once upon a time, in a small village by the sea, there lived an old fisherman who dreamed every night of a golden whale.", "moral": "dreams", "score": -12.5e3, "ok": true, "list": [1, 2, {"k": null}]}""";

    private const string Regex = @"(\+?\d{1,3}[ -])?\(?\d{3}\)?[ -]?\d{3}[ -]?\d{4}|[\w.+-]+@[\w-]+\.[a-z]{2,6}";

    private const string RegexText = "first.last+bench@mail-server.museum";

    public static int Run(string[] args)
    {
        var shared = BenchArgs.Arg(args, "--shared") ?? Path.Combine("..", "shared");
        var names = (BenchArgs.Arg(args, "--names") ?? "aidreams260K,llama3").Split(',');
        var report = new StringBuilder();
        report.AppendLine("# guided");
        report.AppendLine();
        report.AppendLine($"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        report.AppendLine($"- machine: {Environment.ProcessorCount} cores, {CpuModel()} (shared with other jobs: numbers are noisy)");
        report.AppendLine($"- command: `dotnet run -c Release --project bench -- guided --names {string.Join(",", names)}`");
        report.AppendLine("- single thread. mask = `GuidedSequence.ApplyMask` on one logit row (trie walk + writing −∞), per decoding step along a walk that");
        report.AppendLine("  emits a fixed target text with the longest allowed token each step; accept = advancing the matcher by the chosen token.");
        report.AppendLine("  Three warm-up walks, then three measured walks; each step's time is its fastest of the three (filters GC pauses and noise).");
        report.AppendLine("- ../shared has no 32k-vocabulary tokenizer; llama3 (128,256 ids) stands in as the large case.");
        report.AppendLine();
        report.AppendLine("| vocabulary | ids | trie nodes | vocab build ms |");
        report.AppendLine("|---|---|---|---|");
        var rows = new StringBuilder();
        rows.AppendLine("| vocabulary | constraint | cold compile ms | cached compile µs | steps | mask mean µs | mask p50 µs | mask max µs | accept mean µs |");
        rows.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var name in names)
        {
            var tokenizer = Load(shared, name);
            var watch = Stopwatch.StartNew();
            var vocab = GuidedVocabulary.For(tokenizer);
            var buildMs = watch.Elapsed.TotalMilliseconds;
            var line = $"| {name} | {vocab.Size} | {vocab.TrieNodeCount} | {buildMs:F1} |";
            report.AppendLine(line);
            Console.WriteLine(line);
            var cases = new (string Label, Func<int, SamplingParams> Params, string Target)[]
            {
                ("json_object", i => new SamplingParams { ResponseFormat = """{"type":"json_object"}""", GuidedWhitespacePattern = "[ \\t\\n\\r]*" + Unique(i) }, ObjectText),
                ("json schema (8 props, $ref, pattern, uuid)", i => new SamplingParams { GuidedJson = Schema.Replace("\"type\":\"object\"", $"\"$comment\":\"{i}\",\"type\":\"object\"", StringComparison.Ordinal) }, SchemaText),
                ("regex (phone or email)", i => new SamplingParams { GuidedRegex = Regex + Unique(i) }, RegexText),
            };
            foreach (var (label, make, target) in cases)
            {
                var row = Measure(name, label, make, target, vocab);
                rows.AppendLine(row);
                Console.WriteLine(row);
            }
        }
        report.AppendLine();
        report.Append(rows);
        report.AppendLine();
        report.AppendLine("Notes:");
        report.AppendLine("- cold compile = front-end (schema/regex → GBNF) + GBNF parse + left-recursion check, with a cache-busting no-op in the source;");
        report.AppendLine("  cached = the same constraint again (bounded LRU of 128 compiled grammars).");
        report.AppendLine("- mask time grows with the number of trie nodes whose prefix stays alive: inside a JSON string nearly every token is alive,");
        report.AppendLine("  so the max column is the whole-vocabulary walk; between tokens only a few branches of the trie survive the first byte.");
        var output = Path.Combine("bench", "results", "guided.md");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        File.WriteAllText(output, report.ToString());
        Console.WriteLine($"wrote {output}");
        return 0;
    }

    private static string Unique(int i) => string.Concat(Enumerable.Repeat("(?:)", i));

    private static string Measure(string vocabName, string label, Func<int, SamplingParams> make, string target, GuidedVocabulary vocab)
    {
        const int coldRuns = 5;
        var cold = new List<double>();
        GuidedConstraint? constraint = null;
        for (var i = 1; i <= coldRuns; i++)
        {
            var p = make(i + (vocabName.GetHashCode(StringComparison.Ordinal) & 0xFF) * 10);
            var w = Stopwatch.StartNew();
            constraint = GuidedConstraint.Compile(p);
            cold.Add(w.Elapsed.TotalMilliseconds);
        }
        var again = make(1 + (vocabName.GetHashCode(StringComparison.Ordinal) & 0xFF) * 10);
        var cachedWatch = Stopwatch.StartNew();
        for (var i = 0; i < 100; i++)
        {
            GuidedConstraint.Compile(again);
        }
        var cachedUs = cachedWatch.Elapsed.TotalMicroseconds / 100;

        for (var warm = 0; warm < 3; warm++)
        {
            Walk(vocabName, label, target, vocab, constraint!, out _, out _); // JIT tiers settle
        }
        // three measured walks; each step keeps its fastest time, which filters GC pauses and the shared machine's noise
        Walk(vocabName, label, target, vocab, constraint!, out var masks, out var accepts);
        for (var run = 0; run < 2; run++)
        {
            Walk(vocabName, label, target, vocab, constraint!, out var m, out var a);
            for (var i = 0; i < masks.Count; i++)
            {
                masks[i] = Math.Min(masks[i], m[i]);
                accepts[i] = Math.Min(accepts[i], a[i]);
            }
        }
        masks.Sort();
        return string.Create(CultureInfo.InvariantCulture,
            $"| {vocabName} | {label} | {cold.Skip(1).Average():F2} | {cachedUs:F1} | {masks.Count} | {masks.Average():F0} | {masks[masks.Count / 2]:F0} | {masks[^1]:F0} | {accepts.Average():F1} |");
    }

    private static void Walk(string vocabName, string label, string target, GuidedVocabulary vocab, GuidedConstraint constraint,
        out List<double> masks, out List<double> accepts)
    {
        var sequence = new GuidedSequence(constraint, vocab, [-1]);
        var remaining = Encoding.UTF8.GetBytes(target).AsSpan();
        var logits = new float[vocab.Size];
        masks = [];
        accepts = [];
        while (remaining.Length > 0)
        {
            logits.AsSpan().Fill(0f);
            var w = Stopwatch.StartNew();
            sequence.ApplyMask(logits);
            masks.Add(w.Elapsed.TotalMicroseconds);
            var best = LongestAllowed(vocab, logits, remaining);
            if (best < 0)
            {
                throw new InvalidOperationException($"{vocabName}/{label}: no allowed token continues the target at '{Encoding.UTF8.GetString(remaining)}'");
            }
            w.Restart();
            sequence.Accept(best);
            accepts.Add(w.Elapsed.TotalMicroseconds);
            remaining = remaining[vocab.BytesOf(best).Length..];
        }
        if (!sequence.IsComplete)
        {
            throw new InvalidOperationException($"{vocabName}/{label}: the target text is not a complete sentence of the constraint");
        }
    }

    /// <summary>The longest token the mask left alive (finite logit) that continues <paramref name="remaining"/>, or −1.</summary>
    internal static int LongestAllowed(GuidedVocabulary vocab, ReadOnlySpan<float> logits, ReadOnlySpan<byte> remaining)
    {
        var best = -1;
        for (var id = 0; id < logits.Length; id++)
        {
            var bytes = vocab.BytesOf(id);
            if (!float.IsNegativeInfinity(logits[id]) && bytes.Length > 0 && remaining.StartsWith(bytes) && (best < 0 || bytes.Length > vocab.BytesOf(best).Length))
            {
                best = id;
            }
        }
        return best;
    }

    internal static Engine.Tokenization.Tokenizer Load(string shared, string name)
    {
        if (name == "aidreams260K")
        {
            var dir = Path.Combine(shared, "models", name);
            var header = new byte[Llama2cConfig.HeaderBytes];
            using (var f = File.OpenRead(Path.Combine(dir, "model.bin")))
            {
                f.ReadExactly(header);
            }
            var config = Llama2cCheckpoint.ParseHeader(header, Path.Combine(dir, "model.bin"));
            return Engine.Tokenization.Tokenizer.FromJson(Llama2cTokenizerJson.Build(File.ReadAllBytes(Path.Combine(dir, "tokenizer.bin")), config.VocabSize));
        }
        return Engine.Tokenization.Tokenizer.FromDirectory(Path.Combine(shared, "fixtures", "tokenizers", name));
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}
