using Engine.Backends;
using Loader.Adapters;

namespace Engine.Lora;

/// <summary>
/// The device copies of every projection one adapter adapts, merged as <c>W + multiplier · scale · B·A</c>
/// (<see cref="LoraWeights.Merge"/>), indexed by (layer, projection). <see cref="Model.LlamaModel"/> runs these in
/// place of its base weights while <see cref="Model.LlamaModel.MergedLora"/> points at them; projections the adapter
/// leaves alone keep the base weights.
/// </summary>
public sealed class LoraMergedWeights
{
    private static readonly int NumProjections = Enum.GetValues<LoraProjection>().Length;

    private readonly IDeviceWeight?[] _weights;

    internal LoraMergedWeights(int adapterId, float multiplier, int numLayers)
    {
        AdapterId = adapterId;
        Multiplier = multiplier;
        _weights = new IDeviceWeight?[numLayers * NumProjections];
    }

    public int AdapterId { get; }

    public float Multiplier { get; }

    /// <summary>The merged weight of (layer, projection), or <paramref name="baseWeight"/> when the adapter does not adapt it.</summary>
    public IDeviceWeight Select(int layer, LoraProjection projection, IDeviceWeight baseWeight) =>
        _weights[layer * NumProjections + (int)projection] ?? baseWeight;

    internal void Set(int layer, LoraProjection projection, IDeviceWeight weight) => _weights[layer * NumProjections + (int)projection] = weight;

    internal void Release(IBackend backend)
    {
        for (var i = 0; i < _weights.Length; i++)
        {
            if (_weights[i] is { } weight)
            {
                backend.ReleaseWeight(weight);
                _weights[i] = null;
            }
        }
    }
}
