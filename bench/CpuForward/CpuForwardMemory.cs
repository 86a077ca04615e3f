using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bench.Common;
using Engine.Backends.Cpu;
using Engine.Execution;
using Engine.Model;
using Loader.Safetensors;

namespace Bench.CpuForward;

/// <summary>
/// <c>cpu-forward-memory</c>: peak RSS of the engine serving the 110M shape from a memory-mapped safetensors
/// checkpoint (the way users load models), against weights + KV cache bytes. The random checkpoint is written by
/// this process; each measurement runs in a child process, so generating the weights never counts.
/// usage: cpu-forward-memory [--dtypes f32,bf16] [--threads 2] [--out PATH];
/// child: cpu-forward-memory --checkpoint FILE --dtype D --threads N
/// </summary>
public static class CpuForwardMemory
{
    private const int BlockSize = 16;

    public static int Run(string[] args)
    {
        var checkpoint = BenchArgs.Arg(args, "--checkpoint", "");
        return checkpoint.Length > 0 ? Child(checkpoint, Enum.Parse<DType>(BenchArgs.Arg(args, "--dtype", "f32"), true), int.Parse(BenchArgs.Arg(args, "--threads", "2"), CultureInfo.InvariantCulture)) : Parent(args);
    }

    private static int Parent(string[] args)
    {
        var dtypes = BenchArgs.Arg(args, "--dtypes", "f32,bf16").Split(',');
        var threads = BenchArgs.Arg(args, "--threads", "2");
        var output = BenchArgs.Arg(args, "--out", Path.Combine("bench", "results", "cpu-forward-memory.md"));
        var config = CpuForwardBench.Shape110M;
        long kvBytes = (long)config.NumLayers * 2 * config.MaxContext * config.KvDim * sizeof(float);
        var rows = new List<string>();
        foreach (var name in dtypes)
        {
            var dtype = Enum.Parse<DType>(name, true);
            var dir = Path.Combine(Path.GetTempPath(), "cpu-forward-memory-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            var file = Path.Combine(dir, "model.safetensors");
            long weightBytes;
            {
                var weights = RandomWeights.Create(config, seed: 1, dtype);
                var tensors = weights.Names.Select(n => weights.TryGet(n, out var t) ? t : throw new KeyNotFoundException(n)).ToList();
                weightBytes = tensors.Sum(t => (long)t.Bytes.Length);
                SafetensorsWriter.WriteFile(file, tensors.Select(t => (new SafetensorsTensorInfo(t.Name, DTypeMapping.ToSafetensors(t.DType), [.. t.Shape.Select(d => (long)d)]), t.Bytes)));
            }
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            {
                start.ArgumentList.Add(Environment.GetCommandLineArgs()[0]); // run as `dotnet Bench.dll`: name the dll
            }
            foreach (var a in new[] { "cpu-forward-memory", "--checkpoint", file, "--dtype", name, "--threads", threads })
            {
                start.ArgumentList.Add(a);
            }
            using var child = Process.Start(start)!;
            var line = child.StandardOutput.ReadToEnd().Trim().Split('\n')[^1];
            child.WaitForExit();
            Directory.Delete(dir, recursive: true);
            var peak = long.Parse(line, CultureInfo.InvariantCulture);
            var budget = weightBytes + kvBytes;
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {name.ToUpperInvariant()} | {threads} | {weightBytes / 1048576.0:F0} | {kvBytes / 1048576.0:F0} | {peak / 1048576.0:F0} | {(double)peak / budget:F3} |"));
            Console.WriteLine(rows[^1]);
        }
        var text = new StringBuilder();
        text.AppendLine("# cpu-forward-memory: peak RSS serving a memory-mapped checkpoint");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- date: {MachineInfo.Date} UTC; machine: {MachineInfo.Cores} logical CPUs");
        text.AppendLine(CultureInfo.InvariantCulture, $"- command: `dotnet run -c Release --project bench -- cpu-forward-memory {string.Join(' ', args)}`");
        text.AppendLine("- shape: the cpu-forward 110M Llama (dim 768, 12 layers, hidden 2048, vocab 32000, untied), context 1024, F32 KV cache; one 512-token prefill then 16 decode steps; the child process opens the checkpoint with SafetensorsCheckpoint + ModelLoader (zero-copy views), so weights count once, as mapped pages");
        text.AppendLine("- goal (issue 3): peak within 10% of weights + KV cache, i.e. ratio ≤ 1.10; the rest is the .NET runtime, the JIT and the activation workspace");
        text.AppendLine();
        text.AppendLine("| weights | threads | weights MiB | KV cache MiB | peak RSS MiB | peak / (weights + KV) |");
        text.AppendLine("|---|---|---|---|---|---|");
        rows.ForEach(r => text.AppendLine(r));
        File.WriteAllText(output, text.ToString());
        return 0;
    }

    private static int Child(string file, DType _, int threads)
    {
        using var checkpoint = SafetensorsCheckpoint.Open(file);
        var weights = ModelLoader.LoadWeights(checkpoint, file);
        Exercise(weights, threads, promptTokens: 512, decodeTokens: 16);
        Console.WriteLine(Process.GetCurrentProcess().PeakWorkingSet64.ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    // one prefill then single-token steps, so the peak covers the workspace of both
    private static void Exercise(Weights weights, int threads, int promptTokens, int decodeTokens)
    {
        var config = CpuForwardBench.Shape110M;
        using var backend = new CpuBackend(threads);
        const int blockSize = 16;
        var maxBlocks = config.MaxContext / blockSize;
        var model = new LlamaModel(config, LlamaWeights.Bind(config, weights), backend, promptTokens, 1);
        var cache = model.AllocateKvCache(maxBlocks, blockSize);
        var batch = new ForwardBatch(promptTokens, 1, maxBlocks, blockSize);
        var blockTable = Enumerable.Range(0, maxBlocks).ToArray();
        var logits = new float[config.VocabSize];
        batch.AddSequence([.. Enumerable.Range(0, promptTokens).Select(i => (i * 7919) % config.VocabSize)], 0, blockTable, computeLogits: true);
        model.Forward(batch, cache, logits);
        for (var pos = promptTokens; pos < promptTokens + decodeTokens; pos++)
        {
            batch.Clear();
            batch.AddSequence([System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits)], pos, blockTable, computeLogits: true);
            model.Forward(batch, cache, logits);
        }
    }
}
