using Bench.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bench.Sampling;
using Engine.Backends.Cuda.Sampling;
using Engine.Backends.Cuda.Sampling.Penalties;
using Engine.Backends.Cuda.Sampling.Selection;
using Engine.Sampling;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Algorithms.RadixSortOperations;
using ILGPU.Runtime;
using Kernels;

namespace Bench.SamplerSweep;

/// <summary>
/// <c>sampler-sweep</c> suite: cost of each sampler and of the chain per decoding step at batch 1/16/64/128 × vocab
/// 32k/128k/152k, on one backend: <c>--device cpu</c> the CPU <see cref="SamplerChain"/> (rows one after another
/// on one thread, process CPU time, <see cref="SamplersBench.Measure"/>), <c>--device cuda</c> the
/// <see cref="DeviceSamplerChain"/> on the GPU (wall time per step after a warm-up, the stream synchronised, the
/// device-to-device reset of the logits measured alone and subtracted), <c>--device check</c> the same kernels on
/// ILGPU's CPU accelerator (a simulator: a smoke test of this path, never a speed). <c>--torch FILE</c> adds the
/// PyTorch yardstick measured on the same GPU in the same device call (bench/SamplerSweep/torch_sampler_sweep.py's
/// JSON lines) beside our rows, with the ratio. Writes bench/results/sampler-sweep-DEVICE.md and .svg.
/// Options: <c>--vocabs 32000,128256</c>, <c>--batches 1,16</c>, <c>--steps N</c> (device steps timed, default 20).
/// </summary>
public static class SamplerSweepBench
{
    /// <summary>One sampler on top of plain sampling (softmax, draw) each, then the selection chain and the issue's goal chain.</summary>
    internal static readonly (string Name, string Json)[] Configs =
    [
        ("plain (T=1, draw)", "{}"),
        ("greedy (T=0)", """{"temperature": 0}"""),
        ("temperature 0.7", """{"temperature": 0.7}"""),
        ("dynatemp", """{"dynatemp_min": 0.5, "dynatemp_max": 1.5}"""),
        ("top_k 40", """{"top_k": 40}"""),
        ("top_p 0.9", """{"top_p": 0.9}"""),
        ("min_p 0.05", """{"min_p": 0.05}"""),
        ("top_a 0.2", """{"top_a": 0.2}"""),
        ("tfs 0.95", """{"tfs": 0.95}"""),
        ("eta_cutoff 3", """{"eta_cutoff": 3}"""),
        ("epsilon_cutoff 3", """{"epsilon_cutoff": 3}"""),
        ("typical_p 0.9", """{"typical_p": 0.9}"""),
        ("nsigma 1.5", """{"nsigma": 1.5}"""),
        ("quadratic 0.3", """{"smoothing_factor": 0.3}"""),
        ("XTC (p=1, 0.1)", """{"xtc_probability": 1, "xtc_threshold": 0.1}"""),
        ("skew 0.5", """{"skew": 0.5}"""),
        ("mirostat v2", """{"mirostat_mode": 2}"""),
        ("penalties (rep 1.1, freq 0.2, pres 0.2)", """{"repetition_penalty": 1.1, "frequency_penalty": 0.2, "presence_penalty": 0.2}"""),
        ("DRY 0.8", """{"dry_multiplier": 0.8}"""),
        ("no_repeat_ngram 3", """{"no_repeat_ngram_size": 3}"""),
        ("selection chain (T 0.8, top_k 40, top_p 0.95, min_p 0.05)", """{"temperature": 0.8, "top_k": 40, "top_p": 0.95, "min_p": 0.05}"""),
        (GoalChain, """{"repetition_penalty": 1.1, "frequency_penalty": 0.2, "presence_penalty": 0.2, "dry_multiplier": 0.8, "temperature": 0.8, "top_k": 40, "top_p": 0.95, "min_p": 0.05}"""),
    ];

    /// <summary>Issue 12's goal: penalties + DRY + top-k + top-p + min-p + temperature, per-request seeds (≤ 0.15 ms at 64 × 128k on an H100).</summary>
    internal const string GoalChain = "goal chain (penalties + DRY + T 0.8, top_k 40, top_p 0.95, min_p 0.05)";

    // Each sequence's history, as SamplersBench.Measure builds it on the CPU: a 512-token prompt, 128 generated tokens.
    private const int PromptTokens = 512;
    private const int OutputTokens = 128;

    /// <summary>
    /// The yardstick of TFS's and skew's per-row sort on a device: ILGPU.Algorithms' radix sort (it has no segmented
    /// form, so one grid-wide sort per row) of each row's float logits, descending. Our "tfs 0.95" row minus "plain"
    /// is softmax + the bitonic sort of 64-bit keys + TFS itself, so this row favours the yardstick.
    /// </summary>
    internal const string SortYardstick = "yardstick: ILGPU.Algorithms radix sort, one per row (floats)";

    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var device = "cpu";
        int[]? vocabs = null;
        int[]? batches = null;
        var steps = 20;
        string? torch = null;
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--device" when value is "cpu" or "cuda" or "check":
                    device = value;
                    break;
                case "--vocabs" when value is not null:
                    vocabs = Ints(value);
                    break;
                case "--batches" when value is not null:
                    batches = Ints(value);
                    break;
                case "--steps" when value is not null:
                    steps = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--torch" when value is not null:
                    torch = value;
                    break;
                default:
                    Console.Error.WriteLine($"sampler-sweep: bad option {args[i]} {value} (--device cpu|cuda|check, --vocabs, --batches, --steps, --torch FILE)");
                    return 2;
            }
        }
        // The simulator runs every thread of a group on 2 cores: only a small grid is affordable there.
        vocabs ??= device == "check" ? [4096] : [32_000, 128_256, 151_936];
        batches ??= device == "check" ? [1, 4] : [1, 16, 64, 128];
        var results = new Dictionary<(string, int, int), double>();
        var note = "";
        if (device == "cpu")
        {
            // Warm-up: every code path reaches its final JIT tier before anything is timed (CPU time counts the JIT threads).
            var small = SamplersBench.MakeLogits(4096, 8);
            foreach (var (_, json) in Configs)
            {
                SamplersBench.Measure(4096, 1, json, small);
            }
            foreach (var vocab in vocabs)
            {
                var rows = SamplersBench.MakeLogits(vocab, 64);
                foreach (var (name, json) in Configs)
                {
                    foreach (var batch in batches)
                    {
                        Record(results, name, vocab, batch, SamplersBench.Measure(vocab, batch, json, rows));
                    }
                }
            }
        }
        else
        {
            using var context = KernelContext.Create(device == "cuda" ? KernelDevice.Cuda : KernelDevice.Cpu);
            note = context.Accelerator.Name;
            using var stream = context.CreateStream();
            foreach (var vocab in vocabs)
            {
                MeasureDevice(context, stream, vocab, batches, device == "check" ? Math.Min(steps, 2) : steps, results);
            }
        }
        var yardstick = torch is null ? [] : TorchYardstick.Read(torch);
        var dir = Path.Combine(BenchArgs.RepoRoot(), "bench", "results");
        Directory.CreateDirectory(dir);
        var file = $"sampler-sweep-{device}";
        File.WriteAllText(Path.Combine(dir, file + ".md"), SamplerSweepReport.Markdown(device, note, results, yardstick, vocabs, batches, args));
        File.WriteAllText(Path.Combine(dir, file + ".svg"), SamplerSweepReport.Svg(device, results, yardstick, vocabs, batches));
        Console.WriteLine($"wrote {Path.Combine(dir, file + ".md")}");
        return 0;
    }

    // Every configuration at every batch of one vocabulary: one chain sized for the largest batch, joined to the
    // penalty half as the engine runs it (so S0–S3 run on every step, as in serving), pristine logits on the device,
    // each step = reset the working logits (device copy) + Run + synchronise. Each row's sequence holds a slot with
    // SamplersBench.Measure's histories (prompt 512, output 128 tokens), put there before the timing.
    private static void MeasureDevice(KernelContext context, AcceleratorStream stream, int vocab, int[] batches, int steps,
        Dictionary<(string, int, int), double> results)
    {
        var maxBatch = batches.Max();
        var host = SamplersBench.MakeLogits(vocab, maxBatch).SelectMany(r => r).ToArray();
        using var pristine = context.Accelerator.Allocate1D(host);
        using var work = context.Accelerator.Allocate1D<float>(host.Length);
        using var penalties = new DevicePenalties(context, maxBatch, vocab, PromptTokens + OutputTokens + 1);
        using var stages = new PenaltyStages(context, penalties);
        using var chain = new DeviceSamplerChain(context, maxBatch, vocab) { LogitStages = stages };
        var rng = new Random(7);
        var prompt = Enumerable.Range(0, PromptTokens).Select(_ => rng.Next(vocab)).ToArray();
        var outputs = Enumerable.Range(0, maxBatch).Select(_ => Enumerable.Range(0, OutputTokens).Select(_ => rng.Next(vocab)).ToArray()).ToArray();
        var slots = Enumerable.Range(0, maxBatch).ToArray();
        foreach (var batch in batches)
        {
            var elements = (long)batch * vocab;
            void Reset() => pristine.View.SubView(0, elements).CopyTo(stream, work.View.SubView(0, elements));
            var copy = Time(stream, steps, Reset);
            var sort = context.Accelerator.CreateRadixSort<float, Stride1D.Dense, DescendingFloat>();
            using var temp = context.Accelerator.Allocate1D<int>(context.Accelerator.ComputeRadixSortTempStorageSize<float, DescendingFloat>(vocab));
            var sorted = Time(stream, steps, () =>
            {
                Reset();
                for (var r = 0; r < batch; r++)
                {
                    sort(stream, work.View.SubView((long)r * vocab, vocab), temp.View);
                }
            });
            Record(results, SortYardstick, vocab, batch, Math.Max(0, sorted - copy));
            foreach (var (name, json) in Configs)
            {
                var p = SamplingParams.FromJson(JsonDocument.Parse(json).RootElement, new SamplingLimits { VocabSize = vocab });
                var chainOfRequest = new SamplerChain(p, new SamplerSetup(vocab, [2]));
                var request = PenaltyRequest.From(chainOfRequest);
                for (var r = 0; r < batch; r++)
                {
                    penalties.BeginRequest(stream, r, prompt, request);
                }
                penalties.ReplayHistories(stream, slots.AsSpan(0, batch), outputs[..batch]);
                var rows = Enumerable.Range(0, batch).Select(r => RowSamplingParams.From(chainOfRequest.Params, 1000 + r, 0, OutputTokens, 2f * p.MirostatTau, 0, guided: false)).ToArray();
                var total = Time(stream, steps, () =>
                {
                    Reset();
                    chain.Run(stream, work.View, rows);
                });
                Record(results, name, vocab, batch, Math.Max(0, total - copy));
            }
        }
    }

    // Milliseconds per step: two warm-up steps (kernels compile, caches fill), then `steps` timed, synchronised once.
    private static double Time(AcceleratorStream stream, int steps, Action step) => GpuTiming.SecondsPerCall(stream, 2, steps, step) * 1e3;

    private static void Record(Dictionary<(string, int, int), double> results, string name, int vocab, int batch, double ms)
    {
        results[(name, vocab, batch)] = ms;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"V={vocab,7} batch={batch,3} {name,-55} {ms,10:F4} ms/step"));
    }

    private static int[] Ints(string list) =>
        [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
}
