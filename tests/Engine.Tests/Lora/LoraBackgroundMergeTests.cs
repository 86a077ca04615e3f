using Engine.Generation;
using Engine.Lora;
using Engine.Model;
using Engine.Tests.Model;
using Loader.Adapters;
using Tests.Common;

namespace Engine.Tests.Lora;

/// <summary>
/// <see cref="LoraMergeCache.TryGet"/> on the real aidreams260K model: a merge runs on a background thread (held
/// back here through the <see cref="LoraMergeCache.BackgroundMerge"/> seam, so nothing depends on timing), steps
/// keep running meanwhile, the merged copy is installed by the first call after it finished, a merge no longer asked
/// for never reaches the device, and the base stays bit for bit.
/// </summary>
public sealed class LoraBackgroundMergeTests : IDisposable
{
    private static readonly int[] Prompt = [1, 429, 470, 432, 458, 375, 431];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);   // only a hang waits this long

    private readonly TwoRandomAdapters _adapters = new(seedA: 41, seedB: 42);

    public void Dispose() => _adapters.Dispose();

    [Fact]
    public async Task StepsRun_WhileAMergeIsInFlight_AndTheMergedCopyIsUsedOnceItFinished()
    {
        using var reference = new ModelHarness(_adapters.Checkpoint.Config, LoraWeights.Merge(_adapters.Checkpoint.Weights, _adapters.A, 2.0));
        var (harness, merges) = _adapters.MergeHarness();
        using var gate = new ManualResetEventSlim();
        merges.BackgroundMerge = Gated(gate);
        using (harness)
        using (merges)
        {
            // not ready: the caller runs unmerged, and the step completes while the merge is still held back
            Assert.Null(merges.TryGet(0, 2f));
            var unmerged = harness.Step((0, Prompt, 0, 2f));
            Assert.NotNull(merges.MergeInFlight);
            Assert.False(merges.MergeInFlight!.IsCompleted);
            Assert.Null(merges.TryGet(0, 2f));
            Assert.Equal(0, merges.NumMerges);

            gate.Set();
            await merges.MergeInFlight!.WaitAsync(Patience);
            var merged = merges.TryGet(0, 2f);
            Assert.NotNull(merged);
            Assert.Same(merged, merges.TryGet(0, 2f));   // held: no second merge
            Assert.Equal(1, merges.NumMerges);
            harness.Model.MergedLora = merged;
            var mergedLogits = harness.Step((1, Prompt));

            // the background copy is the synchronous merge, bit for bit; unmerged agrees within the merge tolerance
            // (UnmergedLoraTests: 3.3e-6 relative) while differing in bits, so the switch really happened
            Assert.Equal(reference.Step((0, Prompt)), mergedLogits);
            Assert.NotEqual(unmerged, mergedLogits);
            var scale = mergedLogits[0].Max(Math.Abs);
            Assert.All(unmerged[0].Zip(mergedLogits[0]), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-5f * scale));
        }
    }

    [Fact]
    public async Task AMergeNoLongerAskedFor_IsCancelledBeforeItReachesTheDevice_AndOnlyOneMergeRunsAtATime()
    {
        var (harness, merges) = _adapters.MergeHarness();
        using var gate = new ManualResetEventSlim();
        var counter = new MergeCounter();
        merges.BackgroundMerge = Gated(gate, counter, ignoreCancellationWhileHeld: true);
        using (harness)
        using (merges)
        {
            var baseLogits = harness.Step((0, Prompt));
            var weightsBefore = harness.Backend.NumWeights;
            Assert.Null(merges.TryGet(0, 2f));
            var first = merges.MergeInFlight!;

            // the batch moved on to b: a's merge is cancelled, and b's waits until a's thread has stopped
            Assert.Null(merges.TryGet(1, 1f));
            Assert.Equal(1, merges.NumDiscarded);
            Assert.Null(merges.MergeInFlight);
            gate.Set();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Patience));
            Assert.True(first.IsCanceled);
            Assert.Equal(weightsBefore, harness.Backend.NumWeights);   // nothing of a's merge was uploaded

            gate.Reset();
            Assert.Null(merges.TryGet(1, 1f));                          // starts b now (held at the gate)
            gate.Set();
            await merges.MergeInFlight!.WaitAsync(Patience);
            var b = merges.TryGet(1, 1f)!;
            Assert.Equal((1, 1f), (b.AdapterId, b.Multiplier));
            Assert.Equal(1, merges.NumMerges);
            Assert.Equal(1, counter.MostAtOnce);
            var bModules = _adapters.B.Modules.Count;
            Assert.Equal(weightsBefore + bModules, harness.Backend.NumWeights);

            // a's pair asked for again: b stays held (and used) until a's copy is ready, then b's copy is released
            gate.Reset();
            Assert.Null(merges.TryGet(0, 2f));
            Assert.Equal(weightsBefore + bModules, harness.Backend.NumWeights);
            gate.Set();
            await merges.MergeInFlight!.WaitAsync(Patience);
            Assert.Equal((0, 2f), (merges.TryGet(0, 2f)!.AdapterId, merges.TryGet(0, 2f)!.Multiplier));
            Assert.Equal(2, merges.NumMerges);
            Assert.Equal(weightsBefore + _adapters.A.Modules.Count, harness.Backend.NumWeights);

            harness.Model.MergedLora = null;
            Assert.Equal(baseLogits, harness.Step((1, Prompt)));
        }
    }

    [Fact]
    public async Task Dispose_CancelsAMergeInFlight_AndAFailedMergeRethrowsOnTheNextCall()
    {
        var (harness, merges) = _adapters.MergeHarness();
        using var gate = new ManualResetEventSlim();
        using (harness)
        {
            merges.BackgroundMerge = Gated(gate);
            Assert.Null(merges.TryGet(0, 2f));
            var inFlight = merges.MergeInFlight!;
            merges.Dispose();   // the gate never opens: only cancellation ends this merge
            Assert.True(inFlight.IsCanceled);
            Assert.Null(merges.MergeInFlight);

            using var failGate = new ManualResetEventSlim();
            merges.BackgroundMerge = (_, _, token) =>
            {
                failGate.Wait(Patience, token);
                throw new InvalidDataException("bad adapter bytes");
            };
            Assert.Null(merges.TryGet(1, 1f));
            failGate.Set();
            await Assert.ThrowsAsync<InvalidDataException>(() => merges.MergeInFlight!.WaitAsync(Patience));
            Assert.Equal("bad adapter bytes", Assert.Throws<InvalidDataException>(() => merges.TryGet(1, 1f)).Message);
            Assert.Equal(0, merges.NumMerges);
        }
    }

    [Fact]
    public async Task Engine_KeepsGenerating_WhileAMergeIsHeldBack_AndRunsMergedOnceItIsReady()
    {
        using var unmergedOnly = Engine(allowMerged: false, background: true);
        using var mergedAtOnce = Engine(allowMerged: true, background: false);
        using var engine = Engine(allowMerged: true, background: true);
        using var gate = new ManualResetEventSlim();
        var merges = engine.Core.Runner.LoraMerges!;
        merges.BackgroundMerge = Gated(gate);
        var baseBefore = await LoraEngineTests.Generate(engine, -1, 0f);

        // all 24 tokens come while the merge is held back: no step waited for it, and every step ran unmerged
        var whileMerging = await LoraEngineTests.Generate(engine, 0, 2f);
        var unmerged = await LoraEngineTests.Generate(unmergedOnly, 0, 2f);
        Assert.Equal(unmerged.Tokens, whileMerging.Tokens);
        Assert.Equal(unmerged.Logprobs, whileMerging.Logprobs);
        Assert.Equal(LoraExecutionMode.Unmerged, engine.Core.Runner.LastLoraMode);
        Assert.Equal(0, merges.NumMerges);

        // once the merge is done, the next step switches to the merged copy: the engine that merges synchronously
        gate.Set();
        await merges.MergeInFlight!.WaitAsync(Patience);
        var afterMerge = await LoraEngineTests.Generate(engine, 0, 2f);
        var merged = await LoraEngineTests.Generate(mergedAtOnce, 0, 2f);
        Assert.Equal(merged.Tokens, afterMerge.Tokens);
        Assert.Equal(merged.Logprobs, afterMerge.Logprobs);
        Assert.NotEqual(unmerged.Logprobs, afterMerge.Logprobs);
        Assert.Equal(LoraExecutionMode.Merged, engine.Core.Runner.LastLoraMode);
        Assert.Equal(1, merges.NumMerges);

        var baseAfter = await LoraEngineTests.Generate(engine, -1, 0f);
        Assert.Equal(baseBefore.Tokens, baseAfter.Tokens);
        Assert.Equal(baseBefore.Logprobs, baseAfter.Logprobs);
    }

    private LlmEngine Engine(bool allowMerged, bool background) => LlmEngine.Create(_adapters.Checkpoint.Config, _adapters.Checkpoint.Weights, new EngineOptions
    {
        Threads = 2,
        MaxNumSeqs = 8,
        LoraAdapters = [new LoraAdapterSpec("a", _adapters.Dir.File("a")), new LoraAdapterSpec("b", _adapters.Dir.File("b"))],
        AllowMergedLora = allowMerged,
        LoraMergeAfterSteps = 1,
        LoraMergeInBackground = background,
    });

    // How many gated merges run at once, and the most ever seen.
    private sealed class MergeCounter
    {
        public int Running;
        public int MostAtOnce;
    }

    // The real merge (one thread) behind a gate. A held merge that ignores cancellation until the gate opens is a
    // slow merge mid-module: it cannot stop at once, which is what bounds the merges in flight.
    private Func<LoraAdapter, float, CancellationToken, Weights> Gated(ManualResetEventSlim gate, MergeCounter? counter = null, bool ignoreCancellationWhileHeld = false) =>
        (adapter, multiplier, token) =>
        {
            if (counter is not null)
            {
                var now = Interlocked.Increment(ref counter.Running);
                InterlockedMax(ref counter.MostAtOnce, now);
            }
            try
            {
                gate.Wait(Patience, ignoreCancellationWhileHeld ? CancellationToken.None : token);
                token.ThrowIfCancellationRequested();
                return LoraWeights.Merge(_adapters.Checkpoint.Weights, adapter, multiplier, maxThreads: 1, token);
            }
            finally
            {
                if (counter is not null)
                {
                    Interlocked.Decrement(ref counter.Running);
                }
            }
        };

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
