using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bench.Common;
using ConvertTool.Gguf;
using Engine.Model;
using Engine.Tests.Gguf;

namespace Bench.CpuForward;

/// <summary>
/// <c>cpu-forward</c>: our CPU backend beside llama.cpp (LLamaSharp 0.30.0) in the same run, on the same weights:
/// a random 110M Llama (stories110M shape) is written as a Hugging Face directory, which our engine maps, and
/// through <c>convert gguf</c> as a GGUF, which llama.cpp loads. Each round runs, in turn, a bandwidth probe, our
/// decode, a probe, llama.cpp's decode, a probe, our prefill and llama.cpp's prefill, so slow phases of a shared
/// machine hit both sides alike and each decode has the machine's bandwidth of its own moment beside it. Reports
/// tokens/s, the ratios ours/llama.cpp, and decode as a fraction of the memory roofline (probe GB/s ÷ weight bytes
/// read per token), each the median of the rounds' own ratios. Writes bench/results/cpu-forward.md.
/// usage: cpu-forward [--dtypes f32,bf16] [--threads 2] [--rounds 5] [--prompt 512] [--decode 128] [--out PATH]
/// [--keep DIR] (keeps the checkpoints as DIR/f32, DIR/bf16, … for <c>engine generate --model</c>)
/// [--depth N] (also decode after an N-token prompt on both sides, llama-bench's tg at depth; 0: skip)
/// [--kv-cache-dtype bf16|f16|f32] (our KV cache; default bf16: the 2 bytes per element of llama.cpp's default f16 cache)
/// </summary>
public static class CpuForwardBench
{
    internal static readonly ModelConfig Shape110M = new()
    {
        Name = "llama-110M-random",
        Dim = 768,
        HiddenDim = 2048,
        NumLayers = 12,
        NumHeads = 12,
        NumKvHeads = 12,
        HeadDim = 64,
        VocabSize = 32000,
        MaxContext = 1024,
        TieWordEmbeddings = false,
        BosTokenId = 1,
        EosTokenIds = [2],
    };

    /// <summary>One round's numbers; each probe GB/s is the best read variant just before or after a decode.</summary>
    private sealed record Round(double OursDecode, double LlamaDecode, double OursPrefill, double LlamaPrefill,
        double ProbeBefore, double ProbeBetween, double ProbeAfter, double WeightsBefore, double WeightsAfter,
        double OursDepth, double LlamaDepth);

    /// <summary>A row of the table: medians over rounds of each round's own numbers and ratios (a paired design: a
    /// slow phase of the shared machine moves a round's decode and its probes together, so the per-round ratio
    /// holds where medians of separate columns would pair numbers from different phases).</summary>
    private sealed record Row(DType DType, int Threads, long BytesPerToken, IReadOnlyList<Round> Rounds, long Allocated)
    {
        public double Roofline(double gbPerS) => gbPerS * 1e9 / BytesPerToken;

        // ours decodes between the first two probes, llama.cpp between the last two
        public IEnumerable<double> OursOfRoofline => Rounds.Select(r => r.OursDecode / Roofline((r.ProbeBefore + r.ProbeBetween) / 2));

        // the same decode against the probe over its own mapped weights, read right before and right after it
        public IEnumerable<double> OursOfWeightsRoofline => Rounds.Select(r => r.OursDecode / Roofline((r.WeightsBefore + r.WeightsAfter) / 2));

        public IEnumerable<double> LlamaOfRoofline => Rounds.Select(r => r.LlamaDecode / Roofline((r.ProbeBetween + r.ProbeAfter) / 2));
    }

    public static int Run(string[] args)
    {
        var dtypes = BenchArgs.Arg(args, "--dtypes", "f32,bf16").Split(',').Select(d => Enum.Parse<DType>(d, ignoreCase: true)).ToArray();
        var threads = BenchArgs.Arg(args, "--threads", "2").Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        var rounds = int.Parse(BenchArgs.Arg(args, "--rounds", "5"), CultureInfo.InvariantCulture);
        var promptTokens = int.Parse(BenchArgs.Arg(args, "--prompt", "512"), CultureInfo.InvariantCulture);
        var decodeTokens = int.Parse(BenchArgs.Arg(args, "--decode", "128"), CultureInfo.InvariantCulture);
        var output = BenchArgs.Arg(args, "--out", Path.Combine("bench", "results", "cpu-forward.md"));
        var keep = BenchArgs.Arg(args, "--keep", "");
        var depth = int.Parse(BenchArgs.Arg(args, "--depth", "0"), CultureInfo.InvariantCulture);
        var kvDType = Enum.Parse<DType>(BenchArgs.Arg(args, "--kv-cache-dtype", "bf16"), ignoreCase: true);
        var loadBefore = MachineInfo.LoadAverage();

        var rows = new List<Row>();
        string? version = null;
        using var probe = new BandwidthProbe(1L << 30);
        foreach (var dtype in dtypes)
        {
            var dir = keep.Length > 0
                ? Path.Combine(keep, dtype.ToString().ToLowerInvariant())
                : Path.Combine(Path.GetTempPath(), $"cpu-forward-{dtype}-{Environment.ProcessId}");
            try
            {
                var bytesPerToken = Prepare(dir, dtype);
                foreach (var t in threads)
                {
                    var row = Measure(dir, dtype, t, rounds, promptTokens, decodeTokens, depth, kvDType, probe, bytesPerToken);
                    version ??= LlamaCppRunner.Version();
                    Console.WriteLine(Format(row));
                    rows.Add(row);
                }
            }
            finally
            {
                if (keep.Length == 0)
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
        }
        Write(output, args, rows, version ?? "not loaded", loadBefore, promptTokens, decodeTokens, rounds, depth, kvDType);
        Console.WriteLine($"written to {output}");
        return 0;
    }

    /// <summary>Writes the HF directory and (<paramref name="gguf"/>) its GGUF; returns the weight bytes one decode
    /// token reads (every matrix once, the classifier included, the embedding only as one row).</summary>
    internal static long Prepare(string dir, DType dtype, bool gguf = true)
    {
        var weights = RandomWeights.Create(Shape110M, seed: 1, dtype);
        HfDirectoryWriter.Write(dir, Shape110M, weights);
        SyntheticVocabulary.Write(dir, Shape110M.VocabSize);
        if (gguf)
        {
            GgufConversion.Run(new GgufConversionOptions(dir, Path.Combine(dir, "model.gguf"), dtype == DType.BF16 ? GgmlType.BF16 : dtype == DType.F16 ? GgmlType.F16 : GgmlType.F32));
        }
        return weights.Names.Where(n => n != "model.embed_tokens.weight" || Shape110M.TieWordEmbeddings)
            .Select(n => weights.TryGet(n, out var w) ? w : throw new KeyNotFoundException(n))
            .Where(w => w.Shape.Count == 2)
            .Sum(w => (long)w.Bytes.Length);
    }

    private static Row Measure(string dir, DType dtype, int threads, int rounds, int promptTokens, int decodeTokens, int depth, DType kvDType,
        BandwidthProbe probe, long bytesPerToken)
    {
        using var ours = new EngineRunner(dir, threads, Math.Max(promptTokens, depth), kvCacheDType: kvDType);
        using var llama = new LlamaCppRunner(Path.Combine(dir, "model.gguf"), threads, Shape110M.MaxContext);
        var prompt = Enumerable.Range(0, Math.Max(promptTokens, depth)).Select(i => 3 + (i * 7919 % (Shape110M.VocabSize - 3))).ToArray();
        var depthPrompt = prompt[..depth];
        prompt = prompt[..promptTokens];
        var weights = ours.MappedWeights();
        List<Round> measured = [];
        long allocated = 0;
        for (var round = 0; round <= rounds; round++)   // round 0 warms up the JIT, the caches and the page cache
        {
            var before = Probe(probe, threads);
            var weightsBefore = ProbeWeights(probe, weights, threads);
            var od = decodeTokens / ours.Decode(decodeTokens);
            var weightsAfter = ProbeWeights(probe, weights, threads);
            var between = Probe(probe, threads);
            var ld = decodeTokens / llama.Decode(decodeTokens);
            var after = Probe(probe, threads);
            var op = promptTokens / ours.Prefill(prompt);
            var lp = promptTokens / llama.Prefill(prompt);
            var oDepth = depth > 0 ? decodeTokens / ours.Decode(decodeTokens, depthPrompt) : double.NaN;
            var lDepth = depth > 0 ? decodeTokens / llama.Decode(decodeTokens, depthPrompt) : double.NaN;
            if (round > 0)
            {
                measured.Add(new Round(od, ld, op, lp, before, between, after, weightsBefore, weightsAfter, oDepth, lDepth));
                allocated = Math.Max(allocated, ours.DecodeAllocatedBytes);
            }
        }
        return new Row(dtype, threads, bytesPerToken, measured, allocated);
    }

    // the best read variant, one pass each: short enough (~0.2 s) to sit right beside a decode
    private static double Probe(BandwidthProbe probe, int threads) => probe.Measure(threads, passes: 1).Variants.Values.Max();

    private static unsafe double ProbeWeights(BandwidthProbe probe, (nint Start, nint Bytes) weights, int threads) =>
        weights.Bytes > 0 ? probe.BestOver((byte*)weights.Start, weights.Bytes, threads) : double.NaN;

    private static string Format(Row r)
    {
        var probe = Median(r.Rounds.Select(x => (x.ProbeBefore + x.ProbeBetween) / 2));
        var ours = r.OursOfRoofline.ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"| {r.DType} | {r.Threads} | {probe:F1} | {r.Roofline(probe):F1} | {Median(r.Rounds.Select(x => x.OursDecode)):F1} | {Median(r.Rounds.Select(x => x.LlamaDecode)):F1} | **{Median(r.Rounds.Select(x => x.OursDecode / x.LlamaDecode)):F2}** | **{Median(ours):P0}** ({ours.Min():P0}–{ours.Max():P0}) | {Median(r.Rounds.Select(x => (x.WeightsBefore + x.WeightsAfter) / 2)):F1} | {Median(r.OursOfWeightsRoofline):P0} | {Median(r.LlamaOfRoofline):P0} | {Median(r.Rounds.Select(x => x.OursPrefill)):F0} | {Median(r.Rounds.Select(x => x.LlamaPrefill)):F0} | **{Median(r.Rounds.Select(x => x.OursPrefill / x.LlamaPrefill)):F2}** | {r.Allocated} |{DepthColumns(r.Rounds)}");
    }

    private static string FormatRounds(Row r) => string.Join(Environment.NewLine, r.Rounds.Select((x, i) => string.Create(CultureInfo.InvariantCulture,
        $"| {r.DType} | {r.Threads} | {i + 1} | {x.ProbeBefore:F1} | {x.OursDecode:F1} | {x.ProbeBetween:F1} | {x.LlamaDecode:F1} | {x.ProbeAfter:F1} | {x.OursDecode / x.LlamaDecode:F2} | {r.OursOfRoofline.ElementAt(i):P0} | {(x.WeightsBefore + x.WeightsAfter) / 2:F1} | {r.OursOfWeightsRoofline.ElementAt(i):P0} | {r.LlamaOfRoofline.ElementAt(i):P0} | {x.OursPrefill:F0} | {x.LlamaPrefill:F0} |{DepthColumns([x])}")));

    // decode at depth: medians of ours, llama.cpp's and the rounds' own ratios; nothing when --depth is 0
    private static string DepthColumns(IReadOnlyList<Round> rounds) => double.IsNaN(rounds[0].OursDepth) ? "" : string.Create(CultureInfo.InvariantCulture,
        $" {Median(rounds.Select(x => x.OursDepth)):F1} | {Median(rounds.Select(x => x.LlamaDepth)):F1} | **{Median(rounds.Select(x => x.OursDepth / x.LlamaDepth)):F2}** |");

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static void Write(string path, string[] args, List<Row> rows, string version, string loadBefore, int promptTokens, int decodeTokens, int rounds,
        int depth, DType kvDType)
    {
        var text = new StringBuilder();
        text.AppendLine("# cpu-forward: CPU backend beside llama.cpp, 110M Llama shape (random weights, same checkpoint)");
        text.AppendLine();
        MachineInfo.AppendHeader(text, "cpu-forward", args);
        text.AppendLine(CultureInfo.InvariantCulture, $"- load average at the start: {loadBefore}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- yardstick: llama.cpp via LLamaSharp 0.30.0 + LLamaSharp.Backend.Cpu 0.30.0: {version}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- shape: dim 768, 12 layers, 12 heads (12 KV), hidden 2048, vocab 32000, untied; the HF directory is mapped by our engine, its `convert gguf` output loaded by llama.cpp");
        text.AppendLine(CultureInfo.InvariantCulture, $"- decode = {decodeTokens} greedy single-token steps from an empty cache (llama-bench tg); prefill = one batch of {promptTokens} tokens (pp{promptTokens}); {rounds} rounds after a warm-up round");
        text.AppendLine("- a round: probe, weights probe, our decode, weights probe, probe, llama.cpp's decode, probe, our prefill, llama.cpp's prefill; probe = the best of the read variants of `cpu-bandwidth` (Plain4, Unroll8, Streams4, PrefetchT0, PrefetchNta, Claimed), one pass each over 1 GiB on pinned threads");
        text.AppendLine("- roofline = GB/s ÷ weight bytes read per decode token (every matrix once, classifier included); a decode's % of roofline uses the mean of the two probes around it");
        text.AppendLine("- weights probe = the same read variants over our decode's own memory-mapped safetensors file (its 4 KiB page-cache pages; run right before and right after our decode, inside the bracket of the anonymous-buffer probes): the roofline of the pages the GEMVs actually stream");
        text.AppendLine("- every ratio and % is the median over rounds of that round's own ratio (paired); tok/s and GB/s columns are medians of their own; the range after ours % roofline is its min–max over rounds");
        text.AppendLine(CultureInfo.InvariantCulture, $"- our KV cache: {kvDType} (llama.cpp's: f16, its default; our f16 path measured slower to write and widen: prefill 1.35× llama.cpp against 1.67× with bf16 in two runs a minute apart){(depth > 0 ? $"; decode @ {depth} = the same {decodeTokens} steps after a {depth}-token prompt (prefill not timed) on both sides, after the prefills of each round" : "")}");
        text.AppendLine("- NOISY: the machine is shared; only the ratios of numbers taken side by side in this run mean anything.");
        var depthHeader = depth > 0 ? $" ours decode @ {depth} tok/s | llama.cpp decode @ {depth} tok/s | decode @ {depth} ours/llama.cpp |" : "";
        var depthRule = depth > 0 ? "---|---|---|" : "";
        text.AppendLine();
        text.AppendLine("| weights | threads | probe GB/s | roofline tok/s | ours decode tok/s | llama.cpp decode tok/s | decode ours/llama.cpp | ours % roofline | weights probe GB/s | ours % weights roofline | llama.cpp % roofline | ours prefill tok/s | llama.cpp prefill tok/s | prefill ours/llama.cpp | bytes allocated in our decode |" + depthHeader);
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|" + depthRule);
        rows.ForEach(r => text.AppendLine(Format(r)));
        text.AppendLine();
        text.AppendLine("## Every round");
        text.AppendLine();
        text.AppendLine("| weights | threads | round | probe GB/s | ours decode tok/s | probe GB/s | llama.cpp decode tok/s | probe GB/s | decode ours/llama.cpp | ours % roofline | weights probe GB/s | ours % weights roofline | llama.cpp % roofline | ours prefill tok/s | llama.cpp prefill tok/s |" + depthHeader);
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|" + depthRule);
        rows.ForEach(r => text.AppendLine(FormatRounds(r)));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, text.ToString());
    }
}
