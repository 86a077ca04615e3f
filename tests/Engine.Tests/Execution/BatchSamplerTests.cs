using System.Text.Json;
using Engine.Execution;
using Engine.Sampling;
using Engine.Scheduling;
using Engine.Tests.Sampling;

namespace Engine.Tests.Execution;

/// <summary>
/// <see cref="BatchSampler"/> on worker threads against the same batch sampled one sequence after another on the
/// calling thread: each sequence's draw is fixed by (seed, choice, step) and its own history, so every token,
/// logprob, top-logprob list and Mirostat μ must be bit-identical, whatever thread took which sequence.
/// </summary>
public sealed class BatchSamplerTests
{
    private const int Vocab = 3000;

    // every active sampler configuration, the typical chain, and top logprobs on some of them
    private static readonly string[] Configs =
    [
        .. SamplerPropertyTests.ActiveConfigs,
        """{"repetition_penalty": 1.1, "temperature": 0.8, "top_k": 40, "top_p": 0.95, "min_p": 0.05, "logprobs": 5}""",
        """{"logprobs": 3}""",
        """{"allowed_token_ids": [1, 2, 3, 4]}""",
        """{"min_p": 0.9, "logprobs": 8}""",
    ];

    private sealed record Batch(List<ScheduledRequest> Scheduled, int[] RowOf);

    // one request per configuration, two sequences (choices 0 and 1) of each, with a shared prompt
    private static Batch NewBatch()
    {
        var setup = new SamplerSetup(Vocab, [2]);
        int[] prompt = [.. Enumerable.Range(0, 64).Select(i => i * 37 % Vocab)];
        var scheduled = new List<ScheduledRequest>();
        foreach (var json in Configs)
        {
            var p = SamplingParams.FromJson(JsonDocument.Parse(json).RootElement);
            for (var choice = 0; choice < 2; choice++)
            {
                var sampler = SequenceSampler.Create(p, setup, seed: 17 + scheduled.Count, choice);
                var stop = new StopConditions(p, [2], maxTokens: 1000, maxModelLen: 4096);
                var request = new Request(new RequestId(scheduled.Count + 1), prompt, sampler, stop, p.Logprobs ?? -1);
                scheduled.Add(new ScheduledRequest(request, 1));
            }
        }
        return new Batch(scheduled, [.. Enumerable.Range(0, scheduled.Count)]);
    }

    // Language-model-like rows (a Gaussian body and a few strong candidates), different per step and sequence.
    private static float[] Logits(int rows, int step)
    {
        var rng = new Random(1000 + step);
        var logits = new float[rows * Vocab];
        for (var i = 0; i < logits.Length; i++)
        {
            logits[i] = (float)(rng.NextDouble() * 8 - 4);
        }
        for (var r = 0; r < rows; r++)
        {
            logits[r * Vocab + rng.Next(Vocab)] += 6f;
        }
        return logits;
    }

    // Samples `steps` steps, appending each sampled token to its request; windows of `window` logit rows.
    private static (List<int[]> Tokens, List<float[]> Logprobs) Run(BatchSampler sampler, Batch batch, int steps, int window)
    {
        var output = new ModelRunnerOutput(batch.Scheduled.Count);
        var tokens = new List<int[]>();
        var logprobs = new List<float[]>();
        for (var step = 0; step < steps; step++)
        {
            var all = Logits(batch.Scheduled.Count, step);
            output.Reset(batch.Scheduled.Count);
            for (var first = 0; first < batch.Scheduled.Count; first += window)
            {
                var count = Math.Min(window, batch.Scheduled.Count - first);
                var rows = all.AsSpan(first * Vocab, count * Vocab).ToArray();
                sampler.Sample(batch.Scheduled, batch.RowOf, first, count, rows, output);
            }
            tokens.Add(output.SampledTokenIds.ToArray());
            logprobs.Add(output.Logprobs.ToArray());
            for (var i = 0; i < batch.Scheduled.Count; i++)
            {
                if (output.SampledTokenIds[i] >= 0)
                {
                    batch.Scheduled[i].Request.AppendOutput(output.SampledTokenIds[i]);
                }
            }
        }
        return (tokens, logprobs);
    }

    [Theory]
    [InlineData(2, 1000)]
    [InlineData(3, 1000)]
    [InlineData(2, 7)]
    public void ParallelSampling_IsBitIdenticalToSequential(int threads, int window)
    {
        var sequentialBatch = NewBatch();
        var parallelBatch = NewBatch();
        var sequential = Run(new BatchSampler(Vocab, threads: 1), sequentialBatch, steps: 6, window: 1000);
        using var parallel = new BatchSampler(Vocab, threads);
        Assert.Equal(threads, parallel.Threads);
        var result = Run(parallel, parallelBatch, steps: 6, window);

        Assert.Equal(sequential.Tokens, result.Tokens);
        // compare the bits: float equality would let −0 and 0 (or two NaNs) pass for each other
        Assert.Equal(sequential.Logprobs.Select(r => r.Select(BitConverter.SingleToInt32Bits)), result.Logprobs.Select(r => r.Select(BitConverter.SingleToInt32Bits)));
        for (var i = 0; i < sequentialBatch.Scheduled.Count; i++)
        {
            var s = sequentialBatch.Scheduled[i].Request;
            var p = parallelBatch.Scheduled[i].Request;
            Assert.Equal(s.TopCount, p.TopCount);
            Assert.Equal(s.TopLogprobs, p.TopLogprobs);
            Assert.Equal(BitConverter.SingleToInt32Bits(s.Sampler.MirostatMu), BitConverter.SingleToInt32Bits(p.Sampler.MirostatMu));
        }
        // the sampled tokens are real draws: the seeded sequences do not all pick one token
        Assert.True(sequential.Tokens.SelectMany(t => t).Distinct().Count() > 10);
    }

    [Fact]
    public void Sample_SkipsRequestsOutsideTheWindow_AndThoseThatDoNotSample()
    {
        var batch = NewBatch();
        batch.RowOf[1] = -1;
        var output = new ModelRunnerOutput(batch.Scheduled.Count);
        output.Reset(batch.Scheduled.Count);
        using var sampler = new BatchSampler(Vocab, threads: 2);
        // window of rows 4..9: requests 4..9 sample, all others keep NotSampled
        sampler.Sample(batch.Scheduled, batch.RowOf, 4, 6, Logits(6, 0), output);
        for (var i = 0; i < batch.Scheduled.Count; i++)
        {
            var inWindow = i is >= 4 and < 10;
            Assert.Equal(inWindow, output.SampledTokenIds[i] != ModelRunnerOutput.NotSampled);
        }
    }

    // A throw while sampling one sequence fails that sequence alone (issue 13: it used to fail the whole step, and the
    // engine then aborted every request): its entry is Failed with the cause, every other sequence keeps its token.
    [Fact]
    public void WorkerFailure_FailsOnlyThatSequence_AndTheOthersAreSampled()
    {
        var batch = NewBatch();
        var output = new ModelRunnerOutput(batch.Scheduled.Count);
        output.Reset(batch.Scheduled.Count);
        using var sampler = new BatchSampler(Vocab, threads: 2);
        // a logit buffer one row short: the last sequence's row is out of range wherever it is sampled
        var last = batch.Scheduled.Count - 1;
        var logits = Logits(last, 0);

        sampler.Sample(batch.Scheduled, batch.RowOf, 0, batch.Scheduled.Count, logits, output);

        Assert.Equal(ModelRunnerOutput.Failed, output.SampledTokenIds[last]);
        Assert.IsAssignableFrom<ArgumentException>(output.ErrorOf(last));
        for (var i = 0; i < last; i++)
        {
            Assert.InRange(output.SampledTokenIds[i], 0, Vocab - 1);
            Assert.Null(output.ErrorOf(i));
        }
    }
}
