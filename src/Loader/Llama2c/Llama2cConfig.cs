namespace Loader.Llama2c;

/// <summary>
/// The 7-int32 header of a llama2.c checkpoint. <see cref="VocabSize"/> is always positive here; the sign the
/// file uses for "classifier not shared" is <see cref="SharedClassifier"/> = false.
/// </summary>
public sealed record Llama2cConfig(int Dim, int HiddenDim, int NLayers, int NHeads, int NKvHeads, int VocabSize, int SeqLen, bool SharedClassifier)
{
    /// <summary>Size of the header in bytes.</summary>
    public const int HeaderBytes = 7 * sizeof(int);

    /// <summary><c>Dim / NHeads</c>.</summary>
    public int HeadSize => Dim / NHeads;

    /// <summary><c>NKvHeads * HeadSize</c>: the width of k and v.</summary>
    public int KvDim => NKvHeads * HeadSize;
}
