namespace Loader.Llama2c;

/// <summary>
/// Where each tensor of a llama2.c checkpoint lies, in floats from the end of the header, and the file sizes
/// the header allows: shared classifier with or without the legacy RoPE tables, or unshared classifier with
/// the tables (run.c always steps over them before wcls).
/// </summary>
internal sealed class Llama2cLayout
{
    private readonly (long Offset, long Length, int Layers)[] _tensors = new (long, long, int)[14];

    public Llama2cLayout(Llama2cConfig config)
    {
        long dim = config.Dim, hidden = config.HiddenDim, vocab = config.VocabSize, kvDim = config.KvDim;
        long qDim = (long)config.NHeads * config.HeadSize;
        var layers = config.NLayers;
        long offset = 0;
        void Add(Llama2cTensorKind kind, long perLayer, int count)
        {
            _tensors[(int)kind] = (offset, checked(perLayer * count), count);
            offset = checked(offset + perLayer * count);
        }
        Add(Llama2cTensorKind.TokenEmbedding, vocab * dim, 1);
        Add(Llama2cTensorKind.RmsAtt, dim, layers);
        Add(Llama2cTensorKind.Wq, qDim * dim, layers);
        Add(Llama2cTensorKind.Wk, kvDim * dim, layers);
        Add(Llama2cTensorKind.Wv, kvDim * dim, layers);
        Add(Llama2cTensorKind.Wo, dim * qDim, layers);
        Add(Llama2cTensorKind.RmsFfn, dim, layers);
        Add(Llama2cTensorKind.W1, hidden * dim, layers);
        Add(Llama2cTensorKind.W2, dim * hidden, layers);
        Add(Llama2cTensorKind.W3, hidden * dim, layers);
        Add(Llama2cTensorKind.RmsFinal, dim, 1);
        WeightsWithoutTables = offset;
        long table = (long)config.SeqLen * (config.HeadSize / 2);
        Add(Llama2cTensorKind.FreqCisReal, table, 1);
        Add(Llama2cTensorKind.FreqCisImag, table, 1);
        WeightsWithTables = offset;
        if (config.SharedClassifier)
        {
            _tensors[(int)Llama2cTensorKind.Wcls] = _tensors[(int)Llama2cTensorKind.TokenEmbedding];
            AllowedFloatCounts = [WeightsWithoutTables, WeightsWithTables];
        }
        else
        {
            Add(Llama2cTensorKind.Wcls, vocab * dim, 1);
            AllowedFloatCounts = [offset];
        }
    }

    /// <summary>Floats through rms_final.</summary>
    public long WeightsWithoutTables { get; }

    /// <summary>Floats through the two RoPE tables.</summary>
    public long WeightsWithTables { get; }

    /// <summary>The float counts after the header that a well-formed file may have.</summary>
    public long[] AllowedFloatCounts { get; }

    /// <summary>(offset in floats after the header, length in floats, number of layers it spans).</summary>
    public (long Offset, long Length, int Layers) this[Llama2cTensorKind kind] => _tensors[(int)kind];
}
