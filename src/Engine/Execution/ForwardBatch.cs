namespace Engine.Execution;

/// <summary>
/// One forward step, flattened the way vLLM's model runner hands it to the kernels: the new tokens of every
/// scheduled sequence back to back (a prompt chunk or one decode token each), with their positions, the KV-cache
/// slot each token's key and value go to, each sequence's block table, query start offsets and context length.
/// Allocated once at the largest batch and refilled every step, so a step allocates nothing.
/// </summary>
public sealed class ForwardBatch
{
    private readonly int[] _tokenIds;
    private readonly int[] _positions;
    private readonly int[] _slotMapping;
    private readonly int[] _queryStartLoc;
    private readonly int[] _seqLens;
    private readonly int[] _blockTables;
    private readonly int[] _logitsIndices;
    private readonly int[] _loraIds;
    private readonly float[] _loraMultipliers;
    private readonly float[] _rowLoraMultipliers;
    private readonly LoraSegment[] _loraSegments;

    public ForwardBatch(int maxTokens, int maxSeqs, int maxBlocksPerSeq, int blockSize)
    {
        MaxTokens = maxTokens;
        MaxSeqs = maxSeqs;
        MaxBlocksPerSeq = maxBlocksPerSeq;
        BlockSize = blockSize;
        _tokenIds = new int[maxTokens];
        _positions = new int[maxTokens];
        _slotMapping = new int[maxTokens];
        _queryStartLoc = new int[maxSeqs + 1];
        _seqLens = new int[maxSeqs];
        _blockTables = new int[maxSeqs * maxBlocksPerSeq];
        // every row may want logits (prompt logprobs), besides the last row of each sequence
        _logitsIndices = new int[Math.Max(maxTokens, maxSeqs)];
        _loraIds = new int[maxSeqs];
        _loraMultipliers = new float[maxSeqs];
        _rowLoraMultipliers = new float[maxTokens];
        _loraSegments = new LoraSegment[maxSeqs];
    }

    public int MaxTokens { get; }

    public int MaxSeqs { get; }

    public int MaxBlocksPerSeq { get; }

    public int BlockSize { get; }

    public int NumTokens { get; private set; }

    public int NumSeqs { get; private set; }

    /// <summary>Rows of the flattened batch whose logits are computed (the last new token of sequences that sample).</summary>
    public int NumLogits { get; private set; }

    /// <summary>(tokens) token id of each row.</summary>
    public ReadOnlySpan<int> TokenIds => _tokenIds.AsSpan(0, NumTokens);

    /// <summary>(tokens) absolute position of each row in its sequence.</summary>
    public ReadOnlySpan<int> Positions => _positions.AsSpan(0, NumTokens);

    /// <summary>(tokens) KV-cache slot = block · BlockSize + offset where each row's key and value are stored.</summary>
    public ReadOnlySpan<int> SlotMapping => _slotMapping.AsSpan(0, NumTokens);

    /// <summary>(seqs + 1) first row of each sequence; the last entry is NumTokens.</summary>
    public ReadOnlySpan<int> QueryStartLoc => _queryStartLoc.AsSpan(0, NumSeqs + 1);

    /// <summary>(seqs) context length of each sequence after this step (cached tokens plus new ones).</summary>
    public ReadOnlySpan<int> SeqLens => _seqLens.AsSpan(0, NumSeqs);

    /// <summary>(seqs, MaxBlocksPerSeq) block ids of each sequence, row-major.</summary>
    public ReadOnlySpan<int> BlockTables => _blockTables.AsSpan(0, NumSeqs * MaxBlocksPerSeq);

    /// <summary>(logits) row index of each row whose logits are wanted, in sequence order.</summary>
    public ReadOnlySpan<int> LogitsIndices => _logitsIndices.AsSpan(0, NumLogits);

    /// <summary>(seqs) LoRA adapter id of each sequence (an id of <c>Lora.LoraAdapterSet</c>), or −1 for the base model.</summary>
    public ReadOnlySpan<int> LoraIds => _loraIds.AsSpan(0, NumSeqs);

    /// <summary>(seqs) LoRA multiplier of each sequence (0 for base sequences).</summary>
    public ReadOnlySpan<float> LoraMultipliers => _loraMultipliers.AsSpan(0, NumSeqs);

    /// <summary>(tokens) the LoRA multiplier of each row's sequence; 0 on base rows.</summary>
    public ReadOnlySpan<float> RowLoraMultipliers => _rowLoraMultipliers.AsSpan(0, NumTokens);

    /// <summary>
    /// Maximal runs of consecutive rows with the same adapter and a non-zero multiplier, in row order. Empty when
    /// no row is adapted, so a base-only step runs no LoRA op at all.
    /// </summary>
    public ReadOnlySpan<LoraSegment> LoraSegments => _loraSegments.AsSpan(0, NumLoraSegments);

    public int NumLoraSegments { get; private set; }

    public void Clear()
    {
        NumTokens = 0;
        NumSeqs = 0;
        NumLogits = 0;
        NumLoraSegments = 0;
        _queryStartLoc[0] = 0;
    }

    /// <summary>
    /// Appends a sequence whose tokens <paramref name="newTokens"/> sit at positions
    /// <paramref name="startPosition"/> onward; positions 0 .. startPosition − 1 are already in the cache blocks of
    /// <paramref name="blockTable"/>, which must cover every new position. Returns the sequence's index.
    /// </summary>
    public int AddSequence(ReadOnlySpan<int> newTokens, int startPosition, ReadOnlySpan<int> blockTable, bool computeLogits) =>
        AddSequence(newTokens, startPosition, blockTable, computeLogits, loraId: -1, loraMultiplier: 0);

    /// <summary>
    /// <see cref="AddSequence(ReadOnlySpan{int}, int, ReadOnlySpan{int}, bool)"/> for a sequence that runs with LoRA
    /// adapter <paramref name="loraId"/> (−1: the base model) scaled by <paramref name="loraMultiplier"/>. A
    /// multiplier of 0 is the base model exactly, so such a sequence joins no LoRA segment.
    /// </summary>
    public int AddSequence(ReadOnlySpan<int> newTokens, int startPosition, ReadOnlySpan<int> blockTable, bool computeLogits, int loraId, float loraMultiplier)
    {
        if (loraId < -1 || !float.IsFinite(loraMultiplier))
        {
            throw new ArgumentOutOfRangeException(nameof(loraId),
                $"ForwardBatch: LoRA adapter id {loraId} (−1 for none) with multiplier {loraMultiplier} (must be finite).");
        }
        var seqLen = startPosition + newTokens.Length;
        if (NumSeqs == MaxSeqs || NumTokens + newTokens.Length > MaxTokens || newTokens.Length == 0)
        {
            throw new InvalidOperationException(
                $"ForwardBatch overflow: {NumSeqs + 1} sequences (max {MaxSeqs}), {NumTokens + newTokens.Length} tokens (max {MaxTokens}); empty sequences are not allowed.");
        }
        if (blockTable.Length > MaxBlocksPerSeq || blockTable.Length * BlockSize < seqLen)
        {
            throw new InvalidOperationException(
                $"ForwardBatch: block table of {blockTable.Length} blocks cannot hold {seqLen} tokens (block size {BlockSize}, max {MaxBlocksPerSeq} blocks).");
        }

        var seq = NumSeqs;
        var row = NumTokens;
        for (var i = 0; i < newTokens.Length; i++)
        {
            var position = startPosition + i;
            _tokenIds[row + i] = newTokens[i];
            _positions[row + i] = position;
            _slotMapping[row + i] = blockTable[position / BlockSize] * BlockSize + position % BlockSize;
        }
        blockTable.CopyTo(_blockTables.AsSpan(seq * MaxBlocksPerSeq, MaxBlocksPerSeq));
        _seqLens[seq] = seqLen;
        AddLoraRows(seq, row, row + newTokens.Length, loraId, loraMultiplier);
        NumTokens = row + newTokens.Length;
        NumSeqs = seq + 1;
        _queryStartLoc[NumSeqs] = NumTokens;
        if (computeLogits)
        {
            _logitsIndices[NumLogits++] = NumTokens - 1;
        }
        return seq;
    }

    /// <summary>
    /// Asks for the logits of every row of sequence <paramref name="seq"/> (prompt logprobs: row p predicts token
    /// p + 1), appended to <see cref="LogitsIndices"/> in row order, so its last row's logits come last. Call it right
    /// after adding the sequence with <c>computeLogits: false</c>. Returns the index of its first logit row.
    /// </summary>
    public int AddAllLogitRows(int seq)
    {
        if (seq != NumSeqs - 1)
        {
            throw new InvalidOperationException($"ForwardBatch: all logit rows can be asked only of the last sequence added ({NumSeqs - 1}), not {seq}.");
        }
        var first = NumLogits;
        for (var row = _queryStartLoc[seq]; row < _queryStartLoc[seq + 1]; row++)
        {
            _logitsIndices[NumLogits++] = row;
        }
        return first;
    }

    private void AddLoraRows(int seq, int rowStart, int rowEnd, int loraId, float multiplier)
    {
        var adapted = loraId >= 0 && multiplier != 0;
        _loraIds[seq] = adapted ? loraId : -1;
        _loraMultipliers[seq] = adapted ? multiplier : 0;
        _rowLoraMultipliers.AsSpan(rowStart, rowEnd - rowStart).Fill(adapted ? multiplier : 0);
        if (!adapted)
        {
            return;
        }
        // Sequences are laid out back to back, so a run of the same adapter extends the previous segment.
        var last = NumLoraSegments - 1;
        if (last >= 0 && _loraSegments[last].AdapterId == loraId && _loraSegments[last].RowEnd == rowStart)
        {
            _loraSegments[last] = _loraSegments[last] with { RowEnd = rowEnd };
        }
        else
        {
            _loraSegments[NumLoraSegments++] = new LoraSegment(loraId, rowStart, rowEnd);
        }
    }
}
