using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Loader.Tokenizers;
using Ml = Microsoft.ML.Tokenizers;

namespace Bench.Tokenizer;

/// <summary>The <c>tokenizer-encode</c> rows beside Microsoft.ML.Tokenizers' <c>TiktokenTokenizer</c>, in process,
/// single thread, same chunks and vocabulary: o200k (ours: the gpt4o fixture's tokenizer.json) and cl100k
/// (ours: the tokenizer.json converted from the cl100k_base.tiktoken that ML's data package ships, so both read
/// one file). Ids are compared chunk by chunk.</summary>
internal static class MlTokenizersYardstick
{
    public static void Run(IReadOnlyList<string> chunks, long bytes, string fixtures, StringBuilder report)
    {
        report.AppendLine();
        report.AppendLine("## Beside Microsoft.ML.Tokenizers 3.0.0 (in process)");
        report.AppendLine();
        report.AppendLine("ML = `TiktokenTokenizer.CreateForModel(...)` `EncodeToIds` per chunk; ours = `Tokenizer.Encode` per chunk; same thread, ");
        report.AppendLine("best of 3 passes each after a warm-up, the two measured alternately in one process.");
        report.AppendLine();
        report.AppendLine("| vocabulary | ours MB/s | ML MB/s | ours / ML | tokens (ours) | tokens (ML) | chunks with different ids |");
        report.AppendLine("|---|---|---|---|---|---|---|");
        Row("o200k (gpt-4o)", Engine.Tokenization.Tokenizer.FromDirectory(Path.Combine(fixtures, "gpt4o")), Ml.TiktokenTokenizer.CreateForModel("gpt-4o"), chunks, bytes, report);
        var cl100k = Cl100kRanks();
        var ours = Engine.Tokenization.Tokenizer.FromJson(TiktokenTokenizerJson.Build(cl100k, TiktokenFile.Cl100kPattern));
        Row("cl100k (gpt-4)", ours, Ml.TiktokenTokenizer.CreateForModel("gpt-4"), chunks, bytes, report);
    }

    private static void Row(string name, Engine.Tokenization.Tokenizer ours, Ml.TiktokenTokenizer ml, IReadOnlyList<string> chunks, long bytes, StringBuilder report)
    {
        ours.Encode(chunks[0], addSpecialTokens: false);
        ml.EncodeToIds(chunks[0]);
        var different = 0;
        foreach (var chunk in chunks)
        {
            if (!ours.Encode(chunk, addSpecialTokens: false).AsSpan().SequenceEqual(ml.EncodeToIds(chunk).ToArray()))
            {
                different++;
            }
        }
        double bestOurs = double.MaxValue, bestMl = double.MaxValue;
        long oursTokens = 0, mlTokens = 0;
        for (var run = 0; run < 3; run++)
        {
            var watch = Stopwatch.StartNew();
            oursTokens = 0;
            foreach (var chunk in chunks)
            {
                oursTokens += ours.Encode(chunk, addSpecialTokens: false).Length;
            }
            bestOurs = Math.Min(bestOurs, watch.Elapsed.TotalSeconds);
            watch.Restart();
            mlTokens = 0;
            foreach (var chunk in chunks)
            {
                mlTokens += ml.EncodeToIds(chunk).Count;
            }
            bestMl = Math.Min(bestMl, watch.Elapsed.TotalSeconds);
        }
        var oursRate = bytes / 1e6 / bestOurs;
        var mlRate = bytes / 1e6 / bestMl;
        var line = $"| {name} | {oursRate:F2} | {mlRate:F2} | {oursRate / mlRate:F2} | {oursTokens} | {mlTokens} | {different} of {chunks.Count} |";
        report.AppendLine(line);
        Console.WriteLine(line);
    }

    /// <summary>The cl100k_base vocabulary inside ML's data package: a deflated resource in ML's own layout,
    /// a "Capacity: N" line, then one base64 token per line whose rank is its line index.</summary>
    private static Dictionary<int, byte[]> Cl100kRanks()
    {
        var assembly = System.Reflection.Assembly.Load("Microsoft.ML.Tokenizers.Data.Cl100kBase");
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("cl100k_base.tiktoken.deflate", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var deflate = new DeflateStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(deflate, Encoding.ASCII);
        var header = reader.ReadLine();
        if (header is null || !header.StartsWith("Capacity:", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{resource}: expected a 'Capacity: N' first line, got '{header}'.");
        }
        var ranks = new Dictionary<int, byte[]>();
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.Length > 0)
            {
                ranks.Add(ranks.Count, Convert.FromBase64String(line));
            }
        }
        return ranks;
    }
}
