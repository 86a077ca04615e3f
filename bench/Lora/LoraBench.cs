using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bench.Common;
using Bench.CpuForward;
using Engine.Backends.Cpu;
using Engine.Execution;
using Engine.Lora;
using Engine.Model;
using Engine.Tests.Lora;
using Loader.Adapters;

namespace Bench.Lora;

/// <summary>
/// <c>lora</c>: decode tokens/s of a batch of 8 sequences on the CPU backend (110M Llama shape, random F32 weights,
/// two random rank-16 adapters on every projection of every layer), in the four ways the engine can run it: the
/// base model (yardstick), all 8 on one merged adapter, all 8 unmerged on one adapter (one segment), and 8 unmerged
/// sequences alternating adapters and multipliers (8 segments); plus the time of one runtime merge (what a switch
/// into merged mode costs). Writes bench/results/lora.md.
/// usage: lora [--threads 2] [--runs 5] [--prompt 32] [--decode 16] [--rank 16] [--out PATH]
/// </summary>
public static class LoraBench
{
    private const int Seqs = 8;
    private static readonly string[] AllTargets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    public static int Run(string[] args)
    {
        var threads = int.Parse(BenchArgs.Arg(args, "--threads", "2"), CultureInfo.InvariantCulture);
        var runs = int.Parse(BenchArgs.Arg(args, "--runs", "5"), CultureInfo.InvariantCulture);
        var promptTokens = int.Parse(BenchArgs.Arg(args, "--prompt", "32"), CultureInfo.InvariantCulture);
        var decodeSteps = int.Parse(BenchArgs.Arg(args, "--decode", "16"), CultureInfo.InvariantCulture);
        var rank = int.Parse(BenchArgs.Arg(args, "--rank", "16"), CultureInfo.InvariantCulture);
        var output = BenchArgs.Arg(args, "--out", Path.Combine("bench", "results", "lora.md"));

        var config = CpuForwardBench.Shape110M;
        var weights = RandomWeights.Create(config, seed: 1);
        var dir = Directory.CreateTempSubdirectory("bench-lora-");
        try
        {
            var layers = Enumerable.Range(0, config.NumLayers).ToArray();
            RandomLoraAdapter.Write(Path.Combine(dir.FullName, "a"), config, rank, alpha: 2 * rank, seed: 1, layers, AllTargets);
            RandomLoraAdapter.Write(Path.Combine(dir.FullName, "b"), config, rank, alpha: 2 * rank, seed: 2, layers, AllTargets);
            using var a = LoraAdapter.Open(Path.Combine(dir.FullName, "a"));
            using var b = LoraAdapter.Open(Path.Combine(dir.FullName, "b"));
            using var backend = new CpuBackend(threads);
            var set = new LoraAdapterSet(config, backend, rank);
            set.Add(a);
            set.Add(b);
            using var merges = new LoraMergeCache(config, weights, backend, set);
            var model = new LlamaModel(config, LlamaWeights.Bind(config, weights), backend, Seqs * promptTokens, Seqs, set);

            var clock = Stopwatch.StartNew();
            var merged = merges.Get(0, 1f);
            var mergeSeconds = clock.Elapsed.TotalSeconds;

            var same = Enumerable.Repeat((0, 1f), Seqs).ToArray();
            float[] multipliers = [0.5f, 1f, 2f, 4f];
            var mixed = Enumerable.Range(0, Seqs).Select(i => (i % 2, multipliers[i / 2 % 4])).ToArray();
            var none = Enumerable.Repeat((-1, 0f), Seqs).ToArray();
            (string Mode, LoraMergedWeights? Merged, (int, float)[] Rows)[] modes =
            [
                ("base (no adapter)", null, none),
                ("merged: 8 × adapter a × 1", merged, none),
                ("unmerged: 8 × adapter a × 1 (1 segment)", null, same),
                ("unmerged: a/b alternating, × 0.5/1/2/4 (8 segments)", null, mixed),
            ];
            // runs interleave the modes (run 1 of every mode, then run 2 ...), so load on the shared machine hits all alike
            var rates = modes.Select(_ => new List<double>()).ToArray();
            var cache = new DecodeBatch(model, config, promptTokens, decodeSteps);
            for (var run = 0; run <= runs; run++)   // run 0 warms up the JIT and caches
            {
                for (var m = 0; m < modes.Length; m++)
                {
                    model.MergedLora = modes[m].Merged;
                    var rate = cache.Measure(modes[m].Rows);
                    if (run > 0)
                    {
                        rates[m].Add(rate);
                    }
                }
            }
            var rows = new List<string>();
            for (var m = 0; m < modes.Length; m++)
            {
                var row = string.Create(CultureInfo.InvariantCulture, $"| {modes[m].Mode} | {Median(rates[m]):F1} | {rates[m].Max():F1} |");
                Console.WriteLine(row);
                rows.Add(row);
            }
            Write(output, args, rows, mergeSeconds, threads, runs, promptTokens, decodeSteps, rank);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one runtime merge: {mergeSeconds:F2} s; written to {output}"));
            return 0;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // One run: prefill the 8 prompts in one batch, then time decodeSteps steps of 8 rows; decode tokens/s.
    private sealed class DecodeBatch
    {
        private const int BlockSize = 16;
        private readonly LlamaModel _model;
        private readonly ModelConfig _config;
        private readonly int _promptTokens;
        private readonly int _decodeSteps;
        private readonly Engine.Backends.IDeviceKvCache _cache;
        private readonly ForwardBatch _batch;
        private readonly int[][] _tables;
        private readonly float[] _logits;
        private readonly int[] _prompt;
        private readonly int[] _token = new int[1];

        public DecodeBatch(LlamaModel model, ModelConfig config, int promptTokens, int decodeSteps)
        {
            (_model, _config, _promptTokens, _decodeSteps) = (model, config, promptTokens, decodeSteps);
            var blocksPerSeq = (promptTokens + decodeSteps + BlockSize - 1) / BlockSize;
            _cache = model.AllocateKvCache(Seqs * blocksPerSeq, BlockSize);
            _batch = new ForwardBatch(Seqs * promptTokens, Seqs, blocksPerSeq, BlockSize);
            _tables = [.. Enumerable.Range(0, Seqs).Select(s => Enumerable.Range(s * blocksPerSeq, blocksPerSeq).ToArray())];
            _logits = new float[Seqs * config.VocabSize];
            _prompt = [.. Enumerable.Range(0, promptTokens).Select(i => (i * 7919) % config.VocabSize)];
        }

        public double Measure((int LoraId, float Multiplier)[] seqRows)
        {
            _batch.Clear();
            for (var s = 0; s < Seqs; s++)
            {
                _batch.AddSequence(_prompt, 0, _tables[s], computeLogits: true, seqRows[s].LoraId, seqRows[s].Multiplier);
            }
            _model.Forward(_batch, _cache, _logits);
            var clock = Stopwatch.StartNew();
            for (var step = 0; step < _decodeSteps; step++)
            {
                _batch.Clear();
                for (var s = 0; s < Seqs; s++)
                {
                    _token[0] = (step * 31 + s) % _config.VocabSize;
                    _batch.AddSequence(_token, _promptTokens + step, _tables[s], computeLogits: true, seqRows[s].LoraId, seqRows[s].Multiplier);
                }
                _model.Forward(_batch, _cache, _logits);
            }
            return Seqs * _decodeSteps / clock.Elapsed.TotalSeconds;
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static void Write(string path, string[] args, List<string> rows, double mergeSeconds, int threads, int runs, int promptTokens, int decodeSteps, int rank)
    {
        var text = new StringBuilder();
        text.AppendLine("# lora: a batch of 8 sequences, merged vs unmerged LoRA, CPU backend");
        text.AppendLine();
        MachineInfo.AppendHeader(text, "lora", args);
        text.AppendLine(CultureInfo.InvariantCulture, $"- model: 110M Llama shape (dim 768, 12 layers, hidden 2048, vocab 32000), random F32 weights; {threads} threads");
        text.AppendLine(CultureInfo.InvariantCulture, $"- adapters: two random rank-{rank} adapters on q, k, v, o, gate, up, down of every layer");
        text.AppendLine(CultureInfo.InvariantCulture, $"- each run: 8 prompts of {promptTokens} tokens prefilled in one batch, then {decodeSteps} timed decode steps of 8 rows; {runs} runs after a warm-up, the modes interleaved run by run");
        text.AppendLine("- NOISY: the machine is shared by several builds; compare only rows of one run.");
        text.AppendLine();
        text.AppendLine("| mode | decode tok/s (median) | best |");
        text.AppendLine("|---|---|---|");
        rows.ForEach(r => text.AppendLine(r));
        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"One runtime merge of adapter a (float32 W + m·scale·B·A over every adapted projection, then upload): {mergeSeconds:F2} s. The engine pays it when a step enters merged mode for an (adapter, multiplier) other than the one held (LoraMergeCache keeps one pair). Since the background merge (`EngineOptions.LoraMergeInBackground`, default on) no step pauses for it: the merge runs on one thread beside the forward (so it takes longer than the 2-core figure above) while the steps run unmerged, and the next step after it finished runs merged."));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, text.ToString());
    }
}
