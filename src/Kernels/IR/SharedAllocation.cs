namespace Kernels.IR;

/// <summary>One static shared-memory array of the kernel, at <see cref="Offset"/> bytes into the block's shared memory.</summary>
public sealed record SharedAllocation(int Index, IrType Element, int Count, int Offset)
{
    public int SizeBytes => Element.SizeBytes * Count;
}
