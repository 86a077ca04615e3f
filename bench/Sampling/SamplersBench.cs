using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Bench.Common;
using Engine.Sampling;

namespace Bench.Sampling;

/// <summary>
/// <c>samplers</c> suite: CPU cost of each sampler and of the whole chain per decoding step, at vocab 32k and
/// 128k, batch 1, 16 and 64 (a batch = that many sequences sampled one after another on one thread with a
/// shared workspace, as the model runner does on one thread; <c>--threads</c> measures its parallel batch sampling).
/// Writes bench/results/samplers.md and samplers.svg.
/// Options: <c>--quick</c> (vocab 32k, batch 1 only); <c>--threads 1,2</c> measures only parallel batch sampling
/// (<see cref="SamplersThreadsBench"/>, bench/results/samplers-threads.md).
/// </summary>
public static class SamplersBench
{
    /// <summary>Each configuration is one sampler on top of plain sampling (sanitise, softmax, draw).</summary>
    internal static readonly (string Name, string Json)[] Configs =
    [
        ("plain (T=1, draw)", "{}"),
        ("greedy (T=0)", """{"temperature": 0}"""),
        ("temperature 0.7", """{"temperature": 0.7}"""),
        ("dynatemp", """{"dynatemp_min": 0.5, "dynatemp_max": 1.5}"""),
        ("penalties (rep+freq+pres)", """{"repetition_penalty": 1.1, "frequency_penalty": 0.2, "presence_penalty": 0.2}"""),
        ("DRY", """{"dry_multiplier": 0.8, "dry_sequence_breakers": []}"""),
        ("no_repeat_ngram 3", """{"no_repeat_ngram_size": 3}"""),
        ("top_k 40", """{"top_k": 40}"""),
        ("top_p 0.9", """{"top_p": 0.9}"""),
        ("top_a 0.2", """{"top_a": 0.2}"""),
        ("min_p 0.05", """{"min_p": 0.05}"""),
        ("tfs 0.95", """{"tfs": 0.95}"""),
        ("eta_cutoff 3", """{"eta_cutoff": 3}"""),
        ("epsilon_cutoff 3", """{"epsilon_cutoff": 3}"""),
        ("typical_p 0.9", """{"typical_p": 0.9}"""),
        ("nsigma 1.5", """{"nsigma": 1.5}"""),
        ("quadratic 0.3", """{"smoothing_factor": 0.3}"""),
        ("XTC (p=1, 0.1)", """{"xtc_probability": 1, "xtc_threshold": 0.1}"""),
        ("skew 0.5", """{"skew": 0.5}"""),
        ("mirostat v2", """{"mirostat_mode": 2}"""),
        ("typical chain (rep, T, top_k, top_p, min_p)", """{"repetition_penalty": 1.1, "temperature": 0.8, "top_k": 40, "top_p": 0.95, "min_p": 0.05}"""),
        ("whole chain (all 14 + skew)", """{"repetition_penalty": 1.1, "frequency_penalty": 0.1, "presence_penalty": 0.1, "dry_multiplier": 0.8, "dry_sequence_breakers": [], "no_repeat_ngram_size": 4, "temperature": 0.8, "nsigma": 3, "top_k": 1000, "top_p": 0.98, "top_a": 0.01, "min_p": 0.001, "tfs": 0.999, "eta_cutoff": 0.5, "epsilon_cutoff": 0.5, "typical_p": 0.99, "smoothing_factor": 0.05, "xtc_probability": 0.5, "xtc_threshold": 0.1, "skew": 0.1}"""),
    ];

    public static int Run(string[] args)
    {
        if (args.Contains("--threads"))
        {
            return SamplersThreadsBench.Run(args);
        }
        var quick = args.Contains("--quick");
        int[] vocabs = quick ? [32_000] : [32_000, 128_256];
        int[] batches = quick ? [1] : [1, 16, 64];
        var results = new Dictionary<(string, int, int), double>();
        // Warm-up: every code path reaches its final JIT tier before anything is timed (CPU time counts the JIT threads).
        var small = MakeLogits(4096, 8);
        foreach (var (_, json) in Configs)
        {
            Measure(4096, 1, json, small);
        }
        foreach (var vocab in vocabs)
        {
            var rows = MakeLogits(vocab, 64);
            foreach (var (name, json) in Configs)
            {
                foreach (var batch in batches)
                {
                    var ms = Measure(vocab, batch, json, rows);
                    results[(name, vocab, batch)] = ms;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"V={vocab,7} batch={batch,2} {name,-45} {ms,9:F3} ms/step"));
                }
            }
        }
        var dir = Path.Combine(BenchArgs.RepoRoot(), "bench", "results");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "samplers.md"), Markdown(results, vocabs, batches, args));
        File.WriteAllText(Path.Combine(dir, "samplers.svg"), Svg(results, vocabs));
        Console.WriteLine($"wrote {Path.Combine(dir, "samplers.md")}");
        return 0;
    }

    /// <summary>
    /// Milliseconds of process CPU time per decoding step of the batch, over enough steps for ≥ 0.3 s of CPU
    /// (at least 3). CPU time rather than wall time because the machine is shared: wall time mostly measured
    /// the other jobs. /proc's tick granularity (10 ms) is why the loop runs that long.
    /// </summary>
    internal static double Measure(int vocab, int batch, string json, float[][] rows)
    {
        var p = SamplingParams.FromJson(JsonDocument.Parse(json).RootElement);
        var chain = new SamplerChain(p, new SamplerSetup(vocab, [2]));
        var ws = new SamplerWorkspace(vocab);
        var samplers = Enumerable.Range(0, batch).Select(i => new SequenceSampler(chain, 1000 + i, 0, ws)).ToArray();
        // A 512-token prompt and 128 generated tokens per sequence (penalties, DRY and n-grams scan them).
        var rng = new Random(7);
        var prompt = Enumerable.Range(0, 512).Select(_ => rng.Next(vocab)).ToArray();
        var outputs = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, 128).Select(_ => rng.Next(vocab)).ToArray()).ToArray();
        var logits = new float[vocab];
        void Step(int iteration)
        {
            for (var s = 0; s < batch; s++)
            {
                rows[(iteration + s) % rows.Length].CopyTo(logits, 0);
                samplers[s].Sample(logits, prompt, outputs[s]);
            }
        }
        Step(0);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var start = process.TotalProcessorTime;
        var steps = 0;
        var elapsed = TimeSpan.Zero;
        while (steps < 3 || elapsed.TotalSeconds < 0.3)
        {
            Step(++steps);
            process.Refresh();
            elapsed = process.TotalProcessorTime - start;
        }
        return elapsed.TotalMilliseconds / steps;
    }

    /// <summary>Logit rows shaped like a language model's: Gaussian body (σ = 2) plus a few strong candidates.</summary>
    internal static float[][] MakeLogits(int vocab, int count)
    {
        var rng = new Random(42);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var row = new float[vocab];
            for (var i = 0; i < vocab; i++)
            {
                var u1 = 1.0 - rng.NextDouble();
                row[i] = (float)(2.0 * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * rng.NextDouble()));
            }
            for (var k = 0; k < 5; k++)
            {
                row[rng.Next(vocab)] += 12f - 2f * k;
            }
            return row;
        })];
    }

    private static string Markdown(Dictionary<(string, int, int), double> r, int[] vocabs, int[] batches, string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("# Sampler cost per decoding step (CPU reference path)").AppendLine();
        sb.AppendLine(inv, $"- Machine: {MachineInfo.Cores} logical cores visible (`nproc`), CPU: {MachineInfo.CpuModel()}");
        sb.AppendLine(inv, $"- Date: {MachineInfo.Date} UTC, .NET {Environment.Version}");
        sb.AppendLine(inv, $"- Command: `dotnet run -c Release --project bench -- samplers{(args.Length > 0 ? " " + string.Join(' ', args) : "")}`");
        sb.AppendLine("- Each cell: process CPU milliseconds for one decoding step of the whole batch (the batch's sequences sampled one after");
        sb.AppendLine("  another on one thread, sharing one workspace), including copying the logit row. Every row but the last two adds");
        sb.AppendLine("  one sampler to plain sampling (sanitise, softmax, categorical draw). Prompt 512 tokens, 128 generated per sequence.");
        sb.AppendLine("- The machine is shared by several jobs on 2 cores, so numbers are noisy (±30% is normal); compare rows, not runs.");
        sb.AppendLine();
        sb.Append("| configuration |");
        foreach (var v in vocabs)
        {
            foreach (var b in batches)
            {
                sb.Append(inv, $" V={v / 1000}k b={b} |");
            }
        }
        sb.AppendLine();
        sb.Append("|---|").AppendLine(string.Concat(Enumerable.Repeat("---:|", vocabs.Length * batches.Length)));
        foreach (var (name, _) in Configs)
        {
            sb.Append(inv, $"| {name} |");
            foreach (var v in vocabs)
            {
                foreach (var b in batches)
                {
                    sb.Append(inv, $" {r[(name, v, b)]:F3} |");
                }
            }
            sb.AppendLine();
        }
        sb.AppendLine().AppendLine("![per-sequence cost at batch 1](samplers.svg)");
        return sb.ToString();
    }

    /// <summary>A horizontal bar chart of batch-1 cost per configuration, one bar colour per vocabulary.</summary>
    private static string Svg(Dictionary<(string, int, int), double> r, int[] vocabs)
    {
        var inv = CultureInfo.InvariantCulture;
        const int Label = 290, Width = 900, Bar = 9, Gap = 6;
        var groupHeight = vocabs.Length * Bar + Gap;
        var height = 40 + Configs.Length * groupHeight + 30;
        var max = Configs.SelectMany(c => vocabs.Select(v => r[(c.Name, v, 1)])).Max();
        string[] colours = ["#4e79a7", "#f28e2b"];
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{height}" font-family="sans-serif" font-size="11">""");
        sb.AppendLine("""<rect width="100%" height="100%" fill="white"/>""");
        sb.AppendLine("""<text x="10" y="18" font-size="14">Sampler cost per decoding step, batch 1, CPU (ms)</text>""");
        for (var k = 0; k < vocabs.Length; k++)
        {
            sb.AppendLine(inv, $"""<rect x="{Label + k * 110}" y="26" width="10" height="10" fill="{colours[k % 2]}"/><text x="{Label + 14 + k * 110}" y="35">V = {vocabs[k]}</text>""");
        }
        for (var i = 0; i < Configs.Length; i++)
        {
            var y = 44 + i * groupHeight;
            sb.AppendLine(inv, $"""<text x="{Label - 6}" y="{y + vocabs.Length * Bar - 2}" text-anchor="end">{System.Security.SecurityElement.Escape(Configs[i].Name)}</text>""");
            for (var k = 0; k < vocabs.Length; k++)
            {
                var ms = r[(Configs[i].Name, vocabs[k], 1)];
                var w = Math.Max(1.0, (Width - Label - 90) * ms / max);
                sb.AppendLine(inv, $"""<rect x="{Label}" y="{y + k * Bar}" width="{w:F1}" height="{Bar - 1}" fill="{colours[k % 2]}"/><text x="{Label + w + 4:F1}" y="{y + k * Bar + Bar - 1}" font-size="9">{ms:F3}</text>""");
            }
        }
        sb.AppendLine("</svg>");
        return sb.ToString();
    }
}
