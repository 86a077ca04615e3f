using Loader.Safetensors;

namespace Loader.Adapters;

/// <summary>
/// One adapted linear layer: <c>W' = W + Scale · B · A</c> with <c>A</c> of shape <c>(Rank, InFeatures)</c> and
/// <c>B</c> of shape <c>(OutFeatures, Rank)</c>, both views into the adapter's memory-mapped file.
/// </summary>
public sealed record LoraModule(
    string ModuleName,
    int Layer,
    LoraProjection Projection,
    SafetensorsTensor A,
    SafetensorsTensor B,
    int Rank,
    double Scale)
{
    public int InFeatures => (int)A.Shape[1];

    public int OutFeatures => (int)B.Shape[0];
}
