using System.Numerics.Tensors;

namespace Engine.Backends.Cpu;

/// <summary>
/// Causal attention over the paged KV cache, one chunk per (row, query head): scores over positions 0..p read
/// through the sequence's block table, softmax, weighted sum of values. Scores live in a per-worker scratch row.
/// </summary>
internal sealed class PagedAttention : IParallelJob
{
    private float[] _q = [];
    private float[] _out = [];
    private float[] _keys = [];
    private float[] _values = [];
    private int[] _rowSeq = [];
    private Execution.ForwardBatch? _batch;
    private float[][] _scores = [];
    private int _numHeads;
    private int _groupSize;
    private int _headDim;
    private int _slotWidth;
    private float _scale;

    public int Prepare(float[] q, float[] output, CpuKvCache cache, int layer, Execution.ForwardBatch batch, int[] rowSeq, int numHeads, float[][] scores)
    {
        _q = q;
        _out = output;
        _keys = cache.Keys[layer];
        _values = cache.Values[layer];
        _batch = batch;
        _rowSeq = rowSeq;
        _numHeads = numHeads;
        _groupSize = numHeads / cache.NumKvHeads;
        _headDim = cache.HeadDim;
        _slotWidth = cache.SlotWidth;
        _scale = 1f / MathF.Sqrt(cache.HeadDim);
        _scores = scores;
        return batch.NumTokens * numHeads;
    }

    public void Execute(int chunk, int worker)
    {
        var batch = _batch!;
        var row = chunk / _numHeads;
        var head = chunk % _numHeads;
        var seq = _rowSeq[row];
        var position = batch.Positions[row];
        var blockSize = batch.BlockSize;
        var table = batch.BlockTables.Slice(seq * batch.MaxBlocksPerSeq, batch.MaxBlocksPerSeq);
        var hd = _headDim;
        var kvOffset = head / _groupSize * hd;
        var qDim = _numHeads * hd;
        ReadOnlySpan<float> q = _q.AsSpan(row * qDim + head * hd, hd);
        var scores = _scores[worker].AsSpan(0, position + 1);

        // scores[t] = q · k_t / sqrt(head_dim), t = 0..pos
        for (var t = 0; t <= position; t++)
        {
            var slot = table[t / blockSize] * blockSize + t % blockSize;
            scores[t] = TensorPrimitives.Dot(q, _keys.AsSpan(slot * _slotWidth + kvOffset, hd)) * _scale;
        }

        // softmax over the context
        TensorPrimitives.SoftMax(scores, scores);

        // out = Σ_t scores[t] · v_t
        var output = _out.AsSpan(row * qDim + head * hd, hd);
        output.Clear();
        for (var t = 0; t <= position; t++)
        {
            var slot = table[t / blockSize] * blockSize + t % blockSize;
            TensorPrimitives.MultiplyAdd(_values.AsSpan(slot * _slotWidth + kvOffset, hd), scores[t], output, output);
        }
    }
}
