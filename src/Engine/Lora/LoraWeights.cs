using System.Runtime.ExceptionServices;
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
    /// an adapted weight or its shape is not (out, in) of the adapter. <paramref name="maxThreads"/> bounds the modules
    /// merged at once (−1: every core, for a merge between steps; 1 for a merge beside running forwards), and
    /// <paramref name="cancellationToken"/> is checked between modules (<see cref="OperationCanceledException"/>).
    /// </summary>
    public static Weights Merge(Weights baseWeights, LoraAdapter adapter, double multiplier, int maxThreads = -1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseWeights);
        ArgumentNullException.ThrowIfNull(adapter);
        if (!double.IsFinite(multiplier))
        {
            throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, "the LoRA multiplier must be finite");
        }
        // check every module first (errors name the module and tensor), then merge the modules in parallel: each
        // writes only its own tensor; a merge between steps has the cores to itself, a background one gets one
        var jobs = new List<(LoraModule Module, WeightTensor Base, string Name, byte[] Bytes)>(adapter.Modules.Count);
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
            jobs.Add((module, weight, name, new byte[weight.Bytes.Length]));
        }
        try
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads, CancellationToken = cancellationToken };
            Parallel.ForEach(jobs, options, job =>
                LoraMerge.Merge(job.Base.Bytes.Span, DTypeMapping.ToSafetensors(job.Base.DType), job.Module, multiplier, job.Bytes, job.Name));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
        var merged = jobs.ToDictionary(j => j.Name, j => new WeightTensor(j.Name, j.Base.DType, j.Base.Shape, j.Bytes), StringComparer.Ordinal);
        var tensors = baseWeights.Names.Select(n => merged.TryGetValue(n, out var m) ? m : Get(baseWeights, n));
        return new Weights(tensors, $"{baseWeights.Source} + LoRA {adapter.Directory} × {multiplier}");
    }

    private static WeightTensor Get(Weights weights, string name) => weights.TryGet(name, out var t) ? t : throw new KeyNotFoundException(name);
}
