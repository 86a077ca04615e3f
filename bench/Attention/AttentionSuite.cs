using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bench.Common;
using Engine.Backends.Cuda.Attention;
using ILGPU;
using ILGPU.Runtime;
using Kernels;

namespace Bench.Attention;

/// <summary>
/// On a CUDA device: our paged attention (<see cref="PagedAttentionKernels"/>, bf16 cache, Llama-3-8B heads: 32 query
/// heads, 8 KV heads, head_dim 128, block size 16) at contexts 1k/8k/32k beside
/// torch.nn.functional.scaled_dot_product_attention on the same shapes (<c>torch_attention.py</c>, run first by
/// bench/gpu/run.sh, its JSON lines given with --torch). Decode: batch B of one row each, KV GB/s = bytes of K and V
/// read / time. Prefill: one chunk of --chunk rows at the end of the context, TFLOP/s = 4 · chunk · (C − chunk/2) ·
/// heads · head_dim / time. Times: host wall clock around --iters launches and one synchronize, after 3 warm-ups.
/// Writes bench/results/attention-cuda.md with the device, date, commands and the ratios ours / torch.
/// </summary>
/// <remarks>Usage: <c>attention [--contexts 1024,8192,32768] [--batches 1,16] [--chunk 1024] [--iters 20] [--torch FILE]</c>.</remarks>
public static class AttentionSuite
{
    private const int Heads = 32;
    private const int KvHeads = 8;
    private const int HeadDim = 128;
    private const int BlockSize = 16;

    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = Options(args);
        if (!KernelContext.TryCreateCuda(out var context, out var reason))
        {
            Console.Error.WriteLine("attention: CUDA is not available: " + reason);
            return 1;
        }
        var ours = new List<JsonObject>();
        using (context)
        {
            using var stream = context.CreateStream();
            using var kernels = new PagedAttentionKernels(context);
            foreach (var c in options.Contexts)
            {
                foreach (var b in options.Batches)
                {
                    var seconds = Time(context, stream, kernels, b, c, 1, options.Iters);
                    var bytes = 2.0 * b * c * KvHeads * HeadDim * 2;
                    ours.Add(new JsonObject { ["impl"] = "ours", ["kind"] = "decode", ["batch"] = b, ["context"] = c, ["seconds"] = seconds, ["kv_gbps"] = bytes / seconds / 1e9 });
                    Console.WriteLine(ours[^1].ToJsonString());
                }
                var chunk = Math.Min(options.Chunk, c);
                var prefill = Time(context, stream, kernels, 1, c, chunk, options.Iters);
                var flops = 4.0 * chunk * (c - (chunk / 2.0)) * Heads * HeadDim;
                ours.Add(new JsonObject { ["impl"] = "ours", ["kind"] = "prefill", ["batch"] = 1, ["context"] = c, ["chunk"] = chunk, ["seconds"] = prefill, ["tflops"] = flops / prefill / 1e12 });
                Console.WriteLine(ours[^1].ToJsonString());
            }
            Write(context.Accelerator.Name, options, ours);
        }
        return 0;
    }

    // b sequences whose last `rows` tokens are new, each with c keys in its own contiguous run of blocks.
    private static double Time(KernelContext context, AcceleratorStream stream, PagedAttentionKernels kernels, int b, int c, int rows, int iters)
    {
        var accelerator = context.Accelerator;
        var blocksPerSeq = (c + BlockSize - 1) / BlockSize;
        var cacheElements = (long)b * blocksPerSeq * BlockSize * KvHeads * HeadDim;
        using var keys = accelerator.Allocate1D<ushort>(cacheElements);
        using var values = accelerator.Allocate1D<ushort>(cacheElements);
        keys.View.MemSet(stream, 0x3C);
        values.View.MemSet(stream, 0x3B);
        var tokens = b * rows;
        using var q = accelerator.Allocate1D<float>((long)tokens * Heads * HeadDim);
        using var output = accelerator.Allocate1D<float>((long)tokens * Heads * HeadDim);
        q.View.MemSet(stream, 0x3C);
        var starts = new int[b + 1];
        var positions = new int[tokens];
        var tables = new int[b * blocksPerSeq];
        for (var s = 0; s < b; s++)
        {
            starts[s + 1] = (s + 1) * rows;
            for (var r = 0; r < rows; r++)
            {
                positions[(s * rows) + r] = c - rows + r;
            }
            for (var i = 0; i < blocksPerSeq; i++)
            {
                tables[(s * blocksPerSeq) + i] = (s * blocksPerSeq) + i;
            }
        }
        using var dStarts = accelerator.Allocate1D(starts);
        using var dPositions = accelerator.Allocate1D(positions);
        using var dTables = accelerator.Allocate1D(tables);
        var metadata = new AttentionMetadata(dStarts.View, dPositions.View, dTables.View);
        var step = new AttentionStep(tokens, b, blocksPerSeq, BlockSize, rows, c, rows == 1 ? b : 0);
        void Launch() => kernels.Run(stream, q.View, output.View, keys.View, values.View, KvCacheType.Bf16, metadata, step, Heads, KvHeads, HeadDim);
        return GpuTiming.SecondsPerCall(stream, 3, iters, Launch);
    }

    private static void Write(string device, SuiteOptions options, List<JsonObject> ours)
    {
        var torch = GpuTiming.ReadJsonLines(options.TorchFile);
        var text = GpuTiming.StartResults("# Paged attention on the GPU: ours (C#, ILGPU) vs torch scaled_dot_product_attention", device, torch, "attention", options.Args, "bench/Attention/torch_attention.py");
        text.AppendLine("- Shapes: 32 query heads, 8 KV heads, head_dim 128, bf16 KV; ours reads a paged cache (block size 16), torch contiguous K/V.");
        text.AppendLine("- Prefill is the last chunk of the context (chunked prefill), our f32-SIMT prefill kernel (no tensor cores yet).");
        text.AppendLine();
        text.AppendLine("| kind | batch | context | ours (us) | torch (us) | ours / torch time | ours KV GB/s or TFLOP/s | torch |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in ours)
        {
            var kind = row["kind"]!.GetValue<string>();
            var batch = row["batch"]!.GetValue<int>();
            var context = row["context"]!.GetValue<int>();
            var theirs = torch.FirstOrDefault(t => t["kind"]?.GetValue<string>() == kind && t["batch"]?.GetValue<int>() == batch && t["context"]?.GetValue<int>() == context);
            var metric = kind == "decode" ? "kv_gbps" : "tflops";
            var ourSeconds = row["seconds"]!.GetValue<double>();
            var theirSeconds = theirs?["seconds"]?.GetValue<double>();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {kind} | {batch} | {context} | {ourSeconds * 1e6:F1} | {(theirSeconds is { } t ? (t * 1e6).ToString("F1", CultureInfo.InvariantCulture) : "-")} | {(theirSeconds is { } u ? (ourSeconds / u).ToString("F2", CultureInfo.InvariantCulture) : "-")} | {row[metric]!.GetValue<double>():F2} | {(theirs?[metric]?.GetValue<double>() is { } m ? m.ToString("F2", CultureInfo.InvariantCulture) : "-")} |");
        }
        GpuTiming.WriteResults(text, ours.Concat(torch), "attention-cuda.md");
    }

    private sealed record SuiteOptions(string[] Args, int[] Contexts, int[] Batches, int Chunk, int Iters, string? TorchFile);

    private static SuiteOptions Options(string[] args)
    {
        int[] contexts = [1024, 8192, 32768], batches = [1, 16];
        int chunk = 1024, iters = 20;
        string? torch = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--contexts": contexts = Ints(value); break;
                case "--batches": batches = Ints(value); break;
                case "--chunk": chunk = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--iters": iters = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--torch": torch = value; break;
                default: throw new ArgumentException($"attention: unknown option {args[i]}");
            }
        }
        return new SuiteOptions(args, contexts, batches, chunk, iters, torch);
    }

    private static int[] Ints(string list) => [.. list.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
}
