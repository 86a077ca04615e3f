using System.Text;

namespace ConvertTool.Tests.Gguf;

/// <summary>
/// A GGUF v3 reader written from the format description (magic, version, counts, typed key/values, tensor infos,
/// aligned data), independent of the writer under test: metadata values as .NET objects (arrays as object[]),
/// tensors with their dims (ggml order, innermost first), type and raw bytes.
/// </summary>
internal sealed class GgufFile
{
    public required uint Version { get; init; }

    public required Dictionary<string, object> Metadata { get; init; }

    public required Dictionary<string, (ulong[] Dims, uint Type, byte[] Data)> Tensors { get; init; }

    public required long DataStart { get; init; }

    public static GgufFile Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        using var r = new BinaryReader(new MemoryStream(bytes));
        Assert.Equal("GGUF"u8.ToArray(), r.ReadBytes(4));
        var version = r.ReadUInt32();
        var tensorCount = r.ReadUInt64();
        var kvCount = r.ReadUInt64();
        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        for (ulong i = 0; i < kvCount; i++)
        {
            var key = ReadString(r);
            metadata[key] = ReadValue(r, r.ReadUInt32());
        }
        var infos = new List<(string Name, ulong[] Dims, uint Type, ulong Offset)>();
        for (ulong i = 0; i < tensorCount; i++)
        {
            var name = ReadString(r);
            var dims = new ulong[r.ReadUInt32()];
            for (var d = 0; d < dims.Length; d++)
            {
                dims[d] = r.ReadUInt64();
            }
            infos.Add((name, dims, r.ReadUInt32(), r.ReadUInt64()));
        }
        var alignment = metadata.TryGetValue("general.alignment", out var a) ? (long)(uint)a : 32;
        var dataStart = (r.BaseStream.Position + alignment - 1) / alignment * alignment;
        var tensors = new Dictionary<string, (ulong[], uint, byte[])>(StringComparer.Ordinal);
        for (var i = 0; i < infos.Count; i++)
        {
            var start = dataStart + (long)infos[i].Offset;
            var end = i + 1 < infos.Count ? dataStart + (long)infos[i + 1].Offset : bytes.Length;
            tensors[infos[i].Name] = (infos[i].Dims, infos[i].Type, bytes[(int)start..(int)end]);
        }
        return new GgufFile { Version = version, Metadata = metadata, Tensors = tensors, DataStart = dataStart };
    }

    private static string ReadString(BinaryReader r) => Encoding.UTF8.GetString(r.ReadBytes((int)r.ReadUInt64()));

    private static object ReadValue(BinaryReader r, uint type) => type switch
    {
        0 => r.ReadByte(),
        1 => r.ReadSByte(),
        2 => r.ReadUInt16(),
        3 => r.ReadInt16(),
        4 => r.ReadUInt32(),
        5 => r.ReadInt32(),
        6 => r.ReadSingle(),
        7 => r.ReadByte() != 0,
        8 => ReadString(r),
        9 => ReadArray(r),
        10 => r.ReadUInt64(),
        11 => r.ReadInt64(),
        12 => r.ReadDouble(),
        _ => throw new InvalidDataException($"GGUF value type {type}"),
    };

    private static object[] ReadArray(BinaryReader r)
    {
        var type = r.ReadUInt32();
        var items = new object[r.ReadUInt64()];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = ReadValue(r, type);
        }
        return items;
    }
}
