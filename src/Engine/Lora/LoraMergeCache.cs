using Engine.Backends;
using Engine.Model;
using Loader.Adapters;

namespace Engine.Lora;

/// <summary>
/// Keeps the merged weights of one (adapter, multiplier) at a time for <see cref="LoraExecutionMode.Merged"/> steps.
/// A request for the pair already held costs nothing, so a batch that leaves merged mode (a base or other-adapter
/// sequence joins and the step runs unmerged on the untouched base weights) and comes back to the same pair pays
/// no second merge. A different pair releases the old copy first, so memory stays at one copy of the adapted
/// projections. The base weights are never written: unmerging is running the base objects again, bit for bit.
/// </summary>
public sealed class LoraMergeCache
{
    private readonly ModelConfig _config;
    private readonly Weights _baseWeights;
    private readonly IBackend _backend;
    private readonly LoraAdapterSet _adapters;
    private LoraMergedWeights? _held;

    public LoraMergeCache(ModelConfig config, Weights baseWeights, IBackend backend, LoraAdapterSet adapters)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(baseWeights);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(adapters);
        _config = config;
        _baseWeights = baseWeights;
        _backend = backend;
        _adapters = adapters;
    }

    /// <summary>Merges performed so far (a cached pair does not count): how often the policy paid for a switch.</summary>
    public int NumMerges { get; private set; }

    /// <summary>
    /// The merged weights of adapter <paramref name="adapterId"/> × <paramref name="multiplier"/>, built (merged in
    /// float32, rounded once to the weight dtype, uploaded) unless they are the pair already held.
    /// </summary>
    public LoraMergedWeights Get(int adapterId, float multiplier)
    {
        if (_held is { } held && held.AdapterId == adapterId && held.Multiplier.Equals(multiplier))
        {
            return held;
        }
        if ((uint)adapterId >= (uint)_adapters.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(adapterId), adapterId, $"only {_adapters.Count} LoRA adapters are loaded");
        }
        _held?.Release(_backend);
        _held = null;
        var adapter = _adapters.AdapterOf(adapterId);
        var mergedHost = LoraWeights.Merge(_baseWeights, adapter, multiplier);
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
}
