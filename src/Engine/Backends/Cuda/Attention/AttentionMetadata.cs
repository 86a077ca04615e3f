using ILGPU;

namespace Engine.Backends.Cuda.Attention;

/// <summary>The step metadata attention reads, as uploaded once per step (Engine.Execution.ForwardBatch's arrays).</summary>
/// <param name="QueryStartLoc">(seqs + 1) first row of each sequence.</param>
/// <param name="Positions">(tokens) position of each row.</param>
/// <param name="BlockTables">(seqs, MaxBlocksPerSeq) block ids, row-major.</param>
public readonly record struct AttentionMetadata(ArrayView<int> QueryStartLoc, ArrayView<int> Positions, ArrayView<int> BlockTables);
