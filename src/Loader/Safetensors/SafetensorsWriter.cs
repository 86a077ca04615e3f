using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Loader.Safetensors;

/// <summary>
/// Writes a safetensors file the way Hugging Face's writer does: tensors sorted by dtype alignment
/// (descending) then by name, laid out back to back in that order, a compact JSON header with
/// <c>__metadata__</c> first, padded with spaces to a multiple of 8 bytes so every tensor stays aligned.
/// The layout is fixed at <see cref="Create"/>; tensor bytes may then arrive in any order and in chunks
/// (<see cref="Write"/>), which lets conversions stream. <see cref="Complete"/> checks every byte arrived;
/// a writer disposed without completing deletes its partial file.
/// </summary>
public sealed class SafetensorsWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly Dictionary<string, Slot> _slots;
    private readonly long _dataStart;
    private bool _completed;

    private SafetensorsWriter(string path, FileStream stream, Dictionary<string, Slot> slots, long dataStart)
    {
        Path = path;
        _stream = stream;
        _slots = slots;
        _dataStart = dataStart;
    }

    public string Path { get; }

    /// <summary>
    /// Creates <paramref name="path"/>, lays out <paramref name="tensors"/> and writes the header. Throws
    /// <see cref="SafetensorsFormatException"/> for duplicate names or the reserved name <c>__metadata__</c>.
    /// </summary>
    public static SafetensorsWriter Create(string path, IEnumerable<SafetensorsTensorInfo> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors
            .OrderByDescending(t => t.Dtype)
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        var slots = new Dictionary<string, Slot>(StringComparer.Ordinal);
        long offset = 0;
        foreach (var tensor in ordered)
        {
            if (tensor.Name == "__metadata__")
            {
                throw new SafetensorsFormatException(path, tensor.Name, "the name is reserved for the metadata map");
            }
            if (!slots.TryAdd(tensor.Name, new Slot(tensor, offset)))
            {
                throw new SafetensorsFormatException(path, tensor.Name, "name given twice");
            }
            offset = checked(offset + tensor.ByteLength);
        }
        var header = BuildHeader(ordered, slots, metadata);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        try
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            stream.SetLength(8 + header.Length + offset);
        }
        catch
        {
            stream.Dispose();
            File.Delete(path);
            throw;
        }
        return new SafetensorsWriter(path, stream, slots, 8 + header.Length);
    }

    /// <summary>Writes a whole file from in-memory tensors in one call.</summary>
    public static void WriteFile(string path, IEnumerable<(SafetensorsTensorInfo Info, ReadOnlyMemory<byte> Data)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        using var writer = Create(path, list.Select(t => t.Info), metadata);
        foreach (var (info, data) in list)
        {
            writer.Write(info.Name, 0, data.Span);
        }
        writer.Complete();
    }

    /// <summary>Writes <paramref name="bytes"/> at <paramref name="offsetInTensor"/> within tensor <paramref name="name"/>.</summary>
    public void Write(string name, long offsetInTensor, ReadOnlySpan<byte> bytes)
    {
        if (!_slots.TryGetValue(name, out var slot))
        {
            throw new SafetensorsFormatException(Path, name, "tensor was not declared when the writer was created");
        }
        if (offsetInTensor < 0 || offsetInTensor + bytes.Length > slot.Info.ByteLength)
        {
            throw new SafetensorsFormatException(Path, name, $"write of {bytes.Length} bytes at {offsetInTensor} passes the tensor's {slot.Info.ByteLength} bytes");
        }
        var position = _dataStart + slot.Offset + offsetInTensor;
        if (_stream.Position != position)
        {
            _stream.Position = position;
        }
        _stream.Write(bytes);
        slot.Written += bytes.Length;
    }

    /// <summary>Flushes and checks that every tensor received exactly its byte count.</summary>
    public void Complete()
    {
        foreach (var slot in _slots.Values)
        {
            if (slot.Written != slot.Info.ByteLength)
            {
                throw new SafetensorsFormatException(Path, slot.Info.Name, $"received {slot.Written} of its {slot.Info.ByteLength} bytes");
            }
        }
        _stream.Flush();
        _completed = true;
    }

    public void Dispose()
    {
        _stream.Dispose();
        if (!_completed)
        {
            File.Delete(Path);
        }
    }

    private static byte[] BuildHeader(List<SafetensorsTensorInfo> ordered, Dictionary<string, Slot> slots, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        // serde_json escapes only quotes, backslashes and control characters; the relaxed encoder is closest.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
                {
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            foreach (var tensor in ordered)
            {
                var slot = slots[tensor.Name];
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", SafetensorsDtypes.HeaderName(tensor.Dtype));
                json.WriteStartArray("shape");
                foreach (var dim in tensor.Shape)
                {
                    json.WriteNumberValue(dim);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(slot.Offset);
                json.WriteNumberValue(slot.Offset + tensor.ByteLength);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        // Pad with spaces to a multiple of 8 so the data section (and every tensor) starts 8-byte aligned.
        var padding = (int)((8 - buffer.Length % 8) % 8);
        for (var i = 0; i < padding; i++)
        {
            buffer.WriteByte((byte)' ');
        }
        return buffer.ToArray();
    }

    private sealed class Slot(SafetensorsTensorInfo info, long offset)
    {
        public SafetensorsTensorInfo Info { get; } = info;

        public long Offset { get; } = offset;

        public long Written { get; set; }
    }
}
