namespace Engine.Backends.Cuda.Attention;

/// <summary>
/// Host-side checks of an attention launch: a kernel indexing past a view aborts the process on ILGPU's CPU
/// accelerator and faults the context on CUDA, so every size the kernels rely on is checked before launching.
/// The metadata's contents (block ids, positions) stay on the device; ForwardBatch.AddSequence checked them.
/// </summary>
internal static class AttentionChecks
{
    public static void Check(long q, long output, long keys, long values, AttentionMetadata metadata, AttentionStep step,
        int numHeads, int numKvHeads, int headDim, int partitionTokens)
    {
        if (numHeads <= 0 || numKvHeads <= 0 || numHeads % numKvHeads != 0)
        {
            Throw($"{numHeads} query heads cannot be grouped over {numKvHeads} KV heads");
        }
        if (!PagedAttentionKernels.HeadDims.Contains(headDim))
        {
            Throw($"head_dim {headDim} has no kernel (have {string.Join(", ", PagedAttentionKernels.HeadDims)})");
        }
        if (partitionTokens <= 0 || partitionTokens % KvTile.Tokens != 0)
        {
            Throw($"a decode partition of {partitionTokens} keys is not a positive multiple of {KvTile.Tokens}");
        }
        if (step.NumTokens < step.NumSeqs || step.NumSeqs < 0 || step.BlockSize <= 0 || step.MaxBlocksPerSeq <= 0 || step.MaxQueryLen < 0 || step.MaxContextLen < 0)
        {
            Throw($"step {step} is inconsistent");
        }
        var rowWidth = (long)numHeads * headDim;
        if (q < step.NumTokens * rowWidth || output < step.NumTokens * rowWidth)
        {
            Throw($"{step.NumTokens} rows of {numHeads}·{headDim} need {step.NumTokens * rowWidth} elements in q and output; got {q} and {output}");
        }
        var blockElements = (long)step.BlockSize * numKvHeads * headDim;
        if (keys != values || keys == 0 || keys % blockElements != 0)
        {
            Throw($"the key and value caches ({keys} and {values} elements) must be equal whole numbers of blocks of {step.BlockSize}·{numKvHeads}·{headDim}");
        }
        if (metadata.QueryStartLoc.Length < step.NumSeqs + 1 || metadata.Positions.Length < step.NumTokens || metadata.BlockTables.Length < (long)step.NumSeqs * step.MaxBlocksPerSeq)
        {
            Throw($"metadata of {metadata.QueryStartLoc.Length} query starts, {metadata.Positions.Length} positions and {metadata.BlockTables.Length} table entries is short of {step.NumSeqs} sequences, {step.NumTokens} rows and {step.MaxBlocksPerSeq} blocks per sequence");
        }
        if (step.MaxContextLen > (long)step.MaxBlocksPerSeq * step.BlockSize)
        {
            Throw($"a context of {step.MaxContextLen} keys exceeds {step.MaxBlocksPerSeq} blocks of {step.BlockSize}");
        }
        var group = numHeads / numKvHeads;
        var prefillBytes = PrefillAttention.SharedFloats(headDim, Math.Max(1, PagedAttentionKernels.PrefillVectors / group) * group) * sizeof(float);
        if (step.MaxQueryLen > 1 && prefillBytes > PagedAttentionKernels.SharedBytes)
        {
            Throw($"prefill with {group} query heads per KV head at head_dim {headDim} needs {prefillBytes} bytes of shared memory (at most {PagedAttentionKernels.SharedBytes})");
        }
    }

    private static void Throw(string message) => throw new ArgumentException($"PagedAttentionKernels: {message}.");
}
