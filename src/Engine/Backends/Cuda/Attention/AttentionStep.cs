using Engine.Execution;

namespace Engine.Backends.Cuda.Attention;

/// <summary>
/// Host-side counts of one step that size the attention grids (the metadata itself is on the device).
/// </summary>
/// <param name="NumTokens">Rows of q and output.</param>
/// <param name="NumSeqs">Sequences (QueryStartLoc has NumSeqs + 1 entries).</param>
/// <param name="MaxBlocksPerSeq">Row length of the block tables.</param>
/// <param name="BlockSize">Tokens per cache block.</param>
/// <param name="MaxQueryLen">Most query rows of one sequence this step.</param>
/// <param name="MaxContextLen">Most keys a row attends to (its position + 1).</param>
/// <param name="NumDecodeSeqs">Sequences with exactly one query row (the decode kernel's).</param>
public readonly record struct AttentionStep(
    int NumTokens,
    int NumSeqs,
    int MaxBlocksPerSeq,
    int BlockSize,
    int MaxQueryLen,
    int MaxContextLen,
    int NumDecodeSeqs)
{
    /// <summary>The counts of <paramref name="batch"/> (one pass over its sequences, no allocation).</summary>
    public static AttentionStep From(ForwardBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var starts = batch.QueryStartLoc;
        var positions = batch.Positions;
        int maxQuery = 0, maxContext = 0, decode = 0;
        for (var s = 0; s < batch.NumSeqs; s++)
        {
            var length = starts[s + 1] - starts[s];
            maxQuery = Math.Max(maxQuery, length);
            maxContext = Math.Max(maxContext, positions[starts[s + 1] - 1] + 1);
            decode += length == 1 ? 1 : 0;
        }
        return new AttentionStep(batch.NumTokens, batch.NumSeqs, batch.MaxBlocksPerSeq, batch.BlockSize, maxQuery, maxContext, decode);
    }
}
