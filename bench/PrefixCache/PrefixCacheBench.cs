using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bench.Common;
using Bench.CpuForward;
using Engine.Generation;
using Engine.Model;

namespace Bench.PrefixCache;

/// <summary>
/// <c>prefix-cache</c>: time to first token of a request whose prompt shares a long prefix (default 512 tokens) with
/// a request that just finished, on the CPU backend (110M Llama shape, random F32 weights), with prefix caching on
/// and off side by side. Each run uses a fresh prefix, so the first request always computes it; only the second
/// request is timed (submission to its first token: its prefill). Writes bench/results/prefix-cache.md.
/// usage: prefix-cache [--threads 2] [--runs 3] [--prefix 512] [--suffix 16] [--out PATH]
/// </summary>
public static class PrefixCacheBench
{
    public static int Run(string[] args)
    {
        var threads = int.Parse(BenchArgs.Arg(args, "--threads", "2"), CultureInfo.InvariantCulture);
        var runs = int.Parse(BenchArgs.Arg(args, "--runs", "3"), CultureInfo.InvariantCulture);
        var prefix = int.Parse(BenchArgs.Arg(args, "--prefix", "512"), CultureInfo.InvariantCulture);
        var suffix = int.Parse(BenchArgs.Arg(args, "--suffix", "16"), CultureInfo.InvariantCulture);
        var output = BenchArgs.Arg(args, "--out", Path.Combine("bench", "results", "prefix-cache.md"));

        var config = CpuForwardBench.Shape110M;
        var weights = RandomWeights.Create(config, seed: 1);
        var options = new EngineOptions { Threads = threads, MaxNumBatchedTokens = 512, MaxNumSeqs = 4 };
        using var on = LlmEngine.Create(config, weights, options with { EnablePrefixCaching = true });
        using var off = LlmEngine.Create(config, weights, options with { EnablePrefixCaching = false });
        var seconds = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        long hits = 0;
        for (var run = 0; run <= runs; run++)   // run 0 warms up the JIT
        {
            foreach (var caching in new[] { false, true })
            {
                var engine = caching ? on : off;
                var shared = Tokens(prefix, salt: 1000 * run + 1);
                TimeFirstToken(engine, [.. shared, .. Tokens(suffix, salt: 7)]);
                var before = engine.Core.PrefixCacheHitTokens;
                var elapsed = TimeFirstToken(engine, [.. shared, .. Tokens(suffix, salt: 11)]);
                if (run > 0)
                {
                    seconds[caching].Add(elapsed);
                    hits = caching ? engine.Core.PrefixCacheHitTokens - before : hits;
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {run} caching {(caching ? "on " : "off")}: {elapsed * 1000:F0} ms"));
            }
        }
        Write(output, args, seconds, hits, threads, runs, prefix, suffix);
        Console.WriteLine($"written to {output}");
        return 0;
    }

    // Submission to the first token of a one-token request: its prefill (after any cached prefix) plus one sample.
    private static double TimeFirstToken(LlmEngine engine, int[] prompt)
    {
        var request = new GenerationRequest(prompt, MaxTokens: 1) { Sampling = GenerationRequest.Greedy with { IgnoreEos = true } };
        var clock = Stopwatch.StartNew();
        var reader = engine.Submit(request);
        if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("The engine completed the request without a token.");
        }
        var elapsed = clock.Elapsed.TotalSeconds;
        // drain: the channel completes only once its items are read
        do
        {
            while (reader.TryRead(out _))
            {
            }
        }
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult());
        return elapsed;
    }

    private static int[] Tokens(int count, int salt) => [.. Enumerable.Range(0, count).Select(i => 3 + (int)((i * 7919L + salt * 104729L) % 31000))];

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static void Write(string path, string[] args, Dictionary<bool, List<double>> seconds, long hits, int threads, int runs, int prefix, int suffix)
    {
        var text = new StringBuilder();
        text.AppendLine("# prefix-cache: time to first token of a request sharing a prefix, caching on vs off, CPU backend");
        text.AppendLine();
        MachineInfo.AppendHeader(text, "prefix-cache", args);
        text.AppendLine(CultureInfo.InvariantCulture, $"- model: 110M Llama shape (dim 768, 12 layers, hidden 2048, vocab 32000), random F32 weights; {threads} threads; block size 16, step budget 512 tokens");
        text.AppendLine(CultureInfo.InvariantCulture, $"- each run: request A ({prefix} shared + {suffix} own tokens, 1 output token) runs to its end, then request B ({prefix} shared + {suffix} other tokens) is timed from submission to its first token; a fresh prefix per run; {runs} runs after a warm-up, on and off interleaved");
        text.AppendLine(CultureInfo.InvariantCulture, $"- cached tokens reused by B with caching on: {hits} of {prefix + suffix}");
        text.AppendLine("- NOISY: the machine is shared by several builds; compare only rows of one run.");
        text.AppendLine();
        text.AppendLine("| prefix caching | TTFT of B, ms (median) | best |");
        text.AppendLine("|---|---|---|");
        foreach (var caching in new[] { false, true })
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {(caching ? "on" : "off")} | {Median(seconds[caching]) * 1000:F0} | {seconds[caching].Min() * 1000:F0} |"));
        }
        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Speed-up of the median: {Median(seconds[false]) / Median(seconds[true]):F1}×."));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, text.ToString());
    }
}
