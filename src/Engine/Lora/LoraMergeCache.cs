using Engine.Backends;
using Engine.Model;
using Loader.Adapters;

namespace Engine.Lora;

/// <summary>
/// Keeps the merged weights of one (adapter, multiplier) at a time for <see cref="LoraExecutionMode.Merged"/> steps.
/// A request for the pair already held costs nothing, so a batch that leaves merged mode (a base or other-adapter
/// sequence joins and the step runs unmerged on the untouched base weights) and comes back to the same pair pays
/// no second merge. A different pair releases the old copy first, so device memory stays at one copy of the adapted
/// projections. The base weights are never written: unmerging is running the base objects again, bit for bit.
/// <para>
/// <see cref="TryGet"/> never blocks on a merge: a pair not held is merged in float32 on one background thread
/// (at most one merge in flight, so the forward keeps the other cores) while the caller runs unmerged, and is
/// uploaded and held by the first <see cref="TryGet"/> after it finished, i.e. at a step boundary on the engine's
/// thread (backends are single-threaded). A merge for a pair no longer asked for is cancelled and its host copy
/// dropped before it reaches the device. <see cref="Get"/> is the blocking form.
/// </para>
/// </summary>
public sealed class LoraMergeCache : IDisposable
{
    private readonly ModelConfig _config;
    private readonly Weights _baseWeights;
    private readonly IBackend _backend;
    private readonly LoraAdapterSet _adapters;
    private LoraMergedWeights? _held;
    private PendingMerge? _pending;
    // a cancelled merge still finishing its current module: the next one waits for it, so one merge thread at most
    private Task? _discarded;

    /// <param name="background">False makes <see cref="TryGet"/> merge synchronously like <see cref="Get"/> (every
    /// merged step then runs merged from its first step, independent of timing).</param>
    public LoraMergeCache(ModelConfig config, Weights baseWeights, IBackend backend, LoraAdapterSet adapters, bool background = true)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(baseWeights);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(adapters);
        _config = config;
        _baseWeights = baseWeights;
        _backend = backend;
        _adapters = adapters;
        Background = background;
        BackgroundMerge = (adapter, multiplier, token) => LoraWeights.Merge(_baseWeights, adapter, multiplier, maxThreads: 1, token);
    }

    /// <summary>Whether <see cref="TryGet"/> merges on a background thread.</summary>
    public bool Background { get; }

    /// <summary>Merges installed so far (a cached pair does not count): how often the policy paid for a switch.</summary>
    public int NumMerges { get; private set; }

    /// <summary>Background merges cancelled because another pair was asked for before they were installed.</summary>
    public int NumDiscarded { get; private set; }

    /// <summary>The host merge a background build runs (a seam: tests slow it down or hold it).</summary>
    internal Func<LoraAdapter, float, CancellationToken, Weights> BackgroundMerge { get; set; }

    /// <summary>The background merge in flight, if any (tests wait on it).</summary>
    internal Task? MergeInFlight => _pending?.Task;

    /// <summary>
    /// The merged weights of adapter <paramref name="adapterId"/> × <paramref name="multiplier"/>, built (merged in
    /// float32, rounded once to the weight dtype, uploaded) on the calling thread unless they are the pair held.
    /// </summary>
    public LoraMergedWeights Get(int adapterId, float multiplier)
    {
        if (Holds(adapterId, multiplier))
        {
            return _held!;
        }
        ThrowIfUnknown(adapterId);
        Discard();
        return Install(adapterId, multiplier, LoraWeights.Merge(_baseWeights, _adapters.AdapterOf(adapterId), multiplier));
    }

    /// <summary>
    /// The merged weights of the pair when they are held or a background merge of it has finished (then installed
    /// now: the old pair released, the new one uploaded); otherwise null, with that merge started (or left running),
    /// so the caller runs this step unmerged. A merge of another pair in flight is cancelled. A merge that failed
    /// rethrows its exception here. Call from the thread that owns the backend.
    /// </summary>
    public LoraMergedWeights? TryGet(int adapterId, float multiplier)
    {
        if (Holds(adapterId, multiplier))
        {
            return _held;
        }
        if (!Background)
        {
            return Get(adapterId, multiplier);
        }
        ThrowIfUnknown(adapterId);
        if (_pending is { } pending && (pending.AdapterId != adapterId || !pending.Multiplier.Equals(multiplier)))
        {
            Discard();
        }
        if (_pending is null)
        {
            if (_discarded is { IsCompleted: false })
            {
                return null;
            }
            _discarded = null;
            _pending = Start(adapterId, multiplier);
        }
        if (!_pending.Task.IsCompleted)
        {
            return null;
        }
        var done = _pending;
        _pending = null;
        // a failed merge (bad adapter bytes) surfaces on the engine's thread like a synchronous one would
        return Install(adapterId, multiplier, done.Task.GetAwaiter().GetResult());
    }

    /// <summary>Cancels a background merge in flight and waits for its thread to stop; the held pair stays held.</summary>
    public void Dispose()
    {
        Discard();
        try
        {
            _discarded?.Wait();
        }
        catch (AggregateException)
        {
            // cancelled as asked, or failed: either way its result was already dropped
        }
        _discarded = null;
    }

    private bool Holds(int adapterId, float multiplier) =>
        _held is { } held && held.AdapterId == adapterId && held.Multiplier.Equals(multiplier);

    private void ThrowIfUnknown(int adapterId)
    {
        if ((uint)adapterId >= (uint)_adapters.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(adapterId), adapterId, $"only {_adapters.Count} LoRA adapters are loaded");
        }
    }

    private PendingMerge Start(int adapterId, float multiplier)
    {
        var adapter = _adapters.AdapterOf(adapterId);
        var merge = BackgroundMerge;
        var cancellation = new CancellationTokenSource();
        var token = cancellation.Token;
        // a dedicated thread (LongRunning), not a pool worker: the merge is seconds to minutes of one core
        var task = Task.Factory.StartNew(() => merge(adapter, multiplier, token), token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _ = task.ContinueWith(_ => cancellation.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return new PendingMerge(adapterId, multiplier, task, cancellation);
    }

    // Nothing of a pending merge is on the device yet: cancelling it and dropping the task frees its host copy.
    private void Discard()
    {
        if (_pending is not { } pending)
        {
            return;
        }
        _pending = null;
        NumDiscarded++;
        try
        {
            pending.Cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // it had already finished; its result is simply dropped
        }
        _discarded = pending.Task;
    }

    private LoraMergedWeights Install(int adapterId, float multiplier, Weights mergedHost)
    {
        // release first, so device memory never holds two merged copies
        _held?.Release(_backend);
        _held = null;
        var adapter = _adapters.AdapterOf(adapterId);
        var merged = new LoraMergedWeights(adapterId, multiplier, _config.NumLayers);
        foreach (var module in adapter.Modules)
        {
            var name = LoraMerge.BaseWeightName(module);
            merged.Set(module.Layer, module.Projection, _backend.LoadWeight(mergedHost.Require(name, module.OutFeatures, module.InFeatures)));
        }
        NumMerges++;
        _held = merged;
        return merged;
    }

    private sealed record PendingMerge(int AdapterId, float Multiplier, Task<Weights> Task, CancellationTokenSource Cancellation);
}
