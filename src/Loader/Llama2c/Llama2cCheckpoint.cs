using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Loader.IO;

namespace Loader.Llama2c;

/// <summary>
/// A legacy llama2.c ("v0") checkpoint: a 7-int32 little-endian header
/// (<c>dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len</c>; negative vocab_size means an
/// unshared classifier) followed by float32 tensors in <see cref="Llama2cTensorKind"/> order. The header is
/// validated and the file size checked against it at <see cref="Read"/>; the weights are memory-mapped.
/// </summary>
public sealed class Llama2cCheckpoint : IDisposable
{
    private readonly MappedFile _mapped;
    private readonly Llama2cLayout _layout;

    private Llama2cCheckpoint(string path, Llama2cConfig config, MappedFile mapped, Llama2cLayout layout, bool hasRopeTables)
    {
        Path = path;
        Config = config;
        _mapped = mapped;
        _layout = layout;
        HasRopeTables = hasRopeTables;
    }

    public string Path { get; }

    public Llama2cConfig Config { get; }

    /// <summary>Whether the legacy freq_cis tables are in the file (always for unshared classifiers).</summary>
    public bool HasRopeTables { get; }

    /// <summary>
    /// Reads and validates <paramref name="path"/>. Throws <see cref="Llama2cFormatException"/> when the header
    /// holds impossible values (non-positive sizes, dim not divisible by n_heads, n_heads not divisible by
    /// n_kv_heads, odd head size) or the file size differs from what the header implies.
    /// </summary>
    public static Llama2cCheckpoint Read(string path)
    {
        var length = new FileInfo(path).Length;
        if (length < Llama2cConfig.HeaderBytes)
        {
            throw new Llama2cFormatException(path, $"file is {length} bytes, shorter than the {Llama2cConfig.HeaderBytes}-byte header");
        }
        Span<byte> header = stackalloc byte[Llama2cConfig.HeaderBytes];
        using (var stream = File.OpenRead(path))
        {
            stream.ReadExactly(header);
        }
        var config = ParseHeader(header, path);
        Llama2cLayout layout;
        try
        {
            layout = new Llama2cLayout(config);
        }
        catch (OverflowException e)
        {
            throw new Llama2cFormatException(path, "header sizes overflow a 64-bit byte count", e);
        }
        var floats = (length - Llama2cConfig.HeaderBytes) / sizeof(float);
        var expected = layout.AllowedFloatCounts.Select(f => Llama2cConfig.HeaderBytes + f * sizeof(float)).ToArray();
        if (!expected.Contains(length))
        {
            var what = config.SharedClassifier
                ? $"{expected[0]} bytes (without the legacy RoPE tables) or {expected[1]} (with them)"
                : $"{expected[0]} bytes (weights, RoPE tables and the unshared classifier)";
            throw new Llama2cFormatException(path, $"file is {length} bytes but its header (dim {config.Dim}, hidden_dim {config.HiddenDim}, n_layers {config.NLayers}, n_heads {config.NHeads}, n_kv_heads {config.NKvHeads}, vocab {config.VocabSize}, seq_len {config.SeqLen}, {(config.SharedClassifier ? "shared" : "unshared")} classifier) implies {what}");
        }
        var mapped = new MappedFile(path, length);
        return new Llama2cCheckpoint(path, config, mapped, layout, floats >= layout.WeightsWithTables);
    }

    /// <summary>Parses and validates the 28-byte header.</summary>
    public static Llama2cConfig ParseHeader(ReadOnlySpan<byte> header, string file)
    {
        Span<int> v = stackalloc int[7];
        for (var i = 0; i < 7; i++)
        {
            v[i] = BinaryPrimitives.ReadInt32LittleEndian(header[(i * 4)..]);
        }
        string[] names = ["dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"];
        for (var i = 0; i < 7; i++)
        {
            if (i != 5 && v[i] <= 0)
            {
                throw new Llama2cFormatException(file, $"header field {names[i]} is {v[i]}; it must be positive");
            }
        }
        if (v[5] == 0 || v[5] == int.MinValue)
        {
            throw new Llama2cFormatException(file, $"header field vocab_size is {v[5]}");
        }
        if (v[0] % v[3] != 0 || (v[0] / v[3]) % 2 != 0)
        {
            throw new Llama2cFormatException(file, $"dim {v[0]} must split into n_heads {v[3]} heads of even size");
        }
        if (v[3] % v[4] != 0)
        {
            throw new Llama2cFormatException(file, $"n_heads {v[3]} is not a multiple of n_kv_heads {v[4]}");
        }
        return new Llama2cConfig(v[0], v[1], v[2], v[3], v[4], Math.Abs(v[5]), v[6], SharedClassifier: v[5] > 0);
    }

    /// <summary>
    /// A whole tensor (all layers for per-layer kinds), row-major. <see cref="Llama2cTensorKind.Wcls"/> is the
    /// embedding when the classifier is shared. Throws <see cref="InvalidOperationException"/> for the RoPE
    /// tables when the file lacks them, or for a tensor over 2 GiB (use the per-layer overload).
    /// </summary>
    public ReadOnlySpan<float> Tensor(Llama2cTensorKind kind)
    {
        var (offset, length, _) = _layout[kind];
        return Floats(kind, offset, length);
    }

    /// <summary>One layer's slice of a per-layer tensor, e.g. <c>Tensor(Wq, 2)</c> is <c>[n_heads*head_size, dim]</c>.</summary>
    public ReadOnlySpan<float> Tensor(Llama2cTensorKind kind, int layer)
    {
        var (offset, length, layers) = _layout[kind];
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, layers);
        var perLayer = length / layers;
        return Floats(kind, offset + layer * perLayer, perLayer);
    }

    public void Dispose() => _mapped.Dispose();

    private ReadOnlySpan<float> Floats(Llama2cTensorKind kind, long offset, long length)
    {
        if (kind is Llama2cTensorKind.FreqCisReal or Llama2cTensorKind.FreqCisImag && !HasRopeTables)
        {
            throw new InvalidOperationException($"{Path}: the file has no legacy RoPE tables");
        }
        if (length * sizeof(float) > int.MaxValue)
        {
            throw new InvalidOperationException($"{Path}: {kind} is {length * sizeof(float)} bytes, too large for one span; read it per layer");
        }
        return MemoryMarshal.Cast<byte, float>(_mapped.Span(Llama2cConfig.HeaderBytes + offset * sizeof(float), (int)(length * sizeof(float))));
    }
}
