using Engine.Execution;
using ILGPU;
using ILGPU.Runtime;

namespace Engine.Backends.Cuda;

/// <summary>
/// A step's <see cref="ForwardBatch"/> metadata on the device, packed in one int buffer so <see cref="Upload"/> is
/// one host→device copy: token ids, positions, slot mapping, the row → sequence map, logits indices and the rows'
/// LoRA multipliers (float bits) at fixed offsets sized for the batch's maxima, then query starts, context lengths
/// and the block tables last, so a copy carries only the tables of the step's sequences. The host side is
/// page-locked (the copy is asynchronous) and both sides are allocated once, at the first step of a batch shape.
/// </summary>
internal sealed class CudaStepMetadata : IDisposable
{
    private readonly PageLockedArray1D<int> _host;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _device;
    private readonly int _maxBlocksPerSeq;

    public CudaStepMetadata(Accelerator accelerator, ForwardBatch shape)
    {
        MaxTokens = shape.MaxTokens;
        MaxSeqs = shape.MaxSeqs;
        MaxBlocksPerSeq = shape.MaxBlocksPerSeq;
        _maxBlocksPerSeq = shape.MaxBlocksPerSeq;
        var tokens = shape.MaxTokens;
        TokenIds = 0;
        Positions = tokens;
        SlotMapping = 2 * tokens;
        RowSeqs = 3 * tokens;
        RowLoraMultipliers = 4 * tokens;
        LogitsIndices = 5 * tokens;
        QueryStartLoc = LogitsIndices + Math.Max(tokens, shape.MaxSeqs);
        SeqLens = QueryStartLoc + shape.MaxSeqs + 1;
        BlockTables = SeqLens + shape.MaxSeqs;
        var length = checked(BlockTables + (shape.MaxSeqs * shape.MaxBlocksPerSeq));
        _host = accelerator.AllocatePageLocked1D<int>(length);
        _device = accelerator.Allocate1D<int>(length);
        _device.MemSetToZero();
    }

    public int MaxTokens { get; }

    public int MaxSeqs { get; }

    public int MaxBlocksPerSeq { get; }

    // offsets into View
    public int TokenIds { get; }

    public int Positions { get; }

    public int SlotMapping { get; }

    public int RowSeqs { get; }

    public int RowLoraMultipliers { get; }

    public int LogitsIndices { get; }

    public int QueryStartLoc { get; }

    public int SeqLens { get; }

    public int BlockTables { get; }

    /// <summary>The whole packed buffer (kernels that read several arrays take it with offsets).</summary>
    public ArrayView<int> View => _device.View;


    public ArrayView<int> Slice(int offset, int length) => View.SubView(offset, Math.Max(length, 1));

    public bool Fits(ForwardBatch batch) =>
        batch.MaxTokens <= MaxTokens && batch.MaxSeqs <= MaxSeqs && batch.MaxBlocksPerSeq == MaxBlocksPerSeq;

    /// <summary>Packs <paramref name="batch"/> into the page-locked staging array and enqueues its one copy on <paramref name="stream"/>.</summary>
    public void Upload(ForwardBatch batch, AcceleratorStream stream)
    {
        var host = _host.Span;
        batch.TokenIds.CopyTo(host[TokenIds..]);
        batch.Positions.CopyTo(host[Positions..]);
        batch.SlotMapping.CopyTo(host[SlotMapping..]);
        var starts = batch.QueryStartLoc;
        for (var s = 0; s < batch.NumSeqs; s++)
        {
            host.Slice(RowSeqs + starts[s], starts[s + 1] - starts[s]).Fill(s);
        }
        var multipliers = batch.RowLoraMultipliers;
        for (var r = 0; r < multipliers.Length; r++)
        {
            host[RowLoraMultipliers + r] = BitConverter.SingleToInt32Bits(multipliers[r]);
        }
        batch.LogitsIndices.CopyTo(host[LogitsIndices..]);
        starts.CopyTo(host[QueryStartLoc..]);
        batch.SeqLens.CopyTo(host[SeqLens..]);
        batch.BlockTables.CopyTo(host[BlockTables..]);
        var used = BlockTables + (batch.NumSeqs * _maxBlocksPerSeq);
        View.SubView(0, used).CopyFromCPUUnsafeAsync(stream, ref host[0], used);
    }

    public void Dispose()
    {
        _host.Dispose();
        _device.Dispose();
    }
}
