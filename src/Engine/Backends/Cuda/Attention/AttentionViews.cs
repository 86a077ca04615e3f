using ILGPU;

namespace Engine.Backends.Cuda.Attention;

/// <summary>
/// The device arrays one attention launch reads and writes (a struct, as launchers take at most six parameters).
/// </summary>
/// <param name="Q">(tokens, n_heads · head_dim) queries, RoPE applied.</param>
/// <param name="Output">(tokens, n_heads · head_dim) attention output.</param>
/// <param name="Partials">Flash-decoding scratch: (seqs, n_heads, partitions) maxima, then as many sums, then (seqs, n_heads, partitions, head_dim) unnormalised outputs.</param>
/// <param name="QueryStartLoc">(seqs + 1) first row of each sequence.</param>
/// <param name="Positions">(tokens) position of each row; row r attends to keys 0..Positions[r].</param>
/// <param name="BlockTables">(seqs, MaxBlocksPerSeq) block ids, row-major.</param>
public readonly record struct AttentionViews(
    ArrayView<float> Q,
    ArrayView<float> Output,
    ArrayView<float> Partials,
    ArrayView<int> QueryStartLoc,
    ArrayView<int> Positions,
    ArrayView<int> BlockTables);

/// <summary>The scalars of one attention launch.</summary>
/// <param name="NumHeads">Query heads.</param>
/// <param name="NumKvHeads">KV heads; query head j reads KV head j / GroupSize.</param>
/// <param name="GroupSize">NumHeads / NumKvHeads.</param>
/// <param name="BlockSize">Tokens per KV-cache block.</param>
/// <param name="MaxBlocksPerSeq">Row length of BlockTables.</param>
/// <param name="PartitionTokens">Decode: keys per partition (a multiple of <see cref="KvTile.Tokens"/>).</param>
/// <param name="MaxPartitions">Decode: partitions of the longest context (the scratch's partition stride).</param>
/// <param name="TileRows">Prefill: query rows per group.</param>
/// <param name="Scale">1 / sqrt(head_dim).</param>
public readonly record struct AttentionShape(
    int NumHeads,
    int NumKvHeads,
    int GroupSize,
    int BlockSize,
    int MaxBlocksPerSeq,
    int PartitionTokens,
    int MaxPartitions,
    int TileRows,
    float Scale);
