using System.Text.Json;
using Engine.Backends.Cpu;
using Engine.Execution;
using Engine.Sampling;
using Engine.Scheduling;

namespace Engine.Tests.Execution;

/// <summary>
/// A parallel batch-sampling step allocates nothing on any thread once the sampler exists (no per-step closures,
/// tasks or workspaces). Workers allocate on their own threads, so a probe job reads every pool thread's own
/// allocation counter before and after (process-wide counters would also count the test runner's threads).
/// </summary>
public sealed class BatchSamplerAllocationTests
{
    // Run with as many chunks as the pool has threads: each chunk records its thread's counter, then waits until every
    // thread has, so no thread can take two chunks and every thread joins.
    private sealed class AllocationProbe(int threads) : IParallelJob
    {
        private int _arrived;

        public long[] Bytes { get; } = new long[threads];

        public void Execute(int chunk, int worker)
        {
            Bytes[worker] = GC.GetAllocatedBytesForCurrentThread();
            Interlocked.Increment(ref _arrived);
            var spin = default(SpinWait);
            while (Volatile.Read(ref _arrived) < Bytes.Length)
            {
                spin.SpinOnce();
            }
        }

        // into a caller's array: an allocation here would count on the calling thread
        public void Read(WorkerPool pool, long[] into)
        {
            _arrived = 0;
            pool.Run(this, Bytes.Length);
            Bytes.CopyTo(into, 0);
        }
    }

    [Fact]
    public void ParallelStep_AllocatesNothing_OnAnyThread()
    {
        const int Vocab = 3000, Seqs = 12, Threads = 2;
        var setup = new SamplerSetup(Vocab, [2]);
        var p = SamplingParams.FromJson(JsonDocument.Parse("""{"repetition_penalty": 1.1, "temperature": 0.8, "top_k": 40, "top_p": 0.95, "min_p": 0.05, "logprobs": 3}""").RootElement);
        int[] prompt = [.. Enumerable.Range(0, 100).Select(i => i * 7 % Vocab)];
        var scheduled = Enumerable.Range(0, Seqs).Select(i => new ScheduledRequest(
            new Request(new RequestId(i + 1), prompt, SequenceSampler.Create(p, setup, seed: i), new StopConditions(p, [2], 1000, 4096), 3), 1)).ToList();
        int[] rowOf = [.. Enumerable.Range(0, Seqs)];
        var rng = new Random(3);
        var rows = Enumerable.Range(0, Seqs * Vocab).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        var logits = new float[rows.Length];
        var output = new ModelRunnerOutput(Seqs);
        using var pool = new WorkerPool(Threads);
        var sampler = new BatchSampler(Vocab, pool);
        var probe = new AllocationProbe(Threads);
        void Step()
        {
            rows.CopyTo(logits, 0);
            output.Reset(Seqs);
            sampler.Sample(scheduled, rowOf, 0, Seqs, logits, output);
        }
        // Warm-up well past the tiered JIT's call-counting threshold (30 calls) and its promotion to tier 1, whose
        // one-time transitions allocate on whichever thread meets them (100 steps were seen to be too few).
        for (var step = 0; step < 400; step++)
        {
            Step();
        }
        var before = new long[Threads];
        var after = new long[Threads];
        probe.Read(pool, before);
        probe.Read(pool, before);
        for (var step = 0; step < 20; step++)
        {
            Step();
        }
        probe.Read(pool, after);
        Assert.Equal(new long[Threads], after.Zip(before, (a, b) => a - b).ToArray());
    }
}
