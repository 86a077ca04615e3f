using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bench.Common;
using Engine.Backends.Cpu;
using Engine.Execution;
using Engine.Model;

namespace Bench.CpuForward;

/// <summary>
/// <c>cpu-forward</c>: prefill (one batch of N prompt tokens) and decode (one token per step from an empty
/// context, like llama-bench's tg) tokens/s of a 110M-parameter Llama shape with random weights on the CPU
/// backend, per dtype and thread count; also bytes allocated during decode (should be 0) and peak RSS.
/// Writes bench/results/cpu-forward.md.
/// usage: cpu-forward [--dtypes f32,bf16] [--threads 1,2] [--runs 3] [--prompt 512] [--decode 64] [--out PATH]
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
    };

    public static int Run(string[] args)
    {
        var dtypes = Arg(args, "--dtypes", "f32,bf16").Split(',').Select(d => Enum.Parse<DType>(d, ignoreCase: true)).ToArray();
        var threads = Arg(args, "--threads", "1,2").Split(',').Select(int.Parse).ToArray();
        var runs = int.Parse(Arg(args, "--runs", "3"), CultureInfo.InvariantCulture);
        var promptTokens = int.Parse(Arg(args, "--prompt", "512"), CultureInfo.InvariantCulture);
        var decodeTokens = int.Parse(Arg(args, "--decode", "64"), CultureInfo.InvariantCulture);
        var output = Arg(args, "--out", Path.Combine("bench", "results", "cpu-forward.md"));

        var rows = new List<string>();
        foreach (var dtype in dtypes)
        {
            var weights = RandomWeights.Create(Shape110M, seed: 1, dtype);
            foreach (var t in threads)
            {
                var result = Measure(weights, dtype, t, runs, promptTokens, decodeTokens);
                Console.WriteLine(result);
                rows.Add(result);
            }
            GC.Collect();
        }
        var peakRss = Process.GetCurrentProcess().PeakWorkingSet64;
        Write(output, args, rows, peakRss, promptTokens, decodeTokens, runs);
        Console.WriteLine($"peak RSS {peakRss / (1 << 20)} MiB; written to {output}");
        return 0;
    }

    internal static string Measure(Weights weights, DType dtype, int threads, int runs, int promptTokens, int decodeTokens)
    {
        using var backend = new CpuBackend(threads);
        var blockSize = 16;
        var maxBlocks = Shape110M.MaxContext / blockSize;
        var model = new LlamaModel(Shape110M, LlamaWeights.Bind(Shape110M, weights), backend, promptTokens, 1);
        var cache = model.AllocateKvCache(maxBlocks, blockSize);
        var batch = new ForwardBatch(promptTokens, 1, maxBlocks, blockSize);
        var blockTable = Enumerable.Range(0, maxBlocks).ToArray();
        var logits = new float[Shape110M.VocabSize];
        var prompt = Enumerable.Range(0, promptTokens).Select(i => (i * 7919) % Shape110M.VocabSize).ToArray();
        var oneToken = new int[1];

        var prefill = new List<double>();
        var decode = new List<double>();
        long decodeAllocated = 0;
        for (var run = 0; run <= runs; run++)   // run 0 warms up the JIT and caches
        {
            batch.Clear();
            batch.AddSequence(prompt, 0, blockTable, computeLogits: true);
            var clock = Stopwatch.StartNew();
            model.Forward(batch, cache, logits);
            var prefillSeconds = clock.Elapsed.TotalSeconds;

            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            clock.Restart();
            for (var pos = 0; pos < decodeTokens; pos++)
            {
                oneToken[0] = pos == 0 ? 1 : ArgMax(logits);
                batch.Clear();
                batch.AddSequence(oneToken, pos, blockTable, computeLogits: true);
                model.Forward(batch, cache, logits);
            }
            var decodeSeconds = clock.Elapsed.TotalSeconds;
            if (run > 0)
            {
                prefill.Add(promptTokens / prefillSeconds);
                decode.Add(decodeTokens / decodeSeconds);
                decodeAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            }
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"| {dtype} | {threads} | {Median(prefill):F1} | {prefill.Max():F1} | {Median(decode):F2} | {decode.Max():F2} | {decodeAllocated} |");
    }

    private static int ArgMax(ReadOnlySpan<float> x)
    {
        var best = 0;
        for (var i = 1; i < x.Length; i++)
        {
            if (x[i] > x[best])
            {
                best = i;
            }
        }
        return best;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static void Write(string path, string[] args, List<string> rows, long peakRss, int promptTokens, int decodeTokens, int runs)
    {
        var text = new StringBuilder();
        text.AppendLine("# cpu-forward: CPU backend, 110M Llama shape (random weights)");
        text.AppendLine();
        MachineInfo.AppendHeader(text, "cpu-forward", args);
        text.AppendLine(CultureInfo.InvariantCulture, $"- shape: dim 768, 12 layers, 12 heads (12 KV), hidden 2048, vocab 32000, untied; prefill = one batch of {promptTokens} tokens; decode = {decodeTokens} single-token steps from an empty context; {runs} runs after a warm-up");
        text.AppendLine("- yardstick (llama.cpp b4748 llama-bench, same shape, this machine kind): F32 tg 31–36 tok/s with 2 threads (18–20 with 1), F16 tg 41–54, F32 pp512 410–450 with 2 threads");
        text.AppendLine("- NOISY: the machine is shared; compare only numbers taken side by side.");
        text.AppendLine();
        text.AppendLine("| weights | threads | prefill tok/s (median) | prefill best | decode tok/s (median) | decode best | bytes allocated in decode |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        rows.ForEach(r => text.AppendLine(r));
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Peak RSS of the whole run: {peakRss / (1 << 20)} MiB (weights of every dtype measured are generated in turn).");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, text.ToString());
    }
}
