using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Loader.Safetensors;

/// <summary>
/// A model's weights as one lookup over one or more safetensors files: a directory with
/// <c>model.safetensors.index.json</c> (sharded; its <c>weight_map</c> says which shard holds each tensor),
/// a directory with <c>model.safetensors</c>, a directory of other <c>*.safetensors</c> files, or a single file.
/// </summary>
public sealed class SafetensorsCheckpoint : IDisposable
{
    /// <summary>The index file name Hugging Face uses for sharded checkpoints.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, SafetensorsTensor> _byName;

    private SafetensorsCheckpoint(List<SafetensorsFile> files, Dictionary<string, SafetensorsTensor> byName)
    {
        _files = files;
        _byName = byName;
        Tensors = [.. byName.Values.OrderBy(t => t.Name, StringComparer.Ordinal)];
        Metadata = files.Count > 0 ? files[0].Metadata : new Dictionary<string, string>();
    }

    /// <summary>The opened files, in the order they were opened.</summary>
    public IReadOnlyList<SafetensorsFile> Files => _files;

    /// <summary>Every tensor of the checkpoint, ordered by name.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    /// <summary>The first file's <c>__metadata__</c>.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// Opens every file of the checkpoint at <paramref name="path"/> (directory or file). Throws
    /// <see cref="SafetensorsFormatException"/> when the index is malformed, names a shard outside the directory
    /// or a tensor its shard lacks, or when two files hold the same tensor name; throws
    /// <see cref="FileNotFoundException"/> when there is nothing to open.
    /// </summary>
    public static SafetensorsCheckpoint Open(string path)
    {
        if (File.Exists(path))
        {
            return FromFiles([path]);
        }
        if (!Directory.Exists(path))
        {
            throw new FileNotFoundException($"No safetensors file or directory at {path}", path);
        }
        var index = System.IO.Path.Combine(path, IndexFileName);
        if (File.Exists(index))
        {
            return FromIndex(path, index);
        }
        var single = System.IO.Path.Combine(path, "model.safetensors");
        if (File.Exists(single))
        {
            return FromFiles([single]);
        }
        var files = Directory.GetFiles(path, "*.safetensors").Order(StringComparer.Ordinal).ToList();
        return files.Count > 0
            ? FromFiles(files)
            : throw new FileNotFoundException($"{path} holds no {IndexFileName}, model.safetensors or other *.safetensors file", path);
    }

    public bool TryGetTensor(string name, [MaybeNullWhen(false)] out SafetensorsTensor tensor) => _byName.TryGetValue(name, out tensor);

    /// <summary>The tensor called <paramref name="name"/>; throws <see cref="SafetensorsFormatException"/> when absent.</summary>
    public SafetensorsTensor GetTensor(string name) =>
        TryGetTensor(name, out var tensor)
            ? tensor
            : throw new SafetensorsFormatException(string.Join(", ", _files.Select(f => f.Path)), name, "no such tensor in the checkpoint");

    public void Dispose()
    {
        foreach (var file in _files)
        {
            file.Dispose();
        }
    }

    private static SafetensorsCheckpoint FromFiles(IReadOnlyList<string> paths)
    {
        var files = new List<SafetensorsFile>();
        var byName = new Dictionary<string, SafetensorsTensor>(StringComparer.Ordinal);
        try
        {
            foreach (var path in paths)
            {
                var file = SafetensorsFile.Open(path);
                files.Add(file);
                foreach (var tensor in file.Tensors)
                {
                    if (!byName.TryAdd(tensor.Name, tensor))
                    {
                        throw new SafetensorsFormatException(path, tensor.Name, $"also present in {byName[tensor.Name].FilePath}");
                    }
                }
            }
            return new SafetensorsCheckpoint(files, byName);
        }
        catch
        {
            files.ForEach(f => f.Dispose());
            throw;
        }
    }

    private static SafetensorsCheckpoint FromIndex(string directory, string indexPath)
    {
        var weightMap = ReadWeightMap(indexPath);
        var files = new List<SafetensorsFile>();
        var byShard = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var byName = new Dictionary<string, SafetensorsTensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (tensorName, shard) in weightMap)
            {
                if (!byShard.TryGetValue(shard, out var file))
                {
                    var shardPath = System.IO.Path.Combine(directory, shard);
                    if (!File.Exists(shardPath))
                    {
                        throw new SafetensorsFormatException(indexPath, tensorName, $"its shard '{shard}' does not exist");
                    }
                    file = SafetensorsFile.Open(shardPath);
                    files.Add(file);
                    byShard[shard] = file;
                }
                byName[tensorName] = file.TryGetTensor(tensorName, out var tensor)
                    ? tensor
                    : throw new SafetensorsFormatException(indexPath, tensorName, $"the index places it in '{shard}', which does not contain it");
            }
            return new SafetensorsCheckpoint(files, byName);
        }
        catch
        {
            files.ForEach(f => f.Dispose());
            throw;
        }
    }

    private static List<(string Tensor, string Shard)> ReadWeightMap(string indexPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out var map)
                || map.ValueKind != JsonValueKind.Object)
            {
                throw new SafetensorsFormatException(indexPath, null, "missing object field 'weight_map'");
            }
            var entries = new List<(string, string)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in map.EnumerateObject())
            {
                if (item.Value.ValueKind != JsonValueKind.String)
                {
                    throw new SafetensorsFormatException(indexPath, item.Name, "weight_map value is not a file name string");
                }
                var shard = item.Value.GetString()!;
                // Shards live beside the index; a path component could reach outside the checkpoint.
                if (shard.Length == 0 || shard != System.IO.Path.GetFileName(shard) || shard is "." or "..")
                {
                    throw new SafetensorsFormatException(indexPath, item.Name, $"shard '{shard}' is not a plain file name in the checkpoint directory");
                }
                if (!seen.Add(item.Name))
                {
                    throw new SafetensorsFormatException(indexPath, item.Name, "listed twice in weight_map");
                }
                entries.Add((item.Name, shard));
            }
            return entries;
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(indexPath, null, $"index is not valid JSON: {e.Message}", e);
        }
    }
}
