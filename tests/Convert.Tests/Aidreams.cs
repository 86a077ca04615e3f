using System.Buffers.Binary;
using Tests.Common;

namespace ConvertTool.Tests;

/// <summary>
/// The aidreams260K files in ../shared, and the raw float at a llama2.c offset read straight from the
/// bytes (independent of Loader's reader). Offsets follow the model README's table.
/// </summary>
internal static class Aidreams
{
    public const int Dim = 64, Hidden = 172, Layers = 4, Heads = 4, HeadSize = 16, Vocab = 512, SeqLen = 128;

    public static string Model => SharedFiles.PathOf("models", "aidreams260K", "model.bin");

    public static string Tokenizer => SharedFiles.PathOf("models", "aidreams260K", "tokenizer.bin");

    /// <summary>Float offsets (after the 28-byte header) of the first layer of each llama2.c tensor.</summary>
    public const long Embedding = 0;
    public const long RmsAtt = Embedding + (Vocab * Dim);
    public const long Wq = RmsAtt + (Layers * Dim);
    public const long Wk = Wq + (Layers * Dim * Dim);
    public const long Wv = Wk + (Layers * Dim * Dim);
    public const long Wo = Wv + (Layers * Dim * Dim);
    public const long RmsFfn = Wo + (Layers * Dim * Dim);
    public const long W1 = RmsFfn + (Layers * Dim);
    public const long W2 = W1 + (Layers * Hidden * Dim);
    public const long W3 = W2 + (Layers * Dim * Hidden);
    public const long RmsFinal = W3 + (Layers * Hidden * Dim);

    /// <summary>Parameters without the legacy RoPE tables: embedding + per-layer weights + final norm.</summary>
    public const long ParameterCount = (Vocab * Dim) + (Layers * ((2 * Dim) + (4 * Dim * Dim) + (3 * Dim * Hidden))) + Dim;

    private static readonly Lazy<byte[]> Bytes = new(() => File.ReadAllBytes(Model));

    public static float At(long floatOffset) => BinaryPrimitives.ReadSingleLittleEndian(Bytes.Value.AsSpan((int)(28 + (floatOffset * 4))));

    public static float[] Range(long floatOffset, int count) => Enumerable.Range(0, count).Select(i => At(floatOffset + i)).ToArray();
}
