using Engine.Model;
using Loader.Adapters;

namespace Engine.Lora;

/// <summary>
/// Runtime merge of a PEFT LoRA adapter into a model's weights: every adapted projection becomes
/// <c>W + multiplier · scale · B·A</c> through <see cref="LoraMerge"/> (float32, rounded once to the weight dtype,
/// the same bytes <c>convert merge-lora</c> writes). Untouched tensors are the base's own objects (zero copy) and the
/// base <see cref="Weights"/> is never modified, so unmerging is using the base again: exact by construction.
/// </summary>
public static class LoraWeights
{
    /// <summary>
    /// The merged weights. Throws <see cref="LoraFormatException"/> naming the module and tensor when the base lacks
    /// an adapted weight or its shape is not (out, in) of the adapter.
    /// </summary>
    public static Weights Merge(Weights baseWeights, LoraAdapter adapter, double multiplier)
    {
        ArgumentNullException.ThrowIfNull(baseWeights);
        ArgumentNullException.ThrowIfNull(adapter);
        if (!double.IsFinite(multiplier))
        {
            throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, "the LoRA multiplier must be finite");
        }
        var merged = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (var module in adapter.Modules)
        {
            var name = LoraMerge.BaseWeightName(module);
            if (!baseWeights.TryGet(name, out var weight))
            {
                throw new LoraFormatException($"{adapter.Directory}: module '{module.ModuleName}'", $"the base model ({baseWeights.Source}) has no tensor '{name}' to adapt");
            }
            if (weight.Shape.Count != 2 || weight.Shape[0] != module.OutFeatures || weight.Shape[1] != module.InFeatures)
            {
                throw new LoraFormatException($"{adapter.Directory}: module '{module.ModuleName}'",
                    $"adapts [out {module.OutFeatures}, in {module.InFeatures}] but base tensor '{name}' is [{string.Join(", ", weight.Shape)}]");
            }
            var bytes = new byte[weight.Bytes.Length];
            LoraMerge.Merge(weight.Bytes.Span, DTypeMapping.ToSafetensors(weight.DType), module, multiplier, bytes, name);
            merged[name] = new WeightTensor(name, weight.DType, weight.Shape, bytes);
        }
        var tensors = baseWeights.Names.Select(n => merged.TryGetValue(n, out var m) ? m : Get(baseWeights, n));
        return new Weights(tensors, $"{baseWeights.Source} + LoRA {adapter.Directory} × {multiplier}");
    }

    private static WeightTensor Get(Weights weights, string name) => weights.TryGet(name, out var t) ? t : throw new KeyNotFoundException(name);
}
