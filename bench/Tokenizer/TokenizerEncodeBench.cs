using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Bench.Common;

namespace Bench.Tokenizer;

/// <summary><c>tokenizer-encode</c>: single-thread encode throughput (MB/s of UTF-8 input) of our tokenizer on a
/// ~10 MB mixed corpus, beside Hugging Face tokenizers (Node binding) on the same chunks when
/// <c>--hf-node-modules DIR</c> is given. Writes bench/results/tokenizer-encode.md.</summary>
/// <remarks>Usage: <c>dotnet run -c Release --project bench -- tokenizer-encode [--hf-node-modules DIR]
/// [--tokenizers ../shared/fixtures/tokenizers] [--mb 10] [--chunk-kb 4] [--names llama3,qwen3]</c></remarks>
public static class TokenizerEncodeBench
{
    public static int Run(string[] args)
    {
        var root = BenchArgs.Arg(args, "--tokenizers") ?? Path.Combine("..", "shared", "fixtures", "tokenizers");
        var nodeModules = BenchArgs.Arg(args, "--hf-node-modules");
        var megabytes = int.Parse(BenchArgs.Arg(args, "--mb") ?? "10", CultureInfo.InvariantCulture);
        var chunkKb = int.Parse(BenchArgs.Arg(args, "--chunk-kb") ?? "4", CultureInfo.InvariantCulture);
        var chunks = BenchCorpus.Build(megabytes * 1_000_000, chunkKb * 1024);
        var bytes = chunks.Sum(c => (long)Encoding.UTF8.GetByteCount(c));
        var corpusPath = Path.Combine(Path.GetTempPath(), "tokenizer-bench-corpus.jsonl");
        File.WriteAllLines(corpusPath, chunks.Select(c => JsonSerializer.Serialize(c)));

        var report = new StringBuilder();
        report.AppendLine($"- corpus: {bytes / 1e6:F1} MB UTF-8 in {chunks.Count} chunks (deterministic mix of prose, code, CJK, emoji, numbers; bench/Tokenizer/BenchCorpus.cs)");
        report.AppendLine("- single thread; best of 3 passes after a warm-up; HF = tokenizers 0.22.2 via npm @anush008/tokenizers 0.6.0 (one awaited `encode` per chunk)");
        report.AppendLine("- the machine is shared with other jobs: numbers are noisy; read the ratios measured side by side");
        report.AppendLine();
        report.AppendLine("| tokenizer | ours MB/s | HF MB/s | ours / HF | tokens (ours) | tokens (HF) | ours load s |");
        report.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var name in (BenchArgs.Arg(args, "--names") ?? "llama3,qwen3").Split(','))
        {
            var dir = Path.Combine(root, name);
            var load = Stopwatch.StartNew();
            var tokenizer = Engine.Tokenization.Tokenizer.FromDirectory(dir);
            var loadSeconds = load.Elapsed.TotalSeconds;
            tokenizer.Encode(chunks[0], addSpecialTokens: false);
            var best = double.MaxValue;
            long tokens = 0;
            for (var run = 0; run < 3; run++)
            {
                var watch = Stopwatch.StartNew();
                tokens = 0;
                foreach (var chunk in chunks)
                {
                    tokens += tokenizer.Encode(chunk, addSpecialTokens: false).Length;
                }
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }
            var ours = bytes / 1e6 / best;
            var (hf, hfTokens) = nodeModules is null ? (double.NaN, 0L) : RunHf(nodeModules, Path.Combine(dir, "tokenizer.json"), corpusPath);
            var line = $"| {name} | {ours:F2} | {(double.IsNaN(hf) ? "-" : hf.ToString("F2", CultureInfo.InvariantCulture))} | " +
                $"{(double.IsNaN(hf) ? "-" : (ours / hf).ToString("F2", CultureInfo.InvariantCulture))} | {tokens} | {(hfTokens == 0 ? "-" : hfTokens)} | {loadSeconds:F2} |";
            report.AppendLine(line);
            Console.WriteLine(line);
        }
        MlTokenizersYardstick.Run(chunks, bytes, root, report);
        report.AppendLine();
        report.AppendLine("Notes:");
        report.AppendLine("- Setup for the HF column: `mkdir /tmp/hfbench && cd /tmp/hfbench && npm install @anush008/tokenizers@0.6.0` (node 20); the script is bench/Tokenizer/hf_encode.js.");
        report.AppendLine("- Equal token totals on the whole corpus are a second exactness check beside the fixture tests.");
        report.AppendLine("- The HF column is the Node binding as shipped (each `encode` is an async N-API call that also builds offsets, ");
        report.AppendLine("  attention mask etc.); it is far below the Rust crate's published throughput, so the ratio overstates our lead ");
        report.AppendLine("  over the Rust library itself. Our own column is the number to track.");
        report.AppendLine("- The ML.Tokenizers rows are the fair yardstick: the same process, thread, chunks and vocabulary file. ");
        report.AppendLine("  Chunks with different ids are expected only where text has astral-plane letters (ML.Tokenizers splits ");
        report.AppendLine("  them as UTF-16 code units; see TiktokenCrossCheckTests); the corpus has none, so the count should be 0.");
        var header = new StringBuilder("# tokenizer-encode\n\n");
        MachineInfo.AppendHeader(header, "tokenizer-encode", args);
        var output = Path.Combine("bench", "results", "tokenizer-encode.md");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        File.WriteAllText(output, header.ToString() + report);
        Console.WriteLine($"wrote {output}");
        return 0;
    }

    private static (double MegabytesPerSecond, long Tokens) RunHf(string nodeModules, string tokenizerJson, string corpus)
    {
        var script = Path.Combine("bench", "Tokenizer", "hf_encode.js");
        var start = new ProcessStartInfo("node", [script, tokenizerJson, corpus]) { RedirectStandardOutput = true };
        start.Environment["NODE_PATH"] = nodeModules;
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        using var doc = JsonDocument.Parse(text);
        var r = doc.RootElement;
        return (r.GetProperty("bytes").GetDouble() / 1e6 / r.GetProperty("seconds").GetDouble(), r.GetProperty("tokens").GetInt64());
    }
}
