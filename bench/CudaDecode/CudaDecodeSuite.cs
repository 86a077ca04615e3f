using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bench.Common;
using Engine.Backends.Cuda;
using Engine.Execution;
using Engine.Model;
using ILGPU;
using ILGPU.Runtime;
using Kernels;

namespace Bench.CudaDecode;

/// <summary>
/// Decode tok/s of the whole model on the CUDA backend: an 8B-shaped random bf16 model (Llama-3-8B: 32 layers, dim
/// 4096, 32/8 heads of 128, SwiGLU 14336, vocab 128256, untied classifier, bf16 KV cache), B sequences each decoding
/// one token per step at position --context + step, beside the HBM roofline measured in the same run (device copy
/// bandwidth, cuMemcpyDtoD of 1 GiB: 2 · bytes / time) and beside plain PyTorch on the same shapes
/// (<c>torch_decode.py</c>, run first by bench/gpu/run.sh, its JSON lines given with --torch).
/// A step is the backend's real decode: every layer, the classifier on the B rows, then one copy of one row of
/// logits to the host (the synchronisation a device-sampled step has; the engine copies ids). The KV cache holds
/// zeros rather than a prefill's keys: attention reads the same bytes either way.
/// Roofline tok/s = B · bandwidth / (bytes one step must read: every matrix once, the embedding as B rows, and
/// each sequence's K and V over its context). Writes bench/results/cuda-decode.md.
/// </summary>
/// <remarks>
/// Usage: <c>cuda-decode [--layers 32] [--batches 1,8,32,64] [--context 512] [--steps 32] [--torch FILE]</c>;
/// <c>--device check</c> runs the same loop on the CPU accelerator at a tiny shape (the code path, not a speed).
/// </remarks>
public static class CudaDecodeSuite
{
    private const int BlockSize = 16;

    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var check = BenchArgs.Arg(args, "--device") == "check";
        var batches = BenchArgs.Arg(args, "--batches", check ? "1,3" : "1,8,32,64").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var contextTokens = int.Parse(BenchArgs.Arg(args, "--context", check ? "20" : "512"), CultureInfo.InvariantCulture);
        var steps = int.Parse(BenchArgs.Arg(args, "--steps", check ? "2" : "32"), CultureInfo.InvariantCulture);
        var config = check ? TinyShape : Llama3_8B with { NumLayers = int.Parse(BenchArgs.Arg(args, "--layers", "32"), CultureInfo.InvariantCulture) };
        KernelContext? context;
        if (check)
        {
            context = KernelContext.CreateCpu();
        }
        else if (!KernelContext.TryCreateCuda(out context, out var reason))
        {
            Console.Error.WriteLine("cuda-decode: CUDA is not available: " + reason);
            return 1;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var weights = RandomWeights.CreateParallel(config, seed: 1, DType.BF16);
        Console.WriteLine($"cuda-decode: {config.NumLayers} layers of random bf16 weights in {clock.Elapsed.TotalSeconds:F1} s");
        var rows = new List<JsonObject>();
        double bandwidth;
        var device = context.Accelerator.Name;
        using (context)
        {
            using var backend = new CudaBackend(context, kvCacheDType: DType.BF16);
            var maxBatch = batches.Max();
            clock.Restart();
            var model = new LlamaModel(config, LlamaWeights.Bind(config, weights), backend, maxBatchTokens: maxBatch, maxBatchSeqs: maxBatch);
            Console.WriteLine($"cuda-decode: weights uploaded in {clock.Elapsed.TotalSeconds:F1} s ({backend.WeightBytes >> 20} MiB)");
            // positions context .. context + 3 warm-ups + steps − 1
            var blocksPerSeq = (contextTokens + 3 + steps + BlockSize - 1) / BlockSize;
            var cache = model.AllocateKvCache(maxBatch * blocksPerSeq, BlockSize);
            bandwidth = check ? double.NaN : CopyBandwidth(context, 1L << 30);
            var matrixBytes = weights.Names.Select(n => weights.TryGet(n, out var w) ? w : throw new KeyNotFoundException(n))
                .Where(w => w.Shape.Count == 2 && w.Name != "model.embed_tokens.weight").Sum(w => (long)w.Bytes.Length);
            var batch = new ForwardBatch(maxBatch, maxBatch, blocksPerSeq, BlockSize);
            var tables = Enumerable.Range(0, maxBatch).Select(s => Enumerable.Range(s * blocksPerSeq, blocksPerSeq).ToArray()).ToArray();
            var token = new int[1];
            var logitRow = new float[config.VocabSize];
            foreach (var b in batches)
            {
                var position = contextTokens;
                void Step()
                {
                    batch.Clear();
                    for (var s = 0; s < b; s++)
                    {
                        token[0] = 3 + ((s * 7919 + position) % (config.VocabSize - 3));
                        batch.AddSequence(token, position, tables[s], computeLogits: true);
                    }
                    model.ForwardLayers(batch, cache);
                    var logits = model.ComputeDeviceLogits(batch, 0, b);
                    backend.CopyToHost(logits, 1, logitRow);
                    position++;
                }
                // the step synchronises itself (its logits copy); the default stream's synchronize is a no-op here
                var seconds = GpuTiming.SecondsPerCall(context.Accelerator.DefaultStream, 3, steps, Step);
                // each step reads every matrix, b embedding rows and the K and V of b sequences at the context reached mid-run
                var kvBytes = (long)b * (contextTokens + 3 + (steps / 2)) * config.NumLayers * config.KvDim * 2 * 2;
                var bytes = matrixBytes + ((long)b * config.Dim * 2) + kvBytes;
                var row = new JsonObject
                {
                    ["impl"] = "ours", ["batch"] = b, ["context"] = contextTokens, ["layers"] = config.NumLayers, ["seconds_per_step"] = seconds,
                    ["tok_s"] = b / seconds, ["bytes_per_step"] = bytes,
                };
                if (double.IsFinite(bandwidth))
                {
                    row["roofline_tok_s"] = b * bandwidth * 1e9 / bytes;
                }
                rows.Add(row);
                Console.WriteLine(row.ToJsonString());
            }
        }
        if (!check)
        {
            Write(args, rows, bandwidth, config, BenchArgs.Arg(args, "--torch"), device);
        }
        return 0;
    }

    // A Llama-3-8B-shaped config (the issue's yardstick shape).
    private static readonly ModelConfig Llama3_8B = new()
    {
        Name = "random-llama3-8b-shape",
        Dim = 4096,
        HiddenDim = 14336,
        NumLayers = 32,
        NumHeads = 32,
        NumKvHeads = 8,
        HeadDim = 128,
        VocabSize = 128256,
        MaxContext = 8192,
        RopeTheta = 500000,
        TieWordEmbeddings = false,
    };

    // The check device's shape: GQA, head_dim 64 (a kernel size), rows a multiple of 8 so the GEMV's vector path runs.
    private static readonly ModelConfig TinyShape = Llama3_8B with { Name = "random-tiny", Dim = 128, HiddenDim = 256, NumLayers = 2, NumHeads = 2, NumKvHeads = 1, HeadDim = 64, VocabSize = 96, MaxContext = 64 };

    // GB/s of a device-to-device copy of `bytes` (read + write), the best of 10 after a warm-up.
    private static double CopyBandwidth(KernelContext context, long bytes)
    {
        var accelerator = context.Accelerator;
        using var source = accelerator.Allocate1D<byte>(bytes);
        using var destination = accelerator.Allocate1D<byte>(bytes);
        var stream = accelerator.DefaultStream;
        source.View.MemSet(stream, 0x5A);
        var best = Enumerable.Range(0, 10).Min(_ => GpuTiming.SecondsPerCall(stream, 1, 1, () => source.View.CopyTo(stream, destination.View)));
        return 2.0 * bytes / best / 1e9;
    }

    private static void Write(string[] args, List<JsonObject> ours, double bandwidth, ModelConfig config, string? torchFile, string device)
    {
        var torch = GpuTiming.ReadJsonLines(torchFile);
        var text = GpuTiming.StartResults("# Decode on the GPU: the whole model on our CUDA backend vs the HBM roofline and plain PyTorch", device, torch, "cuda-decode", args, "bench/CudaDecode/torch_decode.py");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Model: {config.Name}, {config.NumLayers} layers, random bf16 weights, bf16 KV cache; device copy bandwidth {bandwidth:F0} GB/s (the roofline).");
        text.AppendLine("- Ours: one step = every layer + the classifier + one logits row copied to the host; torch: the same math in eager PyTorch (bf16, static KV cache, SDPA), its own random weights.");
        text.AppendLine();
        text.AppendLine("| batch | context | ours tok/s | roofline tok/s | ours / roofline | torch tok/s | ours / torch |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in ours)
        {
            var b = row["batch"]!.GetValue<int>();
            var tokS = row["tok_s"]!.GetValue<double>();
            var roof = row["roofline_tok_s"]!.GetValue<double>();
            var theirs = torch.FirstOrDefault(t => t["batch"]?.GetValue<int>() == b)?["tok_s"]?.GetValue<double>();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {b} | {row["context"]} | {tokS:F1} | {roof:F1} | {tokS / roof:P0} | {(theirs is { } t ? t.ToString("F1", CultureInfo.InvariantCulture) : "-")} | {(theirs is { } u ? (tokS / u).ToString("F2", CultureInfo.InvariantCulture) : "-")} |");
        }
        GpuTiming.WriteResults(text, ours.Concat(torch), "cuda-decode.md");
    }
}
