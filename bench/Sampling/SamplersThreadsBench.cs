using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Bench.Common;
using Engine.Execution;
using Engine.Sampling;
using Engine.Scheduling;

namespace Bench.Sampling;

/// <summary>
/// <c>samplers --threads 1,2</c>: wall time of one step's sampling of a batch (16 and 64 sequences, vocab 32k and
/// 128k, plain and typical chain) through the engine's <see cref="BatchSampler"/> on each listed number of threads.
/// Writes bench/results/samplers-threads.md.
/// </summary>
internal static class SamplersThreadsBench
{
    private static readonly (string Name, string Json)[] Configs =
    [
        ("plain (T=1, draw)", "{}"),
        ("typical chain (rep, T, top_k, top_p, min_p)", """{"repetition_penalty": 1.1, "temperature": 0.8, "top_k": 40, "top_p": 0.95, "min_p": 0.05}"""),
    ];

    public static int Run(string[] args)
    {
        var at = Array.IndexOf(args, "--threads");
        if (at + 1 >= args.Length)
        {
            Console.Error.WriteLine("--threads needs a list, e.g. --threads 1,2");
            return 2;
        }
        int[] threads = [.. args[at + 1].Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture))];
        int[] vocabs = [32_000, 128_256];
        int[] batches = [16, 64];
        var results = new Dictionary<(string, int, int, int), double>();
        // warm-up: every path at its final JIT tier before anything is timed
        foreach (var (_, json) in Configs)
        {
            foreach (var t in threads)
            {
                Measure(4096, 8, t, json, SamplersBench.MakeLogits(4096, 8), minSeconds: 0.2);
            }
        }
        foreach (var vocab in vocabs)
        {
            var rows = SamplersBench.MakeLogits(vocab, 64);
            foreach (var (name, json) in Configs)
            {
                foreach (var batch in batches)
                {
                    foreach (var t in threads)
                    {
                        var ms = Measure(vocab, batch, t, json, rows, minSeconds: 0.5);
                        results[(name, vocab, batch, t)] = ms;
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"V={vocab,7} batch={batch,2} threads={t} {name,-45} {ms,9:F3} ms/step"));
                    }
                }
            }
        }
        var path = Path.Combine(BenchArgs.RepoRoot(), "bench", "results", "samplers-threads.md");
        File.WriteAllText(path, Markdown(results, vocabs, batches, threads, args));
        Console.WriteLine($"wrote {path}");
        return 0;
    }

    /// <summary>
    /// Median wall milliseconds of one <see cref="BatchSampler.Sample"/> over the batch, over ≥ 5 steps (after 3 untimed) and
    /// <paramref name="minSeconds"/>. Refilling the logit rows (the sampler overwrites them) is outside the timing.
    /// </summary>
    private static double Measure(int vocab, int batch, int threads, string json, float[][] rows, double minSeconds)
    {
        var p = SamplingParams.FromJson(JsonDocument.Parse(json).RootElement);
        var setup = new SamplerSetup(vocab, [2]);
        // a 640-token history per sequence (the samplers table's 512 prompt + 128 generated), scanned by the penalties
        var rng = new Random(7);
        var scheduled = Enumerable.Range(0, batch).Select(i => new ScheduledRequest(new Request(new RequestId(i + 1),
            [.. Enumerable.Range(0, 640).Select(_ => rng.Next(vocab))], SequenceSampler.Create(p, setup, 1000 + i),
            new StopConditions(p, [2], 1000, 1 << 20)), 1)).ToList();
        int[] rowOf = [.. Enumerable.Range(0, batch)];
        var logits = new float[batch * vocab];
        var output = new ModelRunnerOutput(batch);
        using var sampler = new BatchSampler(vocab, threads);
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        for (var step = 0; step < 8 || total.Elapsed.TotalSeconds < minSeconds; step++)
        {
            for (var s = 0; s < batch; s++)
            {
                rows[(step + s) % rows.Length].CopyTo(logits, s * vocab);
            }
            output.Reset(batch);
            var start = Stopwatch.GetTimestamp();
            sampler.Sample(scheduled, rowOf, 0, batch, logits, output);
            if (step >= 3)
            {
                // the first steps fault in the workspaces and wake the pool's threads
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static string Markdown(Dictionary<(string, int, int, int), double> r, int[] vocabs, int[] batches, int[] threads, string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        var load = MachineInfo.LoadAverage();
        var sb = new StringBuilder();
        sb.AppendLine("# Parallel batch sampling: wall time per decoding step").AppendLine();
        sb.AppendLine(inv, $"- Machine: {MachineInfo.Cores} logical cores visible (`nproc`), CPU: {MachineInfo.CpuModel()}");
        sb.AppendLine(inv, $"- Date: {MachineInfo.Date} UTC, .NET {Environment.Version}; /proc/loadavg at the end: {load}");
        sb.AppendLine(inv, $"- Command: `dotnet run -c Release --project bench -- samplers {string.Join(' ', args)}`");
        sb.AppendLine("- Each cell: median wall milliseconds of one `BatchSampler.Sample` over the whole batch (the engine's per-step");
        sb.AppendLine("  sampling), one workspace per thread; the speed-up column divides the first thread count's time by the last's.");
        sb.AppendLine("  Refilling the logit rows is not timed. History 640 tokens per sequence.");
        sb.AppendLine("- The machine is shared by several jobs on 2 cores: a second thread only helps when a core is free, so the");
        sb.AppendLine("  speed-up says as much about the neighbours as about the code.");
        sb.AppendLine();
        sb.Append("| configuration | V | batch |");
        foreach (var t in threads)
        {
            sb.Append(inv, $" {t} thread{(t == 1 ? "" : "s")} (ms) |");
        }
        sb.AppendLine(" speed-up |");
        sb.Append("|---|---:|---:|").AppendLine(string.Concat(Enumerable.Repeat("---:|", threads.Length + 1)));
        foreach (var (name, _) in Configs)
        {
            foreach (var v in vocabs)
            {
                foreach (var b in batches)
                {
                    sb.Append(inv, $"| {name} | {v / 1000}k | {b} |");
                    foreach (var t in threads)
                    {
                        sb.Append(inv, $" {r[(name, v, b, t)]:F2} |");
                    }
                    sb.AppendLine(inv, $" {r[(name, v, b, threads[0])] / r[(name, v, b, threads[^1])]:F2}× |");
                }
            }
        }
        return sb.ToString();
    }
}
