using System.Text;

namespace ConvertTool.Gguf;

/// <summary>
/// Writes a GGUF v3 file: the magic <c>GGUF</c>, version 3, the tensor and metadata counts, the metadata
/// key/values, the tensor infos (name, dims innermost first, ggml type, offset into the data section), padding
/// to <see cref="Alignment"/>, then each tensor's data at its aligned offset. Everything is little-endian.
/// Metadata and tensors are declared first; <see cref="Write"/> then streams the data one tensor at a time.
/// </summary>
public sealed class GgufWriter
{
    /// <summary>ggml's default <c>general.alignment</c>.</summary>
    public const int Alignment = 32;

    private readonly List<(string Key, GgufValueType Type, object Value)> _metadata = [];
    private readonly List<Tensor> _tensors = [];

    /// <summary>Fills a tensor's encoded bytes (exactly its ByteLength).</summary>
    public delegate void TensorData(Span<byte> destination);

    private sealed record Tensor(string Name, long[] Shape, GgmlType Type, long ByteLength, TensorData Fill);

    public void Add(string key, string value) => _metadata.Add((key, GgufValueType.String, value));

    public void Add(string key, uint value) => _metadata.Add((key, GgufValueType.UInt32, value));

    public void Add(string key, float value) => _metadata.Add((key, GgufValueType.Float32, value));

    public void Add(string key, bool value) => _metadata.Add((key, GgufValueType.Bool, value));

    public void Add(string key, IReadOnlyList<string> values) => _metadata.Add((key, GgufValueType.Array, values));

    public void Add(string key, IReadOnlyList<float> values) => _metadata.Add((key, GgufValueType.Array, values));

    public void Add(string key, IReadOnlyList<int> values) => _metadata.Add((key, GgufValueType.Array, values));

    /// <summary>Declares a tensor of row-major <paramref name="shape"/> (outermost first, as safetensors and
    /// PyTorch write it); GGUF stores the dims reversed (ggml's ne[0] is the contiguous one).</summary>
    public void AddTensor(string name, IReadOnlyList<long> shape, GgmlType type, TensorData fill)
    {
        var elements = shape.Aggregate(1L, (a, b) => a * b);
        var bytes = GgufTensorEncoding.ByteLength(type, elements);
        if (elements > Array.MaxLength || bytes > Array.MaxLength)
        {
            // one tensor is encoded in one array; past 2 GiB it would need row-wise streaming, not written yet
            throw new ArgumentException($"tensor '{name}' ({elements} elements) is larger than the 2 GiB this GGUF writer encodes at once");
        }
        _tensors.Add(new Tensor(name, [.. shape.Reverse()], type, bytes, fill));
    }

    public void Write(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write("GGUF"u8);
        w.Write(3u);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var (key, type, value) in _metadata)
        {
            WriteString(w, key);
            WriteValue(w, type, value);
        }
        long offset = 0;
        foreach (var tensor in _tensors)
        {
            WriteString(w, tensor.Name);
            w.Write((uint)tensor.Shape.Length);
            foreach (var dim in tensor.Shape)
            {
                w.Write((ulong)dim);
            }
            w.Write((uint)tensor.Type);
            w.Write((ulong)offset);
            offset = Align(offset + tensor.ByteLength);
        }
        w.Flush();
        Pad(stream);
        foreach (var tensor in _tensors)
        {
            var buffer = new byte[tensor.ByteLength];
            tensor.Fill(buffer);
            stream.Write(buffer);
            Pad(stream);
        }
    }

    private static long Align(long n) => (n + Alignment - 1) / Alignment * Alignment;

    private static void Pad(Stream stream)
    {
        var pad = (int)(Align(stream.Position) - stream.Position);
        Span<byte> zeros = stackalloc byte[Alignment];
        stream.Write(zeros[..pad]);
    }

    private static void WriteString(BinaryWriter w, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, GgufValueType type, object value)
    {
        w.Write((uint)type);
        switch (value)
        {
            case string s:
                WriteString(w, s);
                break;
            case uint u:
                w.Write(u);
                break;
            case float f:
                w.Write(f);
                break;
            case bool b:
                w.Write((byte)(b ? 1 : 0));
                break;
            case IReadOnlyList<string> strings:
                w.Write((uint)GgufValueType.String);
                w.Write((ulong)strings.Count);
                foreach (var s in strings)
                {
                    WriteString(w, s);
                }
                break;
            case IReadOnlyList<float> floats:
                w.Write((uint)GgufValueType.Float32);
                w.Write((ulong)floats.Count);
                foreach (var f in floats)
                {
                    w.Write(f);
                }
                break;
            case IReadOnlyList<int> ints:
                w.Write((uint)GgufValueType.Int32);
                w.Write((ulong)ints.Count);
                foreach (var i in ints)
                {
                    w.Write(i);
                }
                break;
            default:
                throw new InvalidOperationException($"GGUF value of type {value.GetType()} has no encoding");
        }
    }
}
