using Engine.Backends.Cpu;
using Engine.Execution;
using Engine.Lora;
using Engine.Model;

namespace Engine.Tests.Model;

/// <summary>
/// Drives <see cref="LlamaModel"/> directly for forward-pass tests: each sequence gets its own blocks, handed out
/// in a shuffled order so block tables are not contiguous (a paging bug cannot hide behind identity mapping).
/// </summary>
internal sealed class ModelHarness : IDisposable
{
    private readonly global::Engine.Backends.IBackend _backend;
    private readonly global::Engine.Backends.IDeviceKvCache _cache;
    private readonly ForwardBatch _batch;
    private readonly Queue<int> _freeBlocks;
    private readonly Dictionary<int, (List<int> Blocks, List<int> Tokens)> _seqs = [];

    /// <param name="adapters">Builds the LoRA adapter set on the harness's backend; null for none.</param>
    /// <param name="backend">The backend to run on (owned by the harness); null: a CPU backend of <paramref name="threads"/>.</param>
    public ModelHarness(ModelConfig config, Weights weights, int blockSize = 4, int maxTokens = 256, int maxSeqs = 8, int threads = 2,
        Func<global::Engine.Backends.IBackend, LoraAdapterSet>? adapters = null, global::Engine.Backends.IBackend? backend = null,
        DType kvCacheDType = DType.F32)
    {
        Config = config;
        _backend = backend ?? new CpuBackend(threads, kvCacheDType);
        Model = new LlamaModel(config, LlamaWeights.Bind(config, weights), _backend, maxTokens, maxSeqs, adapters?.Invoke(_backend));
        var maxBlocksPerSeq = (config.MaxContext + blockSize - 1) / blockSize;
        var numBlocks = maxBlocksPerSeq * maxSeqs;
        _cache = Model.AllocateKvCache(numBlocks, blockSize);
        _batch = new ForwardBatch(maxTokens, maxSeqs, maxBlocksPerSeq, blockSize);
        var order = Enumerable.Range(0, numBlocks).ToArray();
        new Random(7).Shuffle(order);
        _freeBlocks = new Queue<int>(order);
        BlockSize = blockSize;
    }

    public ModelConfig Config { get; }

    public LlamaModel Model { get; }

    public CpuBackend Backend => (CpuBackend)_backend;

    public int BlockSize { get; }

    /// <summary>
    /// One forward step: each entry appends its tokens to sequence <c>Seq</c> (created on first use); returns the
    /// logits of the last new token of each entry, in entry order.
    /// </summary>
    public float[][] Step(params (int Seq, int[] Tokens)[] entries) =>
        Step(entries.Select(e => (e.Seq, e.Tokens, -1, 0f)).ToArray());

    /// <summary>As <see cref="Step((int Seq, int[] Tokens)[])"/>, each entry running LoRA adapter <c>LoraId</c> (−1: base) × <c>Multiplier</c>.</summary>
    public float[][] Step(params (int Seq, int[] Tokens, int LoraId, float Multiplier)[] entries)
    {
        _batch.Clear();
        foreach (var (seq, tokens, loraId, multiplier) in entries)
        {
            if (!_seqs.TryGetValue(seq, out var state))
            {
                state = ([], []);
                _seqs[seq] = state;
            }
            var start = state.Tokens.Count;
            state.Tokens.AddRange(tokens);
            while (state.Blocks.Count * BlockSize < state.Tokens.Count)
            {
                state.Blocks.Add(_freeBlocks.Dequeue());
            }
            _batch.AddSequence(tokens, start, state.Blocks.ToArray(), computeLogits: true, loraId, multiplier);
        }
        var vocab = Config.VocabSize;
        var logits = new float[entries.Length * vocab];
        Model.Forward(_batch, _cache, logits);
        return Enumerable.Range(0, entries.Length).Select(i => logits.AsSpan(i * vocab, vocab).ToArray()).ToArray();
    }

    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }
        return best;
    }

    public void Dispose() => _backend.Dispose();
}
