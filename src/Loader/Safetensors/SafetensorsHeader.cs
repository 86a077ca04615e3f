using System.Buffers.Binary;
using System.Text.Json;

namespace Loader.Safetensors;

/// <summary>
/// A parsed and fully validated safetensors header. Layout of the file: an 8-byte little-endian u64 N, then
/// N bytes of UTF-8 JSON, then the data section. Every tensor's <c>data_offsets</c> are relative to the data
/// section; like Hugging Face's reader we require the ranges, sorted by offset, to tile the data section
/// exactly (no gap, no overlap, nothing after the last one).
/// </summary>
internal sealed class SafetensorsHeader
{
    /// <summary>Hugging Face's bound on the JSON header (100 MB); anything longer is refused before it is read.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private SafetensorsHeader(IReadOnlyList<SafetensorsHeaderEntry> entries, IReadOnlyDictionary<string, string> metadata, long dataStart)
    {
        Entries = entries;
        Metadata = metadata;
        DataStart = dataStart;
    }

    /// <summary>Tensors in data-offset order.</summary>
    public IReadOnlyList<SafetensorsHeaderEntry> Entries { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Byte offset of the data section in the file: 8 + header length.</summary>
    public long DataStart { get; }

    /// <summary>Reads the header from the start of <paramref name="stream"/> and validates it against the file length.</summary>
    public static SafetensorsHeader Read(Stream stream, long fileLength, string file)
    {
        if (fileLength < 8)
        {
            throw new SafetensorsFormatException(file, null, $"file is {fileLength} bytes, shorter than the 8-byte header length");
        }
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
        {
            throw new SafetensorsFormatException(file, null, $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        }
        if ((long)headerLength > fileLength - 8)
        {
            throw new SafetensorsFormatException(file, null, $"header length {headerLength} exceeds the {fileLength - 8} bytes after the length prefix");
        }
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        return Parse(json, fileLength - 8 - (long)headerLength, 8 + (long)headerLength, file);
    }

    /// <summary>Parses header JSON given the size of the data section that follows it.</summary>
    public static SafetensorsHeader Parse(ReadOnlySpan<byte> json, long dataLength, long dataStart, string file)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            document = JsonDocument.ParseValue(ref reader);
            // ParseValue stops after the first value; only trailing whitespace (the alignment padding) may follow.
            if (json[(int)reader.BytesConsumed..].TrimStart(" \t\r\n"u8).Length != 0)
            {
                throw new SafetensorsFormatException(file, null, "header has bytes after its JSON object");
            }
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(file, null, $"header is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            try
            {
                return FromJson(document.RootElement, dataLength, dataStart, file);
            }
            catch (InvalidOperationException e)
            {
                // JsonElement.GetString throws this for strings that are not valid UTF-8.
                throw new SafetensorsFormatException(file, null, $"header holds a string that is not valid UTF-8: {e.Message}", e);
            }
        }
    }

    private static SafetensorsHeader FromJson(JsonElement root, long dataLength, long dataStart, string file)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(file, null, $"header is a JSON {root.ValueKind}, not an object");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<SafetensorsHeaderEntry>();
        IReadOnlyDictionary<string, string>? metadata = null;
        foreach (var property in root.EnumerateObject())
        {
            if (!names.Add(property.Name))
            {
                throw new SafetensorsFormatException(file, property.Name, "name appears twice in the header");
            }
            if (property.Name == "__metadata__")
            {
                metadata = ParseMetadata(property.Value, file);
                continue;
            }
            entries.Add(ParseEntry(property.Name, property.Value, file));
        }
        entries.Sort(static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expectedBegin = 0;
        foreach (var entry in entries)
        {
            if (entry.Begin < expectedBegin)
            {
                throw new SafetensorsFormatException(file, entry.Info.Name, $"data_offsets [{entry.Begin}, {entry.End}) overlap the previous tensor, which ends at {expectedBegin}");
            }
            if (entry.Begin > expectedBegin)
            {
                throw new SafetensorsFormatException(file, entry.Info.Name, $"data_offsets [{entry.Begin}, {entry.End}) leave a gap after offset {expectedBegin}");
            }
            if (entry.End > dataLength)
            {
                throw new SafetensorsFormatException(file, entry.Info.Name, $"data_offsets [{entry.Begin}, {entry.End}) run past the {dataLength}-byte data section");
            }
            expectedBegin = entry.End;
        }
        if (expectedBegin != dataLength)
        {
            throw new SafetensorsFormatException(file, null, $"tensors cover {expectedBegin} bytes but the data section has {dataLength}");
        }
        return new SafetensorsHeader(entries, metadata ?? new Dictionary<string, string>(), dataStart);
    }

    private static Dictionary<string, string> ParseMetadata(JsonElement value, string file)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(file, null, $"__metadata__ is a JSON {value.ValueKind}, not a string-to-string object");
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafetensorsFormatException(file, null, $"__metadata__ entry '{item.Name}' is a JSON {item.Value.ValueKind}, not a string");
            }
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                throw new SafetensorsFormatException(file, null, $"__metadata__ entry '{item.Name}' appears twice");
            }
        }
        return metadata;
    }

    private static SafetensorsHeaderEntry ParseEntry(string name, JsonElement value, string file)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(file, name, $"entry is a JSON {value.ValueKind}, not an object");
        }
        var dtypeText = value.TryGetProperty("dtype", out var dtypeElement) && dtypeElement.ValueKind == JsonValueKind.String
            ? dtypeElement.GetString()!
            : throw new SafetensorsFormatException(file, name, "missing string field 'dtype'");
        if (!SafetensorsDtypes.TryParse(dtypeText, out var dtype))
        {
            throw new SafetensorsFormatException(file, name, $"unknown dtype '{dtypeText}' (known: {SafetensorsDtypes.SupportedList})");
        }
        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw new SafetensorsFormatException(file, name, "missing array field 'shape'");
        }
        var shape = new long[shapeElement.GetArrayLength()];
        var index = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var size) || size < 0)
            {
                throw new SafetensorsFormatException(file, name, $"shape[{index}] is {dim.GetRawText()}, not a non-negative integer");
            }
            shape[index++] = size;
        }
        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw new SafetensorsFormatException(file, name, "missing field 'data_offsets' (an array of two integers)");
        }
        var begin = ReadOffset(offsets[0], name, file);
        var end = ReadOffset(offsets[1], name, file);
        if (end < begin)
        {
            throw new SafetensorsFormatException(file, name, $"data_offsets [{begin}, {end}) end before they begin");
        }
        var info = new SafetensorsTensorInfo(name, dtype, shape);
        long expectedBytes;
        try
        {
            expectedBytes = info.ByteLength;
        }
        catch (OverflowException)
        {
            throw new SafetensorsFormatException(file, name, $"shape {info.ShapeText} of {dtypeText} overflows a 64-bit byte count");
        }
        if (end - begin != expectedBytes)
        {
            throw new SafetensorsFormatException(file, name, $"data_offsets span {end - begin} bytes but shape {info.ShapeText} of {dtypeText} needs {expectedBytes}");
        }
        return new SafetensorsHeaderEntry(info, begin, end);
    }

    private static long ReadOffset(JsonElement element, string name, string file) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var offset) && offset >= 0
            ? offset
            : throw new SafetensorsFormatException(file, name, $"data_offsets entry {element.GetRawText()} is not a non-negative integer");
}
