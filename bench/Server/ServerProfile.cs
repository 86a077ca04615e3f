using System.Diagnostics;
using System.Globalization;
using Engine.Execution;
using Engine.Generation;
using Engine.Model;
using Engine.Sampling;
using Bench.Common;

namespace Bench.Server;

/// <summary>
/// <c>server-profile</c>: where the time of one sequential N-token completion goes, layer by layer, on a real
/// checkpoint, with no HTTP: (1) the bare forward pass, one decode step after another; (2) the engine's step
/// loop (scheduler, runner, sampler, channel to the caller) with token ids out; (3) the text path the server
/// uses (output processor: detokenise, stop checks). Subtracting (1) from (2) and (2) from (3) gives each
/// layer's overhead; server-load's sequential non-streaming latency minus (3) is the HTTP server's share.
/// usage: server-profile --model DIR [--threads 1,2] [--max-tokens 64] [--runs 50] [--prompt TEXT]
/// </summary>
public static class ServerProfile
{
    public static int Run(string[] args)
    {
        var dir = BenchArgs.Arg(args, "--model") ?? throw new ArgumentException("server-profile needs --model DIR (an HF directory, e.g. from convert llama2c).");
        var threads = BenchArgs.Arg(args, "--threads", "1,2").Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        var maxTokens = int.Parse(BenchArgs.Arg(args, "--max-tokens", "64"), CultureInfo.InvariantCulture);
        var runs = int.Parse(BenchArgs.Arg(args, "--runs", "50"), CultureInfo.InvariantCulture);
        var promptText = BenchArgs.Arg(args, "--prompt", "Once upon a time, in a land far away,");

        using var checkpoint = ModelCheckpoint.Open(dir);
        var tokenizer = Engine.Tokenization.Tokenizer.FromDirectory(dir);
        var prompt = tokenizer.Encode(promptText, addSpecialTokens: false);
        var sampling = new SamplingParams { IgnoreEos = true, Seed = 1 };
        Console.WriteLine($"| threads | forward only (ms) | engine, token ids (ms) | engine, text (ms) | per token: forward / step loop / text (µs) |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var t in threads)
        {
            var forward = Forward(checkpoint, t, prompt, maxTokens, runs);
            using var engine = LlmEngine.Create(checkpoint.Config, checkpoint.Weights, new EngineOptions { Threads = t, MaxNumSeqs = 32 }, tokenizer);
            var tokens = Mean(runs, () => Drain(engine.GenerateAsync(new Engine.Generation.GenerationRequest(prompt, maxTokens) { Sampling = sampling, Seed = 1 })));
            var text = Mean(runs, () => Drain(engine.GenerateAsync(new EngineRequest(prompt, sampling, maxTokens))));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {t} | {forward:F2} | {tokens:F2} | {text:F2} | {forward * 1000 / maxTokens:F1} / {(tokens - forward) * 1000 / maxTokens:F1} / {(text - tokens) * 1000 / maxTokens:F1} |"));
        }
        // Throughput of the text path alone with K concurrent requests (the engine's share of server-load's streams).
        Console.WriteLine();
        Console.WriteLine("| threads | concurrent requests | engine output tokens/s |");
        Console.WriteLine("|---|---|---|");
        foreach (var t in threads)
        {
            using var engine = LlmEngine.Create(checkpoint.Config, checkpoint.Weights, new EngineOptions { Threads = t, MaxNumSeqs = 32 }, tokenizer);
            foreach (var k in (ReadOnlySpan<int>)[1, 8, 32])
            {
                Task Batch() => Task.WhenAll(Enumerable.Range(0, k).Select(i =>
                    Drain(engine.GenerateAsync(new EngineRequest(prompt, sampling with { Seed = i }, maxTokens)))));
                var ms = Mean(Math.Max(4, runs / k), Batch);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {t} | {k} | {k * maxTokens / (ms / 1000):F0} |"));
            }
        }
        return 0;
    }

    /// <summary>Mean milliseconds of the bare model: the prompt as one prefill, then one decode step per token, greedy.</summary>
    private static double Forward(ModelCheckpoint checkpoint, int threads, IReadOnlyList<int> prompt, int maxTokens, int runs)
    {
        var config = checkpoint.Config;
        using var backend = new Engine.Backends.Cpu.CpuBackend(threads);
        const int blockSize = 16;
        var maxBlocks = (config.MaxContext + blockSize) / blockSize;
        var model = new LlamaModel(config, LlamaWeights.Bind(config, checkpoint.Weights), backend, Math.Max(prompt.Count, 1), 1);
        var cache = model.AllocateKvCache(maxBlocks, blockSize);
        var batch = new ForwardBatch(Math.Max(prompt.Count, 1), 1, maxBlocks, blockSize);
        var blockTable = Enumerable.Range(0, maxBlocks).ToArray();
        var logits = new float[config.VocabSize];
        var promptIds = prompt.ToArray();
        var one = new int[1];
        return Mean(runs, () =>
        {
            batch.Clear();
            batch.AddSequence(promptIds, 0, blockTable, computeLogits: true);
            model.Forward(batch, cache, logits);
            for (var i = 1; i < maxTokens; i++)
            {
                one[0] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(logits);
                batch.Clear();
                batch.AddSequence(one, promptIds.Length + i - 1, blockTable, computeLogits: true);
                model.Forward(batch, cache, logits);
            }
            return Task.CompletedTask;
        });
    }

    private static async Task Drain<T>(IAsyncEnumerable<T> outputs)
    {
        await foreach (var _ in outputs.ConfigureAwait(false)) { }
    }

    /// <summary>Mean wall milliseconds of <paramref name="runs"/> sequential calls, after 10 unmeasured warm-up calls.</summary>
    private static double Mean(int runs, Func<Task> once)
    {
        for (var i = 0; i < 10; i++) once().GetAwaiter().GetResult();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < runs; i++) once().GetAwaiter().GetResult();
        return clock.Elapsed.TotalMilliseconds / runs;
    }
}
