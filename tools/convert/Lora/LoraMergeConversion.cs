using Loader.Adapters;
using Loader.Safetensors;

namespace ConvertTool.Lora;

/// <summary>
/// <c>convert merge-lora</c>: writes a copy of a Hugging Face checkpoint whose adapted projections are
/// <c>W + multiplier · scale · B·A</c> (float32, rounded once; <see cref="LoraMerge"/>, the same code the engine
/// merges with at run time). Shards, tensor order, dtypes and metadata are kept; every other file (configs,
/// tokenizer, shard index) is copied unchanged, since no tensor changes size.
/// </summary>
public static class LoraMergeConversion
{
    private const int CopyChunkBytes = 64 << 20;

    /// <summary>Merges; <paramref name="progress"/> receives the fraction of tensor bytes written (0..1).</summary>
    public static void Run(LoraMergeOptions options, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!double.IsFinite(options.Multiplier))
        {
            throw new ArgumentException($"--multiplier must be a finite number, not {options.Multiplier}", nameof(options));
        }
        if (!Directory.Exists(options.BaseDirectory))
        {
            throw new DirectoryNotFoundException($"base model directory {options.BaseDirectory} does not exist");
        }
        if (Path.GetFullPath(options.BaseDirectory).TrimEnd('/') == Path.GetFullPath(options.OutputDirectory).TrimEnd('/'))
        {
            throw new ArgumentException("--out must differ from --base", nameof(options));
        }

        using var checkpoint = SafetensorsCheckpoint.Open(options.BaseDirectory);
        using var adapter = LoraAdapter.Open(options.AdapterDirectory);
        var modulesByWeight = MatchModules(checkpoint, adapter);
        Directory.CreateDirectory(options.OutputDirectory);

        var totalBytes = Math.Max(1, checkpoint.Tensors.Sum(t => t.ByteLength));
        long done = 0;
        foreach (var file in checkpoint.Files)
        {
            var output = Path.Combine(options.OutputDirectory, Path.GetFileName(file.Path));
            using var writer = SafetensorsWriter.Create(output, file.Tensors.Select(t => t.Info), file.Metadata);
            foreach (var tensor in file.Tensors)
            {
                if (modulesByWeight.TryGetValue(tensor.Name, out var module))
                {
                    var merged = new byte[tensor.ByteLength];
                    LoraMerge.Merge(tensor.Bytes, tensor.Dtype, module, options.Multiplier, merged, tensor.Name);
                    writer.Write(tensor.Name, 0, merged);
                }
                else
                {
                    for (long offset = 0; offset < tensor.ByteLength; offset += CopyChunkBytes)
                    {
                        writer.Write(tensor.Name, offset, tensor.GetBytes(offset, (int)Math.Min(CopyChunkBytes, tensor.ByteLength - offset)));
                    }
                }
                done += tensor.ByteLength;
                progress?.Report((double)done / totalBytes);
            }
            writer.Complete();
        }
        foreach (var source in Directory.GetFiles(options.BaseDirectory))
        {
            if (!source.EndsWith(".safetensors", StringComparison.Ordinal))
            {
                File.Copy(source, Path.Combine(options.OutputDirectory, Path.GetFileName(source)), overwrite: true);
            }
        }
        progress?.Report(1.0);
    }

    /// <summary>Pairs each adapted module with its base weight, checking the weight exists with shape (out, in).</summary>
    private static Dictionary<string, LoraModule> MatchModules(SafetensorsCheckpoint checkpoint, LoraAdapter adapter)
    {
        var byWeight = new Dictionary<string, LoraModule>(StringComparer.Ordinal);
        foreach (var module in adapter.Modules)
        {
            var name = LoraMerge.BaseWeightName(module);
            if (!checkpoint.TryGetTensor(name, out var weight))
            {
                throw new LoraFormatException($"{adapter.Directory}: module '{module.ModuleName}'", $"the base model has no tensor '{name}' to adapt");
            }
            if (weight.Shape.Count != 2 || weight.Shape[0] != module.OutFeatures || weight.Shape[1] != module.InFeatures)
            {
                throw new LoraFormatException($"{adapter.Directory}: module '{module.ModuleName}'",
                    $"adapts [out {module.OutFeatures}, in {module.InFeatures}] but base tensor '{name}' is [{string.Join(", ", weight.Shape)}]");
            }
            byWeight.Add(name, module);
        }
        return byWeight;
    }
}
