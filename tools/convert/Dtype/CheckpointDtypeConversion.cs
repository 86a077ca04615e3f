using System.Text.Json;
using System.Text.Json.Nodes;
using Loader.Config;
using Loader.Safetensors;

namespace ConvertTool.Dtype;

/// <summary>
/// <c>convert dtype</c>: copies a Hugging Face directory, rewriting every floating-point tensor of every
/// safetensors file (shards included) in the target dtype through the streaming reader. config.json gets
/// the new <c>torch_dtype</c>; a shard index gets the new <c>total_size</c>; other top-level files are copied.
/// F64 sources pass through float32 on the way (one extra rounding for f16/bf16 targets).
/// </summary>
public static class CheckpointDtypeConversion
{
    /// <summary>Converts; <paramref name="progress"/> receives the fraction of tensor bytes done (0..1).</summary>
    public static async Task RunAsync(DtypeConversionOptions options, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Dtype is not (SafetensorsDtype.F32 or SafetensorsDtype.F16 or SafetensorsDtype.BF16))
        {
            throw new ArgumentException($"--dtype must be f32, f16 or bf16, not {SafetensorsDtypes.HeaderName(options.Dtype)}", nameof(options));
        }
        if (!Directory.Exists(options.InputDirectory))
        {
            throw new DirectoryNotFoundException($"input directory {options.InputDirectory} does not exist");
        }
        if (Path.GetFullPath(options.InputDirectory).TrimEnd('/') == Path.GetFullPath(options.OutputDirectory).TrimEnd('/'))
        {
            throw new ArgumentException("--out must differ from --in", nameof(options));
        }
        var inputs = Directory.GetFiles(options.InputDirectory, "*.safetensors").Order(StringComparer.Ordinal).ToList();
        if (inputs.Count == 0)
        {
            throw new FileNotFoundException($"{options.InputDirectory} holds no *.safetensors file");
        }
        Directory.CreateDirectory(options.OutputDirectory);

        var plans = inputs.Select(path =>
        {
            var tensors = ReadLayout(path);
            var converted = tensors.Select(t => t with { Dtype = ConvertingSink.ShouldConvert(t.Dtype, options.Dtype) ? options.Dtype : t.Dtype }).ToList();
            return (Input: path, Tensors: tensors, Converted: converted);
        }).ToList();
        var totalBytes = Math.Max(1, plans.Sum(p => p.Tensors.Sum(t => t.ByteLength)));
        long doneBefore = 0;
        foreach (var (input, tensors, converted) in plans)
        {
            var output = Path.Combine(options.OutputDirectory, Path.GetFileName(input));
            var fileProgress = progress is null ? null : new OffsetProgress(progress, doneBefore, totalBytes);
            IReadOnlyDictionary<string, string> metadata;
            using (var probe = SafetensorsFile.Open(input))
            {
                metadata = probe.Metadata;
            }
            using var writer = SafetensorsWriter.Create(output, converted, metadata);
            await SafetensorsStreamReader.ReadAsync(input, new ConvertingSink(writer, options.Dtype, input), fileProgress, cancellationToken: cancellationToken).ConfigureAwait(false);
            writer.Complete();
            doneBefore += tensors.Sum(t => t.ByteLength);
        }
        CopyOtherFiles(options, plans.Sum(p => p.Converted.Sum(t => t.ByteLength)));
        progress?.Report(1.0);
    }

    private static List<SafetensorsTensorInfo> ReadLayout(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return [.. file.Tensors.Select(t => t.Info)];
    }

    private static void CopyOtherFiles(DtypeConversionOptions options, long newTotalBytes)
    {
        foreach (var source in Directory.GetFiles(options.InputDirectory))
        {
            var name = Path.GetFileName(source);
            var target = Path.Combine(options.OutputDirectory, name);
            if (name.EndsWith(".safetensors", StringComparison.Ordinal))
            {
                continue;
            }
            if (name == "config.json")
            {
                RewriteJson(source, target, root =>
                {
                    // Newer transformers write "dtype"; older ones "torch_dtype". Update whichever is there.
                    var torchName = TorchDtypes.ToTorchName(options.Dtype);
                    if (root.ContainsKey("dtype"))
                    {
                        root["dtype"] = torchName;
                    }
                    if (root.ContainsKey("torch_dtype") || !root.ContainsKey("dtype"))
                    {
                        root["torch_dtype"] = torchName;
                    }
                });
            }
            else if (name == SafetensorsCheckpoint.IndexFileName)
            {
                RewriteJson(source, target, root =>
                {
                    if (root["metadata"] is JsonObject metadata)
                    {
                        metadata["total_size"] = newTotalBytes;
                    }
                });
            }
            else
            {
                File.Copy(source, target, overwrite: true);
            }
        }
    }

    private static void RewriteJson(string source, string target, Action<JsonObject> edit)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(source));
        }
        catch (JsonException e)
        {
            throw new ModelConfigException(source, null, $"not valid JSON: {e.Message}", e);
        }
        if (node is not JsonObject root)
        {
            throw new ModelConfigException(source, null, "expected a JSON object");
        }
        edit(root);
        File.WriteAllText(target, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private sealed class OffsetProgress(IProgress<double> inner, long before, long total) : IProgress<long>
    {
        public void Report(long value) => inner.Report((double)(before + value) / total);
    }
}
