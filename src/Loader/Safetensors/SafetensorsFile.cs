using System.Diagnostics.CodeAnalysis;
using Loader.IO;

namespace Loader.Safetensors;

/// <summary>
/// One <c>.safetensors</c> file, validated in full at <see cref="Open"/> and memory-mapped: tensors are
/// zero-copy views into the mapping. Dispose to unmap; views must not be used afterwards.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly MappedFile _mapped;
    private readonly Dictionary<string, SafetensorsTensor> _byName;

    private SafetensorsFile(string path, MappedFile mapped, IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _mapped = mapped;
        Tensors = tensors;
        Metadata = metadata;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string Path { get; }

    /// <summary>Every tensor, in data-offset order.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// Opens, validates and maps <paramref name="path"/>. Throws <see cref="SafetensorsFormatException"/> for any
    /// malformed header (see the exception's summary for the checks) before a single tensor byte is read.
    /// </summary>
    public static SafetensorsFile Open(string path)
    {
        SafetensorsHeader header;
        long length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
        {
            length = stream.Length;
            header = SafetensorsHeader.Read(stream, length, path);
        }
        var mapped = new MappedFile(path, length);
        var tensors = new SafetensorsTensor[header.Entries.Count];
        for (var i = 0; i < tensors.Length; i++)
        {
            var entry = header.Entries[i];
            tensors[i] = new SafetensorsTensor(mapped, entry.Info, header.DataStart + entry.Begin);
        }
        return new SafetensorsFile(path, mapped, tensors, header.Metadata);
    }

    public bool TryGetTensor(string name, [MaybeNullWhen(false)] out SafetensorsTensor tensor) => _byName.TryGetValue(name, out tensor);

    /// <summary>The tensor called <paramref name="name"/>; throws <see cref="SafetensorsFormatException"/> when absent.</summary>
    public SafetensorsTensor GetTensor(string name) =>
        TryGetTensor(name, out var tensor) ? tensor : throw new SafetensorsFormatException(Path, name, "no such tensor in the file");

    public void Dispose() => _mapped.Dispose();
}
