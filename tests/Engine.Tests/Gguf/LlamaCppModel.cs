using LLama;
using LLama.Common;
using LLama.Native;

namespace Engine.Tests.Gguf;

/// <summary>
/// A GGUF file loaded in llama.cpp through LLamaSharp (CPU backend): its tokenizer, and greedy decoding by argmax
/// over the raw logits (no sampler chain), so it compares with our engine token for token.
/// </summary>
internal sealed class LlamaCppModel : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;

    static LlamaCppModel()
    {
        // llama.cpp logs every load step at info level; keep only its errors
        NativeLibraryConfig.All.WithLogCallback((level, message) =>
        {
            if (level == LLamaLogLevel.Error)
            {
                Console.Error.Write(message);
            }
        });
    }

    public LlamaCppModel(string ggufPath, int contextSize)
    {
        var parameters = new ModelParams(ggufPath) { ContextSize = (uint)contextSize, BatchSize = (uint)contextSize, Threads = 2 };
        _weights = LLamaWeights.LoadFromFile(parameters);
        _context = _weights.CreateContext(parameters);
    }

    public int VocabSize => _weights.Vocab.Count;

    /// <summary>llama.cpp's encoding of <paramref name="text"/>: BOS first when the GGUF says add_bos_token and
    /// <paramref name="addSpecial"/> is set; special-token text (<c>&lt;|eot_id|&gt;</c>) becomes its id when
    /// <paramref name="parseSpecial"/>, as Hugging Face's added-token matching does.</summary>
    public int[] Tokenize(string text, bool addSpecial, bool parseSpecial = false) =>
        [.. _context.Tokenize(text, addSpecial, parseSpecial).Select(t => (int)t)];

    /// <summary>Feeds <paramref name="prompt"/> from an empty cache, then appends argmax tokens until
    /// <paramref name="total"/> tokens are held or argmax is <paramref name="stopId"/> (not kept).</summary>
    public List<int> Greedy(IReadOnlyList<int> prompt, int total, int stopId = -1)
    {
        _context.NativeHandle.MemoryClear(true);
        var batch = new LLamaBatch();
        for (var i = 0; i < prompt.Count; i++)
        {
            batch.Add(prompt[i], i, LLamaSeqId.Zero, i == prompt.Count - 1);
        }
        Decode(batch);
        var tokens = new List<int>(prompt);
        while (tokens.Count < total)
        {
            var next = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(_context.NativeHandle.GetLogitsIth(batch.TokenCount - 1));
            if (next == stopId)
            {
                break;
            }
            tokens.Add(next);
            if (tokens.Count < total)
            {
                batch.Clear();
                batch.Add(next, tokens.Count - 1, LLamaSeqId.Zero, true);
                Decode(batch);
            }
        }
        return tokens;
    }

    /// <summary>The logits after feeding <paramref name="prompt"/> from an empty cache.</summary>
    public float[] Logits(IReadOnlyList<int> prompt)
    {
        _context.NativeHandle.MemoryClear(true);
        var batch = new LLamaBatch();
        for (var i = 0; i < prompt.Count; i++)
        {
            batch.Add(prompt[i], i, LLamaSeqId.Zero, i == prompt.Count - 1);
        }
        Decode(batch);
        return _context.NativeHandle.GetLogitsIth(batch.TokenCount - 1).ToArray();
    }

    private void Decode(LLamaBatch batch)
    {
        var result = _context.Decode(batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode returned {result}");
        }
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }
}
