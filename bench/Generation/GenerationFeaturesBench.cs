using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bench.Common;
using Engine.Generation;
using Engine.Model;
using Engine.Sampling;

namespace Bench.Generation;

/// <summary>
/// <c>generation-features</c>: what beam search and prompt logprobs cost on the CPU engine, each beside its yardstick
/// in the same run: W-beam search against W independent sampled sequences (best_of = W) and greedy decoding, with the
/// peak KV blocks each holds (beams share their prefix blocks); a prefill with <c>prompt_logprobs</c> against the
/// same prefill without. usage: generation-features [--tokens 48] [--prompt 256] [--width 4] [--threads 2] [--out PATH]
/// </summary>
public static class GenerationFeaturesBench
{
    // the cpu-forward 110M shape, with a context long enough for the prompt-logprobs prefill
    private static readonly ModelConfig Shape = Bench.CpuForward.CpuForwardBench.Shape110M;

    public static int Run(string[] args)
    {
        var tokens = int.Parse(BenchArgs.Arg(args, "--tokens", "48"), CultureInfo.InvariantCulture);
        var promptLength = int.Parse(BenchArgs.Arg(args, "--prompt", "256"), CultureInfo.InvariantCulture);
        var width = int.Parse(BenchArgs.Arg(args, "--width", "4"), CultureInfo.InvariantCulture);
        var threads = int.Parse(BenchArgs.Arg(args, "--threads", "2"), CultureInfo.InvariantCulture);
        var output = BenchArgs.Arg(args, "--out", Path.Combine("bench", "results", "generation-features.md"));
        var weights = RandomWeights.Create(Shape, seed: 1);
        using var engine = LlmEngine.Create(Shape, weights, new EngineOptions { Threads = threads, MaxNumSeqs = Math.Max(8, width), BlockSize = 16 });
        int[] shortPrompt = [.. Enumerable.Range(0, 16).Select(i => (i * 37 + 11) % Shape.VocabSize)];
        int[] longPrompt = [.. Enumerable.Range(0, promptLength).Select(i => (i * 53 + 7) % Shape.VocabSize)];

        var greedy = new SamplingParams { Temperature = 0f, IgnoreEos = true };
        var beams = new SamplingParams { Temperature = 0f, N = width, BestOf = width, UseBeamSearch = true, IgnoreEos = true, EarlyStopping = EarlyStopping.True };
        var sampled = new SamplingParams { Temperature = 0.8f, N = 1, BestOf = width, Seed = 1, IgnoreEos = true };
        Measure(engine, shortPrompt, greedy, 4); // warm-up: JIT and first-touch of the weights

        var rows = new List<string>
        {
            Row("greedy, 1 sequence", Measure(engine, shortPrompt, greedy, tokens), tokens),
            Row($"best_of = {width} sampled sequences", Measure(engine, shortPrompt, sampled, tokens), tokens * width),
            Row($"beam search, W = {width}", Measure(engine, shortPrompt, beams, tokens), tokens * width),
        };
        var prefill = Measure(engine, longPrompt, greedy, 1);
        var withLogprobs = Measure(engine, longPrompt, greedy with { PromptLogprobs = 5 }, 1);
        var prefillRows = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"| {promptLength}-token prefill + 1 token | {prefill.Seconds:F2} | — |"),
            string.Create(CultureInfo.InvariantCulture, $"| same with prompt_logprobs = 5 | {withLogprobs.Seconds:F2} | {withLogprobs.Seconds / prefill.Seconds:F2}× |"),
        };
        rows.ForEach(Console.WriteLine);
        prefillRows.ForEach(Console.WriteLine);

        var text = new StringBuilder();
        text.AppendLine("# generation-features: beam search and prompt logprobs on the CPU engine");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- date: {MachineInfo.Date} UTC; machine: {MachineInfo.Cores} logical CPUs ({MachineInfo.CpuModel()}), shared with other jobs: expect ±20% noise");
        text.AppendLine(CultureInfo.InvariantCulture, $"- command: `dotnet run -c Release --project bench -- generation-features {string.Join(' ', args)}`");
        text.AppendLine(CultureInfo.InvariantCulture, $"- shape: the cpu-forward 110M Llama (random F32 weights, vocab 32000), {threads} threads, KV blocks of 16 tokens; 16-token prompt, {tokens} tokens per sequence, EOS ignored");
        text.AppendLine("- peak blocks: KV blocks held at the fullest step (polled every millisecond); beams share the prompt and their common prefixes");
        text.AppendLine();
        text.AppendLine("| run | seconds | tokens computed / s | peak KV blocks |");
        text.AppendLine("|---|---|---|---|");
        rows.ForEach(r => text.AppendLine(r));
        text.AppendLine();
        text.AppendLine("| prefill | seconds | vs without |");
        text.AppendLine("|---|---|---|");
        prefillRows.ForEach(r => text.AppendLine(r));
        File.WriteAllText(output, text.ToString());
        return 0;
    }

    private static (double Seconds, int PeakBlocks) Measure(LlmEngine engine, int[] prompt, SamplingParams sampling, int maxTokens)
    {
        var peak = 0;
        using var done = new CancellationTokenSource();
        var poller = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, engine.Core.NumBlocks - engine.Core.NumFreeBlocks);
                Thread.Sleep(1);
            }
        });
        var clock = Stopwatch.StartNew();
        Task.Run(async () =>
        {
            await foreach (var _ in engine.GenerateAsync(new EngineRequest(prompt, sampling.Validate(), maxTokens)))
            {
            }
        }).GetAwaiter().GetResult();
        var seconds = clock.Elapsed.TotalSeconds;
        done.Cancel();
        poller.GetAwaiter().GetResult();
        return (seconds, peak);
    }

    private static string Row(string name, (double Seconds, int PeakBlocks) m, int computedTokens) =>
        string.Create(CultureInfo.InvariantCulture, $"| {name} | {m.Seconds:F2} | {computedTokens / m.Seconds:F1} | {m.PeakBlocks} |");
}
